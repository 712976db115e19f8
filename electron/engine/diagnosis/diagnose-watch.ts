import type { Diagnosis } from '../../shared/cause-info.js';
import type { WatchCatch, WatchResult } from '../../shared/watch-info.js';
import { diagnoseObservations } from './diagnose.js';
import { Observations, type Observation } from './observation-types.js';
import { resetsObservation } from './observe-resets.js';

/** Below this many catches the watch names no cause: one reset is an event, not yet a fault. */
export const MIN_CATCHES_FOR_VERDICT = 2;

/**
 * A watch's verdict over all its catches, by the same causes and thresholds as a diagnosis: its resets
 * (who sent them, from each one's own packets) and, when they all came after the same idle time, that
 * idle timeout measured from the connections' own traffic. Null when too few resets were caught to weigh.
 * The watch sees fewer things than a diagnosis (no ramps, no traceroute, no replays): where they would
 * decide, the verdict says inconclusive and what would settle it.
 */
export function diagnoseWatch(r: Pick<WatchResult, 'catches' | 'patterns' | 'seenBy'>): Diagnosis | null {
  if (r.catches.length < MIN_CATCHES_FOR_VERDICT) return null;
  return diagnoseObservations(new Observations(observeWatch(r)), []);
}

export function observeWatch(r: Pick<WatchResult, 'catches' | 'patterns' | 'seenBy'>): Observation[] {
  const out: Observation[] = [];
  if (r.seenBy === 'socket-table')
    out.push({
      kind: 'no-capture',
      probe: 'watch',
      reason: 'the watch read the socket table, without packet capture',
      text: 'Who sent each reset was not seen: the watch read the socket table, without packet capture (run as root, grant CAP_NET_RAW, or use the engine helper).',
      figures: { captured: false },
    });
  const idle = r.patterns.find((p) => p.kind === 'after-idle');
  const resets = r.catches.filter((c) => c.how === 'reset');
  const judged = resets.flatMap((c) => (c.verdict ? [c.verdict] : []));
  const connections = resets.map((c) => c.connectionId);
  const fins = r.catches.filter((c) => c.how === 'fin' && c.verdict !== null);
  if (fins.length > 0) {
    const hop = fins.find((c) => c.verdict!.hop !== null)?.verdict?.hop ?? null;
    out.push({
      kind: 'closes',
      probe: 'watch',
      group: 'request',
      count: fins.length,
      origin: 'path',
      hop,
      text: `${fins.length} watched connection${fins.length === 1 ? ' was' : 's were'} closed by a FIN from a device on the path${hop !== null ? ` (hop ${hop})` : ''}, nearer than the target by TTL: ${fins[0]!.verdict!.reason}.`,
      figures: { count: fins.length, origin: 'path', hop },
      connections: fins.map((c) => c.connectionId),
    });
  }
  if (judged.length > 0) {
    // After the same idle time every time: they are idle connections' resets; otherwise resets mid-exchange.
    const group = idle ? 'idle' : 'request';
    const words = idle ? 'of the watched connections, each after it sat idle' : 'of the watched connections';
    out.push({ ...resetsObservation(group, judged, words), probe: 'watch', connections });
  }
  const unjudged = resets.length - judged.length;
  if (judged.length === 0 && unjudged > 0)
    // Seen leaving the socket table by a reset: a reset, its sender unknown. It still rules healthy out.
    out.push({
      kind: 'resets',
      probe: 'watch',
      group: idle ? 'idle' : 'request',
      count: unjudged,
      origin: 'unknown',
      confidence: 0,
      hop: null,
      local: false,
      senderState: null,
      phase: 'transfer',
      roles: ['watched'],
      text: `${unjudged} watched connection${unjudged === 1 ? '' : 's'} ended by a reset, read from the socket table: who sent ${unjudged === 1 ? 'it' : 'them'} was not seen.`,
      figures: { count: unjudged, origin: 'unknown' },
      connections,
    });
  if (idle && idle.kind === 'after-idle')
    out.push(idleObservation(resets, idle.seconds, idle.lower, idle.text));
  return out;
}

/** The idle timeout the catches measured: every reset after about the same time without a packet. */
function idleObservation(
  catches: WatchCatch[],
  seconds: number,
  survived: number | null,
  text: string,
): Observation {
  const gaps = catches.flatMap((c) => (c.idleMs === null ? [] : [Math.round(c.idleMs / 100) / 10]));
  const server = catches.filter((c) => c.verdict?.origin === 'server').length;
  const path = catches.filter((c) => c.verdict?.origin === 'path').length;
  // Resets at varied idle times: the timeout lies between the longest silence survived and the
  // shortest reset; at the same idle time, within the spread of the resets themselves.
  const lower = survived ?? Math.min(...gaps);
  const upper = survived !== null ? Math.min(...gaps) : Math.max(...gaps);
  return {
    kind: 'idle',
    probe: 'watch',
    timeoutSeconds: survived !== null ? Math.round(((lower + upper) / 2) * 10) / 10 : seconds,
    // Who closes an idle connection: the server itself, or a device that forgot it.
    side: server === 0 && path === 0 ? null : server >= path ? 'server' : 'path',
    monotonic: true,
    survived: survived !== null ? [survived] : [],
    failed: gaps,
    lower,
    upper,
    precision: Math.round(((upper - lower) / 2) * 10) / 10,
    text,
    figures: { timeoutSeconds: seconds, resets: gaps.length, lower, upper },
    connections: catches.map((c) => c.connectionId),
  };
}
