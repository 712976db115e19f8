import type { ProbeState } from './run-state.svelte.js';
import {
  decodeHops,
  decodePingProgress,
  decodeRtts,
  decodeTracerouteProgress,
  type HopRead,
} from '../../../electron/shared/probe-data-decode.js';

export interface PingSeries {
  /** One slot per echo: a round trip in ms, null when lost, undefined while not answered yet. */
  rtts: (number | null | undefined)[];
  live: boolean;
}

/** The ping picture's data: the finished probe's rttsMs, or the replies so far while it runs. */
export function pingSeries(probe: ProbeState): PingSeries | null {
  const final = decodeRtts(probe.data);
  if (final) return { rtts: final, live: false };
  if (probe.status !== 'running') return null;
  const replies = probe.partials.flatMap((p) => {
    const reply = decodePingProgress(p);
    return reply ? [reply] : [];
  });
  if (replies.length === 0) return null;
  const last = replies.reduce((max, r) => Math.max(max, r.seq), 0);
  // The probe reports how far it is: echo n of N at fraction n/N, so N follows.
  const expected =
    probe.progressFraction && probe.progressFraction > 0
      ? Math.round((last + 1) / probe.progressFraction)
      : 0;
  const rtts: (number | null | undefined)[] = new Array(Math.min(1000, Math.max(expected, last + 1))).fill(
    undefined,
  );
  for (const r of replies) if (r.seq < rtts.length) rtts[r.seq] = r.rttMs;
  return { rtts, live: true };
}

export interface HopSeries {
  hops: HopRead[];
  live: boolean;
}

/**
 * The traceroute picture's data: the finished probe's hops, or the answers so far while it runs. Every
 * TTL is probed at once, and the TTLs past the destination are answered by the destination too: the live
 * hops stop at the first one the target itself answered.
 */
export function hopSeries(probe: ProbeState, targetAddresses: string[]): HopSeries | null {
  const final = decodeHops(probe.data);
  if (final) return { hops: final, live: false };
  if (probe.status !== 'running') return null;
  const byTtl = new Map<number, { from: string | null; rtts: number[] }>();
  for (const p of probe.partials) {
    const answer = decodeTracerouteProgress(p);
    if (!answer || answer.ttl > 64) continue;
    const hop = byTtl.get(answer.ttl) ?? { from: answer.from, rtts: [] };
    hop.rtts.push(answer.rttMs);
    hop.from ??= answer.from;
    byTtl.set(answer.ttl, hop);
  }
  if (byTtl.size === 0) return null;
  const ttls = [...byTtl.keys()].sort((a, b) => a - b);
  const end =
    ttls.find((ttl) => targetAddresses.includes(byTtl.get(ttl)?.from ?? '')) ?? ttls[ttls.length - 1]!;
  const hops: HopRead[] = [];
  for (let ttl = 1; ttl <= end; ttl++) {
    const hop = byTtl.get(ttl);
    const rttMs = hop && hop.rtts.length ? hop.rtts.reduce((a, b) => a + b, 0) / hop.rtts.length : null;
    hops.push({ ttl, address: hop?.from ?? null, rttMs, lossPercent: 0 });
  }
  return { hops, live: true };
}
