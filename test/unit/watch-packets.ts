import type { CapturedPacket } from '../../electron/engine/net/capture-types.js';

export const WATCHED_SERVER = '198.18.4.2';

/**
 * A packet from the watched target (port 80) to a local port, as the capture stream hands it over: the
 * watch specs' one builder. IPv6 packets come without TTL or frame, as the capture sees them.
 */
export function targetPacket(o: {
  at?: number;
  localPort?: number;
  flags: string;
  ttl?: number;
  family?: 4 | 6;
  payload?: number;
  seq?: number;
  srcPort?: number;
  frame?: boolean;
}): CapturedPacket {
  const family = o.family ?? 4;
  return {
    at: o.at ?? 0,
    family,
    src: family === 4 ? WATCHED_SERVER : 'fd00::2',
    dst: family === 4 ? '198.18.1.2' : '',
    ttl: family === 4 ? (o.ttl ?? 61) : null,
    ipId: family === 4 ? 0 : null,
    tcp: {
      srcPort: o.srcPort ?? 80,
      dstPort: o.localPort ?? 40000,
      seq: o.seq ?? 1000,
      ack: 1,
      flags: o.flags,
      window: 502,
      optionsLength: o.flags.includes('S') ? 20 : 12,
      payloadLength: o.payload ?? 0,
    },
    ...(o.frame && family === 4 ? { frame: { bytes: new Uint8Array(40).fill(0x45, 0, 1), length: 40 } } : {}),
  };
}
