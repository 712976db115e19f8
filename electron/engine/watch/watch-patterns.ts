import { ordinal } from '../../shared/common-words.js';
import { median as medianOf } from '../../shared/number-stats.js';
import { SOCKET_LOOK_MS } from './socket-table-watch.js';
import {
  emptyWatchCounts,
  type WatchCatch,
  type WatchCounts,
  type WatchPattern,
} from '../../shared/watch-info.js';

/** Below this many catches nothing is called a pattern: two alike may be chance. */
const MIN_CATCHES = 3;
/** Within ±10 % of the median (or ±0.5 s): what the diagnosis allows a measured timeout. */
function alike(values: number[], median: number): boolean {
  const slack = Math.max(median * 0.1, 500);
  return values.every((v) => Math.abs(v - median) <= slack);
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * The patterns across a watch's catches: every reset after the same idle time (an idle timeout measured
 * from real traffic), resets at a fixed interval (a job, a rotation), one sender for all of them, one
 * program hit while others' connections were not, every Nth connection (one bad backend in N), only
 * with many connections open, and only past a number of bytes. A limit (idle, concurrency, bytes) is
 * claimed only where connections came through less than every reset one had: the limit lies between.
 * None is claimed from fewer than MIN_CATCHES catches.
 */
export function watchPatterns(
  caught: WatchCatch[],
  counts: Partial<Pick<WatchCounts, 'programs' | 'survived'>> = {},
): WatchPattern[] {
  const { programs, survived } = { ...emptyWatchCounts(), ...counts };
  // Connections left unanswered show an idle timeout too: a device that forgot them drops their packets.
  const silences = caught.filter((c) => c.how === 'silence');
  const silent =
    silences.length >= MIN_CATCHES ? idlePattern(silences, survived.longestIdleMs, 'silence') : null;
  // The other patterns are the resets' (their words say so); a path's FINs are weighed by the verdict.
  const catches = caught.filter((c) => c.how === 'reset');
  if (catches.length < MIN_CATCHES) return silent ? [silent] : [];
  const patterns: WatchPattern[] = [];
  const idle = idlePattern(catches, survived.longestIdleMs, 'reset') ?? silent;
  if (idle) patterns.push(idle);
  const nth = everyNth(catches);
  const at = catches.map((c) => c.at).sort((a, b) => a - b);
  const gaps = at.slice(1).map((t, i) => t - at[i]!);
  const gapMedian = medianOf(gaps);
  // Every Nth connection of a client that connects at a steady pace is reset at a steady pace too: the
  // traffic's rhythm, not a timer's.
  if (!nth && gaps.length >= MIN_CATCHES - 1 && gapMedian >= 1000 && alike(gaps, gapMedian)) {
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
  const program = oneProgram(catches, programs);
  if (program) patterns.push(program);
  const limits = [
    nth,
    underConcurrency(catches, survived),
    pastBytes(catches, 'in', survived),
    pastBytes(catches, 'out', survived),
  ];
  return [...patterns, ...limits.filter((p) => p !== null)];
}

/**
 * The reset connections came every Nth in the order connections started (a balancer's round robin over
 * N backends, one of them bad): claimed only when the steps between them are all the same N ≥ 2.
 */
function everyNth(catches: WatchCatch[]): WatchPattern | null {
  if (catches.some((c) => c.order === null)) return null;
  const order = catches.map((c) => c.order!).sort((a, b) => a - b);
  const steps = order.slice(1).map((o, i) => o - order[i]!);
  const period = steps[0]!;
  if (period < 2 || steps.some((s) => s !== period)) return null;
  const first = order[0]!;
  // Before the first reset, fewer than N connections: else one at the same place was not reset.
  if (first > period) return null;
  const nth = period === 2 ? 'second' : ordinal(period);
  return {
    kind: 'every-nth',
    period,
    text: `Every ${nth} connection to the target was reset (connections ${order.map((o) => `#${o}`).join(', ')} in the order they started), the ones between came through: a round robin over ${period} backends (or workers) with one of them failing.`,
  };
}

/** A limit on connections at once turns a new one away within this long of its start. */
const TURNED_AWAY_MS = 1000;

/**
 * Every reset connection was turned away at once (before the target sent anything), and started while more
 * connections to it were open than any connection that came through: a limit on connections at once
 * (the server's, or a firewall's in front of it). From the socket table's count at each start.
 */
function underConcurrency(catches: WatchCatch[], survived: WatchCounts['survived']): WatchPattern | null {
  if (catches.some((c) => c.concurrent === null || c.bytesIn > 0 || c.lifetimeMs >= TURNED_AWAY_MS))
    return null;
  const atLeast = Math.min(...catches.map((c) => c.concurrent!));
  const most = survived.mostConcurrent;
  if (atLeast < 2 || most < 1 || most >= atLeast || survived.connections < MIN_CATCHES) return null;
  return {
    kind: 'under-concurrency',
    atLeast,
    survived: most,
    text: `Every reset connection started while ${atLeast} or more connections to the target were open (itself included) and was turned away before the target sent anything, while connections that started with up to ${most} open came through: a limit of ${most === atLeast - 1 ? most : `${most} to ${atLeast - 1}`} connections at once, on the target or a firewall in front of it (counted from the socket table).`,
  };
}

/** Below this many bytes a "size limit" is more likely the request's own length: claimed above it only. */
const MIN_LIMIT_BYTES = 1024;

/**
 * Every reset came after more bytes had passed one way on its connection than any connection that came
 * through carried that way: a limit on the size of a transfer (a proxy's or a filter's, a body-size limit).
 */
function pastBytes(
  catches: WatchCatch[],
  direction: 'in' | 'out',
  survived: WatchCounts['survived'],
): WatchPattern | null {
  const bytes = catches.map((c) => (direction === 'in' ? c.bytesIn : c.bytesOut));
  if (bytes.some((b) => b === null) || catches.some((c) => c.seenBy !== 'capture')) return null;
  const atLeast = Math.min(...(bytes as number[]));
  const most = direction === 'in' ? survived.mostBytesIn : survived.mostBytesOut;
  if (atLeast < MIN_LIMIT_BYTES || most === 0 || most >= atLeast || survived.connections < MIN_CATCHES)
    return null;
  const way = direction === 'in' ? 'the target had sent' : 'the target had acknowledged';
  return {
    kind: 'past-bytes',
    direction,
    atLeast,
    survived: most,
    text: `Every reset came after ${way} at least ${atLeast} bytes on its connection, while connections that carried up to ${most} bytes ${direction === 'in' ? 'from' : 'to'} it came through: a limit on the size of a transfer between the two (a proxy's or a filter's, or a ${direction === 'in' ? 'response' : 'request body'} size limit).`,
  };
}

const NOUNS = { reset: 'resets', silence: 'silences' } as const;
/** "an idle timeout between 5.5 and 7.1 s": what the idle connections met, the timeout's words inside. */
function met(ended: 'reset' | 'silence', timeout: string): string {
  return ended === 'reset'
    ? `an idle timeout${timeout}`
    : `connections forgotten after an idle timeout${timeout}, their packets dropped without a reset`;
}

/**
 * Every reset (or silence) after the same idle time, measured from the connections' own traffic; or, at
 * varied idle times (a client idling at random), after a longer silence than any connection came through
 * (`survivedMs`): the timeout lies between the two. The bracket is claimed only when connections did come
 * through silences of their own (at least a second), and from captured packets.
 */
function idlePattern(
  catches: WatchCatch[],
  survivedMs: number,
  ended: 'reset' | 'silence',
): WatchPattern | null {
  const idle = catches.flatMap((c) => (c.idleMs === null ? [] : [c.idleMs]));
  if (idle.length !== catches.length) return null;
  const noun = NOUNS[ended];
  const middle = medianOf(idle);
  const shortest = Math.min(...idle);
  const range = `${(shortest / 1000).toFixed(1)}–${(Math.max(...idle) / 1000).toFixed(1)} s`;
  if (middle >= 1000 && alike(idle, middle)) {
    const captured = catches.every((c) => c.seenBy === 'capture');
    // A silence's idle time is read from the table's retransmission timer, with or without capture.
    const from =
      captured && ended === 'reset'
        ? 'without a packet from the target'
        : `without data from the target (${range}, read from the socket table${ended === 'reset' ? ` every ${SOCKET_LOOK_MS} ms` : "'s retransmission timer"})`;
    return {
      kind: 'after-idle',
      seconds: seconds(middle),
      lower: null,
      ended,
      text: `All ${catches.length} ${noun} came after about ${seconds(middle)} s ${from}${captured && ended === 'reset' ? ` (${range})` : ''}: ${met(ended, '')}, measured from the connections' own traffic.`,
    };
  }
  if (catches.some((c) => c.seenBy !== 'capture')) return null;
  if (survivedMs < 1000 || shortest <= survivedMs) return null;
  const lower = seconds(survivedMs);
  const upper = seconds(shortest);
  return {
    kind: 'after-idle',
    seconds: upper,
    lower,
    ended,
    text: `All ${catches.length} ${noun} came after ${upper}–${seconds(Math.max(...idle))} s without a packet from the target, while connections came through silences of up to ${lower} s: ${met(ended, ` between ${lower} and ${upper} s`)}, measured from the connections' own traffic.`,
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
