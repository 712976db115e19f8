import { isIP, isIPv4 } from 'node:net';
import type { TcpHeaderInfo } from './capture-types.js';

/** The header fields a sender chooses (no options), the addresses for the checksum, and the payload. */
export type TcpSegmentFields = Pick<
  TcpHeaderInfo,
  'srcPort' | 'dstPort' | 'seq' | 'ack' | 'flags' | 'window'
> & {
  srcAddress: string;
  dstAddress: string;
  payload: Uint8Array;
};

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20 };

/**
 * A TCP segment with no options, checksummed over the pseudo-header: raw sockets leave the TCP
 * checksum to the sender, and a wrong one makes every router pass the segment but the server drop it.
 */
export function buildTcpSegment(f: TcpSegmentFields): Buffer {
  const segment = Buffer.alloc(20 + f.payload.length);
  segment.writeUInt16BE(f.srcPort, 0);
  segment.writeUInt16BE(f.dstPort, 2);
  segment.writeUInt32BE(f.seq >>> 0, 4);
  segment.writeUInt32BE(f.ack >>> 0, 8);
  segment[12] = 5 << 4;
  segment[13] = [...f.flags].reduce((bits, letter) => bits | (FLAG_BITS[letter] ?? 0), 0);
  segment.writeUInt16BE(f.window, 14);
  segment.set(f.payload, 20);
  segment.writeUInt16BE(tcpChecksum(f.srcAddress, f.dstAddress, segment), 16);
  return segment;
}

/** RFC 793 / RFC 8200 checksum of a TCP segment whose checksum field is zero. */
export function tcpChecksum(src: string, dst: string, segment: Buffer): number {
  const v4 = isIPv4(src);
  const pseudo = v4 ? Buffer.alloc(12) : Buffer.alloc(40);
  if (v4) {
    addressBytes(src).copy(pseudo, 0);
    addressBytes(dst).copy(pseudo, 4);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(segment.length, 10);
  } else {
    addressBytes(src).copy(pseudo, 0);
    addressBytes(dst).copy(pseudo, 16);
    pseudo.writeUInt32BE(segment.length, 32);
    pseudo[39] = 6;
  }
  let sum = 0;
  for (const part of [pseudo, segment]) {
    for (let i = 0; i < part.length; i += 2) sum += (part[i]! << 8) | (part[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * The 4 or 16 bytes of an address in any text form: IPv6 compressed or not, with a zone (which is no part of
 * the address), or with an embedded IPv4 tail (::ffff:198.18.1.2, as dual-stack sockets report an IPv4 peer).
 * Anything else is refused: a checksum over other bytes would make the server drop the segment in silence.
 */
export function addressBytes(address: string): Buffer {
  const plain = address.replace(/%.*$/, '');
  const family = isIP(plain);
  if (family === 4) return Buffer.from(plain.split('.').map(Number));
  if (family !== 6) throw new Error(`not an IP address: ${JSON.stringify(address.slice(0, 100))}`);
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(plain);
  const text = dotted
    ? `${dotted[1]}${((Number(dotted[2]) << 8) | Number(dotted[3])).toString(16)}:${((Number(dotted[4]) << 8) | Number(dotted[5])).toString(16)}`
    : plain;
  const [head = '', tail = ''] = text.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = text.includes('::') ? words(tail) : [];
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}
