import { SOCKET_LOOK_MS } from './socket-table-watch.js';
import type { WatchCatch, WatchCounts, WatchPattern } from '../../shared/watch-info.js';

/** Below this many catches nothing is called a pattern: two alike may be chance. */
const MIN_CATCHES = 3;
/** Within ±10 % of the median (or ±0.5 s): what the diagnosis allows a measured timeout. */
function alike(values: number[], median: number): boolean {
  const slack = Math.max(median * 0.1, 500);
  return values.every((v) => Math.abs(v - median) <= slack);
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * The patterns across a watch's catches: every reset after the same idle time (an idle timeout measured
 * from real traffic), resets at a fixed interval (a job, a rotation), one sender for all of them, and one
 * program hit while others' connections were not.
 * None is claimed from fewer than MIN_CATCHES catches.
 */
export function watchPatterns(
  caught: WatchCatch[],
  counts: Pick<WatchCounts, 'programs'> & Partial<Pick<WatchCounts, 'longestSurvivedIdleMs'>> = {
    programs: {},
  },
): WatchPattern[] {
  // The patterns are the resets' (their words say so); a path's FINs are weighed by the verdict.
  const catches = caught.filter((c) => c.how === 'reset');
  if (catches.length < MIN_CATCHES) return [];
  const patterns: WatchPattern[] = [];
  const idle = catches.flatMap((c) => (c.idleMs === null ? [] : [c.idleMs]));
  const idleMedian = idle.length === catches.length ? medianOf(idle) : 0;
  if (idleMedian >= 1000 && alike(idle, idleMedian)) {
    const captured = catches.every((c) => c.seenBy === 'capture');
    const range = `${(Math.min(...idle) / 1000).toFixed(1)}–${(Math.max(...idle) / 1000).toFixed(1)} s`;
    patterns.push({
      kind: 'after-idle',
      seconds: seconds(idleMedian),
      lower: null,
      text: captured
        ? `All ${catches.length} resets came after about ${seconds(idleMedian)} s without a packet from the target (${range}): an idle timeout, measured from the connections' own traffic.`
        : `All ${catches.length} resets came after about ${seconds(idleMedian)} s without data from the target (${range}, read from the socket table every ${SOCKET_LOOK_MS} ms): an idle timeout, measured from the connections' own traffic.`,
    });
  } else {
    const bracket = idleBracket(catches, idle, counts.longestSurvivedIdleMs ?? 0);
    if (bracket) patterns.push(bracket);
  }
  const at = catches.map((c) => c.at).sort((a, b) => a - b);
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  const gapMedian = medianOf(gaps);
  if (gaps.length >= MIN_CATCHES - 1 && gapMedian >= 1000 && alike(gaps, gapMedian)) {
    patterns.push({
      kind: 'periodic',
      seconds: seconds(gapMedian),
      text: `The resets came every ${seconds(gapMedian)} s or so, whatever the connections did: something on a timer (a job, a rotation, a health check) rather than the traffic.`,
    });
  }
  const senders = new Set(catches.map((c) => `${c.verdict?.origin ?? 'unknown'}|${c.verdict?.hop ?? ''}`));
  const first = catches[0]!.verdict;
  if (senders.size === 1 && first !== null && first.origin !== 'unknown') {
    const who =
      first.origin === 'server'
        ? 'the target itself'
        : first.origin === 'path'
          ? `a device on the path${first.hop !== null ? ` (hop ${first.hop})` : ''}`
          : 'this machine';
    patterns.push({
      kind: 'one-sender',
      origin: first.origin,
      hop: first.hop,
      text: `Every reset was sent by ${who}.`,
    });
  }
  const program = oneProgram(catches, counts.programs);
  if (program) patterns.push(program);
  return patterns;
}

/**
 * Resets at varied idle times, a client idling at random: an idle timer still shows when every reset
 * came after a longer silence than any connection came through (survived) during the watch. The timeout
 * lies between the two; claimed only when connections did come through silences of their own (at least
 * a second), and from captured packets.
 */
function idleBracket(catches: WatchCatch[], idle: number[], survivedMs: number): WatchPattern | null {
  if (idle.length !== catches.length || catches.some((c) => c.seenBy !== 'capture')) return null;
  const shortest = Math.min(...idle);
  if (survivedMs < 1000 || shortest <= survivedMs) return null;
  const lower = seconds(survivedMs);
  const upper = seconds(shortest);
  return {
    kind: 'after-idle',
    seconds: upper,
    lower,
    text: `All ${catches.length} resets came after ${upper}–${seconds(Math.max(...idle))} s without a packet from the target, while connections came through silences of up to ${lower} s: an idle timeout between ${lower} and ${upper} s, measured from the connections' own traffic.`,
  };
}

/** Every reset hit one program, while others' connections to the same target were not reset. */
function oneProgram(catches: WatchCatch[], programs: WatchCounts['programs']): WatchPattern | null {
  const names = new Set(catches.map((c) => c.owner?.process ?? null));
  const [name] = names;
  if (names.size !== 1 || name === null || name === undefined) return null;
  const others = Object.entries(programs).filter(
    ([n, p]) => n !== name && p.connections > 0 && p.resets === 0,
  );
  if (others.length === 0) return null;
  const theirs = others.map(([n, p]) => `${n} (${p.connections})`).join(', ');
  return {
    kind: 'one-program',
    program: name,
    text: `Only ${name}'s connections were reset (${catches.length}); the other programs' connections to the target were not: ${theirs}. Look at how ${name} uses its connections (pooling, keep-alive, timeouts) before the network.`,
  };
}
