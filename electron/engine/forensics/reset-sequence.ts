import type { CapturedPacket } from '../net/capture-types.js';

const SEQ_SPACE = 2 ** 32;

/** a − b in TCP sequence space, as a signed distance (sequence numbers wrap at 2^32). */
export function seqDistance(a: number, b: number): number {
  const d = (((a - b) % SEQ_SPACE) + SEQ_SPACE) % SEQ_SPACE;
  return d >= SEQ_SPACE / 2 ? d - SEQ_SPACE : d;
}

/** The sequence number after a segment: its payload, plus one each for SYN and FIN. */
function segmentEnd(p: CapturedPacket): number {
  const t = p.tcp!;
  const flags = (t.flags.includes('S') ? 1 : 0) + (t.flags.includes('F') ? 1 : 0);
  return (t.seq + t.payloadLength + flags) % SEQ_SPACE;
}

/**
 * The server's next sequence number as its own segments show it (SYN-ACK seq + 1, plus what it sent,
 * plus 1 for a FIN): the furthest end of them, so retransmissions and reordering do not matter.
 */
export function serverNextSeq(server: CapturedPacket[]): number | null {
  const ends = server.filter((p) => p.tcp).map(segmentEnd);
  if (ends.length === 0) return null;
  return ends.reduce((far, end) => (seqDistance(end, far) > 0 ? end : far));
}

/** Every sequence number one of our acknowledgements can have carried: the end of each server segment. */
export function segmentEnds(server: CapturedPacket[]): Set<number> {
  return new Set(server.filter((p) => p.tcp).map(segmentEnd));
}

/**
 * A reset at one of those numbers is what a kernel (or a firewall's reject) sends for a segment of ours
 * it has no socket for: RFC 9293 §3.10.7.1 takes the RST's sequence number from the segment's ACK field.
 */
export function isKernelAnswer(rst: CapturedPacket, server: CapturedPacket[]): boolean {
  return rst.tcp !== undefined && !rst.tcp.flags.includes('A') && segmentEnds(server).has(rst.tcp.seq);
}
