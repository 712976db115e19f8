import { SNAPLEN, type CapturedPacket } from '../net/capture-types.js';
import { TOOL_NAME, TOOL_VERSION } from '../tool-version.js';
import { pcapngFile, type PcapRecord } from './pcapng-writer.js';
import type { WatchResult } from '../../shared/watch-info.js';
import { catchKind, catchSender } from '../../shared/watch-words.js';

/** Where each catch's packets are in the file: Wireshark's frame numbers, from 1. */
export interface PcapFrames {
  first: number;
  last: number;
}

export interface WatchPcap {
  file: Buffer;
  /** By connection id (WatchCatch.connectionId): the finding's packets, to check it in Wireshark. */
  frames: Record<string, PcapFrames>;
  /** Packets that could not be written: IPv6 ones arrive without their IP header. */
  unwritten: number;
}

/**
 * The packets around each reset caught, as a pcapng file: each catch's connection as the capture saw it
 * (the target's side: its SYN-ACK, its last packets, the reset), grouped by catch so each finding is a
 * range of frames, and the reset's frame commented with the verdict and its reason.
 */
export function watchPcap(result: WatchResult, evidence: Map<string, CapturedPacket[]>): WatchPcap {
  const epochMicros = BigInt(Date.parse(result.startedAt)) * 1000n;
  const records: PcapRecord[] = [];
  const frames: Record<string, PcapFrames> = {};
  let unwritten = 0;
  for (const c of result.catches) {
    const packets = evidence.get(c.connectionId) ?? [];
    const first = records.length + 1;
    for (const p of packets) {
      if (!p.frame) {
        unwritten++;
        continue;
      }
      // The reset's or the FIN's frame; for a silence, the target's last packet before it.
      const reset =
        c.how === 'silence'
          ? p === packets.at(-1)
          : p.tcp?.flags.includes(c.how === 'fin' ? 'F' : 'R') === true && p.at === c.at;
      records.push({
        timeMicros: epochMicros + BigInt(Math.round(p.at * 1000)),
        bytes: p.frame.bytes,
        length: p.frame.length,
        ...(reset
          ? {
              comment: `Reset Doctor: ${catchKind(c)} of ${c.owner?.process ?? 'a program'} :${c.localPort}, ${c.how === 'silence' ? 'the last packet from the target before it: ' : ''}${catchSender(c)}${c.verdict ? `: ${c.verdict.reason}` : ''}`,
            }
          : {}),
      });
    }
    if (records.length >= first) frames[c.connectionId] = { first, last: records.length };
  }
  const file = pcapngFile(records, {
    application: `${TOOL_NAME} ${TOOL_VERSION} watch`,
    interfaceName: `packets from ${result.target.host}:${result.target.port}`,
    snaplen: SNAPLEN,
  });
  return { file, frames, unwritten };
}
