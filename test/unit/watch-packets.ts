import type { CapturedPacket } from '../../electron/engine/net/capture-types.js';
import type { WatchDeps } from '../../electron/engine/watch/run-watch.js';
import type { WatchCatch } from '../../electron/shared/watch-info.js';

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
  ack?: number;
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
      ack: o.ack ?? 1,
      flags: o.flags,
      window: 502,
      optionsLength: o.flags.includes('S') ? 20 : 12,
      payloadLength: o.payload ?? 0,
    },
    ...(o.frame && family === 4 ? { frame: { bytes: new Uint8Array(40).fill(0x45, 0, 1), length: 40 } } : {}),
  };
}

/** A stream that plays `packets` once watched, and records what it was asked to watch. */
export function fakeStream(packets: CapturedPacket[]) {
  const seen = { watched: [] as string[], closed: false };
  const stream: WatchDeps['stream'] = (now, onPacket) =>
    Promise.resolve({
      note: 'fake capture',
      watch(addresses: string[]) {
        seen.watched.push(...addresses);
        setTimeout(() => {
          for (const p of packets) onPacket({ ...p, at: now() });
        }, 5);
      },
      close() {
        seen.closed = true;
      },
    });
  return { stream, seen };
}

export const watchDns = { lookup: () => Promise.resolve([{ address: WATCHED_SERVER, family: 4 as const }]) };

/** `ss -tanp` as it would list the connections: 40001 and 40002 are curl's, 40003 java's. */
const SS = [
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
  `ESTAB 0 0 198.18.1.2:40001 ${WATCHED_SERVER}:80 users:(("curl",pid=301,fd=5))`,
  `ESTAB 0 0 198.18.1.2:40002 ${WATCHED_SERVER}:80 users:(("curl",pid=302,fd=5))`,
  `ESTAB 0 0 198.18.1.2:40003 ${WATCHED_SERVER}:80 users:(("java",pid=77,fd=40))`,
  `ESTAB 0 0 198.18.1.2:40009 10.0.0.9:80 users:(("other",pid=9,fd=4))`,
].join('\n');
export const watchSystem = {
  run: () => Promise.resolve({ code: 0, stdout: SS, stderr: '' }),
  which: () => Promise.resolve('/usr/bin/ss'),
};

/** A reset caught on connection n (local port 40000 + n), 3 s idle, no verdict unless given. */
export function watchCatch(n: number, over: Partial<WatchCatch> = {}): WatchCatch {
  return {
    connectionId: `w${n}`,
    how: 'reset',
    at: n * 7000,
    address: WATCHED_SERVER,
    port: 80,
    localPort: 40000 + n,
    lifetimeMs: 5000,
    idleMs: 3000,
    bytesIn: 0,
    bytesOut: 120,
    order: n,
    concurrent: 1,
    sawOpen: true,
    owner: { process: 'java', pid: 7 },
    seenBy: 'capture',
    verdict: null,
    ...over,
  };
}
