import type { Diagnosis } from '../../shared/cause-info.js';
import type { WatchCatch, WatchPattern, WatchResult } from '../../shared/watch-info.js';
import { diagnoseObservations } from './diagnose.js';
import { Observations, type Observation, type RequestOutcome } from './observation-types.js';
import { resetsObservation } from './observe-resets.js';
import { resetHopObservation } from './observe.js';

/** Below this many catches the watch names no cause: one reset is an event, not yet a fault. */
export const MIN_CATCHES_FOR_VERDICT = 2;

type Watched = Pick<WatchResult, 'catches' | 'patterns' | 'seenBy'> & {
  counts?: Pick<WatchResult['counts'], 'connections'>;
  /** The checks (--every), whose pings measure loss on the path. */
  checks?: WatchResult['checks'];
  /** Where the replays by TTL placed the device, after a reset from the path. */
  hopSearch?: WatchResult['hopSearch'];
};

/**
 * A watch's verdict over all its catches, by the same causes and thresholds as a diagnosis: its resets
 * (who sent them, from each one's own packets) and, when they all came after the same idle time, that
 * idle timeout measured from the connections' own traffic; every Nth connection reset, as the repeated
 * requests of a diagnosis would show it; resets only with many connections open, as its concurrency ramp
 * would. Null when too few resets were caught to weigh.
 * The watch sees fewer things than a diagnosis (no ramps, no traceroute, no replays): where they would
 * decide, the verdict says inconclusive and what would settle it.
 */
export function diagnoseWatch(r: Watched): Diagnosis | null {
  if (r.catches.length < MIN_CATCHES_FOR_VERDICT) return null;
  return diagnoseObservations(new Observations(observeWatch(r)), []);
}

export function observeWatch(r: Watched): Observation[] {
  const out: Observation[] = [];
  if (r.seenBy === 'socket-table')
    out.push({
      kind: 'no-capture',
      probe: 'watch',
      reason: 'the watch read the socket table, without packet capture',
      text: 'Who sent each reset was not seen: the watch read the socket table, without packet capture (run as root, grant CAP_NET_RAW, or use the engine helper).',
      figures: { captured: false },
    });
  out.push(...pingObservation(r.checks ?? []));
  if (r.hopSearch) out.push(resetHopObservation(r.hopSearch, 'watch'));
  const idle = pattern(r.patterns, 'after-idle');
  // The resets are idle connections' only when the idle pattern is theirs (not the silences').
  const idleResets = idle?.ended === 'reset';
  const crowded = pattern(r.patterns, 'under-concurrency');
  const nth = pattern(r.patterns, 'every-nth');
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
    // After the same idle time every time: they are idle connections' resets; turned away with many open,
    // a limit's (as a diagnosis' ramps find them); otherwise resets mid-exchange.
    const group = idleResets ? 'idle' : crowded ? 'load' : 'request';
    const words = idleResets
      ? 'of the watched connections, each after it sat idle'
      : crowded
        ? 'of the watched connections turned away with many open'
        : 'of the watched connections';
    out.push({ ...resetsObservation(group, judged, words), probe: 'watch', connections });
  }
  const unjudged = resets.length - judged.length;
  if (judged.length === 0 && unjudged > 0)
    // Seen leaving the socket table by a reset: a reset, its sender unknown. It still rules healthy out.
    out.push({
      kind: 'resets',
      probe: 'watch',
      group: idleResets ? 'idle' : 'request',
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
  const silences = r.catches.filter((c) => c.how === 'silence');
  if (idle)
    out.push(
      idle.ended === 'silence'
        ? idleObservation(silences, idle.seconds, idle.lower, idle.text, true)
        : idleObservation(resets, idle.seconds, idle.lower, idle.text, false),
    );
  // Left unanswered, not after an idle time: their packets dropped mid-exchange, or their SYN.
  else if (silences.length > 0 && !nth) {
    out.push(silenceObservation(silences, r.counts?.connections ?? null));
    // A drop's place is not seen from a silence: this machine's own rules are one, and the watch reads none.
    out.push({
      kind: 'rules-unread',
      probe: 'watch',
      reason: 'the watch does not read firewall rules',
      text: "The watch does not read this machine's firewall rules: a rule here that drops the traffic is not ruled out (a diagnosis reads them).",
      figures: { rulesRead: false },
    });
  }
  if (crowded)
    out.push({
      kind: 'concurrency',
      probe: 'watch',
      // Below the limit every connection came through; at it, every one was turned away: as confirmed as
      // a ramp that held the last clean step (the pattern needs three of each).
      limit: crowded.survived,
      confirmed: true,
      held: crowded.survived,
      text: crowded.text,
      figures: { limit: crowded.survived, resetAtOrAbove: crowded.atLeast },
      connections,
    });
  if (nth) out.push(everyNthObservation(resets, nth, r.counts?.connections ?? null));
  return out;
}

/**
 * The loss the checks' pings measured, as a diagnosis' ping reports it; none when no echo was answered
 * (a target that does not answer ping says nothing about loss).
 */
function pingObservation(checks: WatchResult['checks']): Observation[] {
  const pings = checks.flatMap((c) => (c.ping ? [c.ping] : []));
  const answered = pings.filter((p) => p.answered).length;
  if (answered === 0) return [];
  const lost = pings.length - answered;
  const lossPercent = Math.round((lost / pings.length) * 1000) / 10;
  return [
    {
      kind: 'ping',
      probe: 'watch',
      lossPercent,
      lost,
      sent: pings.length,
      hop: null,
      text: `Ping beside the watch's checks: ${lost} of ${pings.length} echo requests lost (${lossPercent}%).`,
      figures: { sent: pings.length, lost, lossPercent },
    },
  ];
}

/** How many of the outcomes failed each way, as a diagnosis' requests observation counts them. */
function failureClasses(
  outcomes: RequestOutcome[],
): Partial<Record<NonNullable<RequestOutcome['failure']>, number>> {
  const classes: Partial<Record<NonNullable<RequestOutcome['failure']>, number>> = {};
  for (const o of outcomes) if (o.failure) classes[o.failure] = (classes[o.failure] ?? 0) + 1;
  return classes;
}

/** Milliseconds as seconds to a tenth, as the observations give them. */
const tenths = (ms: number): number => Math.round(ms / 100) / 10;

function pattern<K extends WatchPattern['kind']>(
  patterns: WatchPattern[],
  kind: K,
): Extract<WatchPattern, { kind: K }> | null {
  return (patterns.find((p) => p.kind === kind) as Extract<WatchPattern, { kind: K }> | undefined) ?? null;
}

/**
 * Every Nth connection reset, as a diagnosis' repeated requests would report it ("3 of 9 requests reset,
 * every 3rd"): each reset connection stands for a request that failed, quickly or part-way through.
 */
function everyNthObservation(
  resets: WatchCatch[],
  nth: Extract<WatchPattern, { kind: 'every-nth' }>,
  connections: number | null,
): Observation {
  const outcomes: RequestOutcome[] = resets.map((c) => ({
    id: c.connectionId,
    role: 'repeat',
    order: c.order ?? 0,
    mode: 'sequential',
    failure: c.bytesIn > 0 ? 'transfer-reset' : 'quick-reset',
    afterSendSeconds: tenths(c.idleMs ?? 0),
    how: 'reset',
    phase: c.bytesIn > 0 ? 'transfer' : 'request',
    bytesReceived: c.bytesIn,
    status: null,
    silentSeconds: null,
  }));
  const classes = failureClasses(outcomes);
  const total = Math.max(connections ?? 0, ...resets.map((c) => c.order ?? 0));
  return {
    kind: 'requests',
    probe: 'watch',
    total,
    failed: resets.length,
    pattern: 'every-nth',
    period: nth.period,
    classes,
    cutoffs: [],
    consistent: false,
    first: outcomes[0]!,
    outcomes,
    text: nth.text,
    figures: { failed: resets.length, total, period: nth.period },
    connections: resets.map((c) => c.connectionId),
  };
}

/**
 * Connections the target stopped answering while this machine retransmitted, as a diagnosis' requests
 * would report them: a request never acknowledged is 'dropped', a SYN never answered 'connect-timeout'.
 */
function silenceObservation(silences: WatchCatch[], connections: number | null): Observation {
  const outcomes: RequestOutcome[] = silences.map((c) => ({
    id: c.connectionId,
    role: 'repeat',
    order: c.order ?? 0,
    mode: 'sequential',
    failure: c.silence?.connecting ? 'connect-timeout' : 'dropped',
    afterSendSeconds: tenths(c.silence?.silentMs ?? 0),
    how: 'silence',
    phase: c.silence?.connecting ? 'connect' : 'request',
    bytesReceived: c.bytesIn,
    status: null,
    silentSeconds: tenths(c.silence?.silentMs ?? 0),
  }));
  const classes = failureClasses(outcomes);
  const total = Math.max(connections ?? 0, silences.length);
  const n = silences.length;
  return {
    kind: 'requests',
    probe: 'watch',
    total,
    failed: n,
    pattern: null,
    period: null,
    classes,
    cutoffs: [],
    consistent: false,
    first: outcomes[0]!,
    outcomes,
    text: `${n} watched connection${n === 1 ? ' was' : 's were'} left unanswered while this machine retransmitted (${outcomes.map((o) => `${o.silentSeconds} s`).join(', ')} without an answer, no reset): their packets were dropped on the way or at the target; where is not seen from here.`,
    figures: { silences: n, total },
    connections: silences.map((c) => c.connectionId),
  };
}

/** The idle timeout the catches measured: every reset (or silence) after about the same time without a packet. */
function idleObservation(
  catches: WatchCatch[],
  seconds: number,
  survived: number | null,
  text: string,
  silent: boolean,
): Observation {
  const gaps = catches.flatMap((c) => (c.idleMs === null ? [] : [tenths(c.idleMs)]));
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
    // Who closes an idle connection: the server itself, or a device that forgot it. A silence names
    // nobody: the dropping device may be on the path or in front of the target.
    side: silent || (server === 0 && path === 0) ? null : server >= path ? 'server' : 'path',
    silent,
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
