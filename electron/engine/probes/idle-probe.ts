import type { Conversation } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase, exchangeFor } from './conversation-helpers.js';
import { anySignal, NO_ADDRESS, targetAddress } from './probe-helpers.js';
import type { ResolvedAddress } from '../net/engine-io.js';
import { requestProbe } from './request-probe.js';
import { requestRepeatProbe } from './request-repeat-probe.js';
import { bareOutcome, tcpConnectProbe } from './tcp-connect-probe.js';
import { median } from '../../shared/number-stats.js';
import type { IdleSearchInfo, IdleTrialInfo } from '../../shared/probe-data-info.js';

export type { IdleResult } from '../../shared/probe-data-info.js';

/** One connection of the search: the shared shape the picture reads, and its conversation. */
export interface IdleTrial extends IdleTrialInfo {
  conversation: Conversation;
}

export interface IdleRound {
  round: number;
  gaps: number[];
  /** Wall-clock time of the round: its longest wait, not the sum of its waits. */
  seconds: number;
}

/** What a one-connection-at-a-time search (gap step, 2·step, 3·step… until the first failure) would have waited. */
export interface NaiveSearch {
  stepSeconds: number;
  tries: number;
  waitSeconds: number;
}

export interface IdleData extends IdleSearchInfo {
  trials: IdleTrial[];
  rounds: IdleRound[];
  /** Wall clock of the whole search. */
  searchSeconds: number;
  naive: NaiveSearch;
}

/** Round 1: this many connections, with gaps in a geometric series from --idle-max down. */
const FIRST_ROUND = 10;
/** At most this many connections in the rounds that narrow the bracket. */
const NARROW_MAX = 8;
const MAX_ROUNDS = 4;
const MIN_GAP_SECONDS = 0.5;
/** The smallest ratio between neighbouring first-round gaps (used when --idle-max is small). */
const MIN_RATIO = 1.25;
/** Aim a little inside the ±10 % / ±1 s goal: a gap that lands on the timeout can go either way. */
const PRECISION_MARGIN = 0.9;
/** A send that raced the server's own close (sent just before its reset arrived) is still the server's close. */
const CLOSE_RACE_SECONDS = 0.25;
/** How long longer gaps go on after a shorter one failed on its next packet: twice the close race. */
const STOP_GRACE_MS = 500;
/** How often a round that is waiting says how far the search is (a progress bar's time left moves). */
const TICK_MS = 1000;

/**
 * Several connections idle in parallel, each for a different gap, so the timeout is bracketed in one
 * wait instead of one wait per guess; further rounds narrow the bracket until it is within ±10 % (or
 * ±1 s). A server that closes idle connections by itself is timed directly, on the connections it
 * closes; a middlebox that forgets them only shows when the next packet is reset.
 * Side effects: up to ten connections held idle at once, each with one request after its gap; it runs last
 * of the application step, and only when a fresh request does not fail every time.
 */
export const idleProbe: ProbeDefinition<IdleData> = {
  id: 'idle-timeout',
  title: 'Idle timeout',
  async run(ctx) {
    const maxSeconds = ctx.env.options.idleMaxSeconds;
    if (maxSeconds === null) {
      return {
        status: 'skipped',
        reason: 'off: the idle test holds connections idle to measure an idle timeout',
        enables: { option: 'idleMaxSeconds' },
      };
    }
    const tcp = ctx.results.data(tcpConnectProbe);
    if (!tcp || bareOutcome(tcp) !== 'complete') {
      return { status: 'skipped', reason: 'a fresh connection does not work, so idle ones cannot be tested' };
    }
    const fresh = freshRequestsFail(ctx);
    if (fresh) return { status: 'skipped', reason: fresh };
    const started = ctx.env.now();
    const elapsed = () => (ctx.env.now() - started) / 1000;
    // Each round waits at most its longest gap, so this leaves the step's own timeout room to spare.
    const budgetSeconds = 2 * maxSeconds + 2 * ctx.env.options.timeoutSeconds;
    const trials: IdleTrial[] = [];
    const rounds: IdleRound[] = [];
    let gaps = firstRoundGaps(maxSeconds);
    let found = estimate(trials);
    for (let round = 1; gaps.length > 0; round++) {
      const roundStarted = ctx.env.now();
      trials.push(...(await runRound(ctx, gaps, round, started)));
      rounds.push({ round, gaps, seconds: round2((ctx.env.now() - roundStarted) / 1000) });
      found = estimate(trials);
      if (found.side !== 'path' || precise(found) || ctx.signal.aborted || round >= MAX_ROUNDS) break;
      const tried = new Set(trials.map((t) => t.gapSeconds));
      gaps = narrowingGaps(found.lower ?? 0, found.upper!).filter((g) => !tried.has(g));
      const worst = Math.max(0, ...gaps) + ctx.env.options.timeoutSeconds;
      if (elapsed() + worst > budgetSeconds) break;
    }
    const searchSeconds = round2(elapsed());
    const data: IdleData = {
      maxSeconds,
      trials,
      rounds,
      lowerSeconds: found.lower,
      upperSeconds: found.upper,
      idleTimeoutSeconds: found.timeout,
      precisionSeconds: found.precision,
      side: found.side,
      searchSeconds,
      naive: naiveSearch(found, maxSeconds),
    };
    // Fresh requests that fail now and then fail after a gap too: the idle figures are then not about idling.
    const freshPattern = ctx.results.data(requestRepeatProbe)?.pattern;
    if (found.timeout !== null && freshPattern && freshPattern.failed > 0)
      return {
        status: 'complete',
        summary: `${summary(data)}; but ${freshPattern.failed} of ${freshPattern.total} fresh requests failed too, so these failures need not be about idling`,
        assessment: 'warn',
        data,
      };
    return {
      status: 'complete',
      summary: summary(data),
      assessment: found.timeout === null ? 'ok' : 'fail',
      data,
    };
  },
};

/**
 * A request that fails without any idle gap fails after one too: the idle test would time the fault the
 * fresh request already shows and call it an idle timeout.
 */
function freshRequestsFail(ctx: ProbeContext): string | null {
  const first = ctx.results.data(requestProbe)?.conversation;
  if (!first || first.outcome === 'complete') return null;
  const repeats = ctx.results.data(requestRepeatProbe)?.pattern;
  if (repeats && repeats.pattern !== 'always') return null;
  return `the request fails without idling (${first.outcome}${repeats ? `, ${repeats.failed} of ${repeats.total}` : ''}), so an idle timeout cannot be told apart from it`;
}

function summary(d: IdleData): string {
  const search = `${d.trials.length} connections in ${d.rounds.length} round${d.rounds.length === 1 ? '' : 's'}, ${d.searchSeconds} s`;
  if (d.idleTimeoutSeconds === null) {
    const longest = Math.max(0, ...d.trials.filter((t) => t.result === 'survived').map((t) => t.gapSeconds));
    return longest >= d.maxSeconds
      ? `Connections idle up to ${d.maxSeconds} s survived (${search})`
      : `No idle connection was forgotten, but only gaps up to ${longest} s completed (${search})`;
  }
  const naive = `one at a time would wait ≈ ${d.naive.waitSeconds} s`;
  if (d.side === 'server') {
    return `The server closes connections idle for ${d.idleTimeoutSeconds} s (measured on the connections it closed; ${search}, ${naive})`;
  }
  const silent =
    d.trials.some((t) => t.result === 'no-answer') && !d.trials.some((t) => t.result === 'reset-on-send');
  return `Connections idle for more than ${d.lowerSeconds ?? 0} s ${silent ? 'get no answer' : 'are reset'} on the next packet (timeout ≈ ${d.idleTimeoutSeconds} s ± ${d.precisionSeconds} s, between ${d.lowerSeconds ?? 0} and ${d.upperSeconds} s): a middlebox forgets them (${search}, ${naive})`;
}

async function runRound(
  ctx: ProbeContext,
  gaps: number[],
  round: number,
  searchStarted: number,
): Promise<IdleTrial[]> {
  const address = targetAddress(ctx);
  if (!address) throw new Error(NO_ADDRESS);
  const progress = roundProgress(ctx, gaps, round, searchStarted);
  const ticker = setInterval(() => progress.tick(), TICK_MS);
  ticker.unref?.();
  try {
    return await converseRound(ctx, gaps, round, address, progress.report);
  } finally {
    clearInterval(ticker);
  }
}

/**
 * The search's progress: the time spent so far against that plus what this round still waits (its
 * longest gap). A later round is not known until this one ends, so the fraction steps back when one
 * begins; spent × (1 − f) / f is always this round's wait left, which is what a time left shows.
 */
function roundProgress(ctx: ProbeContext, gaps: number[], round: number, searchStarted: number) {
  const roundStarted = ctx.env.now();
  const longest = Math.max(...gaps);
  let back = 0;
  const fraction = () => {
    const spent = ctx.env.now() - searchStarted;
    const left = Math.max(0, roundStarted + longest * 1000 - ctx.env.now());
    return spent + left > 0 ? spent / (spent + left) : 0;
  };
  return {
    tick: () =>
      ctx.progress(
        `idle round ${round}: ${back} of ${gaps.length} back, the longest waits ${longest} s`,
        fraction(),
        null,
      ),
    report: (trial: IdleTrial) => {
      back += 1;
      ctx.progress(`idle round ${round}, ${trial.gapSeconds} s: ${trial.result}`, fraction(), {
        round,
        gapSeconds: trial.gapSeconds,
        result: trial.result,
      });
    },
  };
}

async function converseRound(
  ctx: ProbeContext,
  gaps: number[],
  round: number,
  address: ResolvedAddress,
  report: (trial: IdleTrial) => void,
): Promise<IdleTrial[]> {
  // Once a gap's next packet fails, longer gaps would too: stop them instead of waiting them out. A
  // server's own close is left alone: it closes the longer ones at the same moment, which confirms it.
  const stops = gaps.map(() => new AbortController());
  return Promise.all(
    gaps.map(async (gapSeconds, i): Promise<IdleTrial> => {
      const conversation = await ctx.env.io.tcp.converse(
        {
          ...conversationBase(ctx, address),
          ...exchangeFor(ctx.env.target, true),
          idleBeforeSendMs: gapSeconds * 1000,
          answerWaitMs: answerWaitMs(ctx),
        },
        anySignal(ctx.signal, stops[i]!.signal),
      );
      const trial = classify(round, gapSeconds, conversation);
      if (trial.result === 'reset-on-send' || trial.result === 'no-answer') {
        // Not at once: a send that raced the server's own close looks like this too, and the server is
        // closing the longer ones at that moment; their closes must be let in to be told apart.
        const stopLonger = () => gaps.forEach((g, j) => g > gapSeconds && stops[j]!.abort());
        setTimeout(stopLonger, STOP_GRACE_MS).unref?.();
      }
      report(trial);
      return trial;
    }),
  );
}

/** As long as the fresh request took to be answered, and then some: a slow server is not a forgetful one. */
function answerWaitMs(ctx: ProbeContext): number {
  const timeoutMs = ctx.env.options.timeoutSeconds * 1000;
  const first = ctx.results.data(requestProbe)?.conversation;
  const took = first?.outcome === 'complete' ? (first.firstByteMs ?? 0) : 0;
  return Math.max(timeoutMs, took * 1.5 + timeoutMs);
}

export function classify(round: number, gapSeconds: number, c: Conversation): IdleTrial {
  // The gap starts when the handshake (TCP, then TLS if any) is done; so does a server's idle timer.
  const idleFrom =
    c.events.find((e) => e.kind === 'tls-done')?.at ??
    c.events.find((e) => e.kind === 'connected')?.at ??
    c.startedAt;
  const sentAt = c.events.find((e) => e.kind === 'sent')?.at;
  const sent = sentAt !== undefined;
  const idleSeconds = sent ? round2((sentAt - idleFrom) / 1000) : null;
  const base = { round, gapSeconds, conversation: c, closedAfterSeconds: null, idleSeconds };
  if (c.outcome === 'complete') return { ...base, result: 'survived' };
  if (c.failure?.code === 'cancelled') return { ...base, result: 'stopped' };
  if ((c.outcome === 'closed' || c.outcome === 'reset') && !sent) {
    const closedAfterSeconds = round2((c.endedAt - idleFrom) / 1000);
    return { ...base, result: 'closed-by-peer', closedAfterSeconds, idleSeconds: closedAfterSeconds };
  }
  if (c.outcome === 'reset' || c.outcome === 'closed') return { ...base, result: 'reset-on-send' };
  // The server acknowledged the request sent after the gap: it had the connection and is slow to answer,
  // which says nothing about idling. A forgotten connection's packet is dropped, never acknowledged.
  const acked = c.events.some((e) => e.kind === 'acked') || c.socketState?.unacked === 0;
  if (c.outcome === 'timeout' && sent) return { ...base, result: acked ? 'failed' : 'no-answer' };
  return { ...base, result: 'failed' };
}

export interface IdleEstimate {
  lower: number | null;
  upper: number | null;
  timeout: number | null;
  precision: number | null;
  side: 'server' | 'path' | null;
  /** The earliest close by the peer, in seconds of idle. */
  firstClose: number | null;
}

/** The bracket and the timeout from every trial so far. */
export function estimate(trials: IdleTrial[]): IdleEstimate {
  const closes = trials.filter((t) => t.result === 'closed-by-peer').map((t) => t.closedAfterSeconds!);
  const sendFails = trials
    .filter((t) => t.result === 'reset-on-send' || t.result === 'no-answer')
    .map(idledFor);
  const survived = survivedGaps(trials);
  const failures = [...closes, ...sendFails];
  if (failures.length === 0) {
    return {
      lower: survived.length ? Math.max(...survived) : null,
      upper: null,
      timeout: null,
      precision: null,
      side: null,
      firstClose: null,
    };
  }
  const upper = Math.min(...failures);
  const below = survived.filter((g) => g < upper);
  const lower = below.length ? Math.max(...below) : null;
  const firstClose = closes.length ? Math.min(...closes) : null;
  // The server closing by itself is timed directly; a middlebox is only seen at the next packet, so if a
  // packet was already refused at a clearly shorter gap, something on the path forgot first.
  const pathFirst = sendFails.some((g) => firstClose === null || g < firstClose - CLOSE_RACE_SECONDS);
  if (firstClose !== null && !pathFirst) {
    return {
      lower,
      upper,
      timeout: round2(median(closes)),
      precision: round2(Math.max(0.01, (Math.max(...closes) - firstClose) / 2)),
      side: 'server',
      firstClose,
    };
  }
  const from = lower ?? 0;
  return {
    lower,
    upper,
    timeout: round2((from + upper) / 2),
    precision: round2((upper - from) / 2),
    side: 'path',
    firstClose,
  };
}

/** The ±10 % (or ±1 s) goal, judged against the bracket's lower end so it holds for any value inside. */
export function tolerance(lower: number): number {
  return PRECISION_MARGIN * Math.max(1, 0.1 * lower);
}

function precise(e: IdleEstimate): boolean {
  return e.precision !== null && e.precision <= tolerance(e.lower ?? 0);
}

/** Round 1: a geometric series from --idle-max down, so the bracket is the same relative width anywhere. */
export function firstRoundGaps(maxSeconds: number): number[] {
  const ratio = Math.max(MIN_RATIO, maxSeconds ** (1 / (FIRST_ROUND - 1)));
  const gaps = Array.from({ length: FIRST_ROUND }, (_, i) => round2(maxSeconds / ratio ** i)).filter(
    (g) => g >= MIN_GAP_SECONDS,
  );
  return [...new Set(gaps.length ? gaps : [round2(maxSeconds)])].sort((a, b) => a - b);
}

/** Gaps strictly inside (lower, upper), evenly spaced, enough of them that the next bracket meets the goal. */
export function narrowingGaps(lower: number, upper: number): number[] {
  const width = upper - lower;
  const count = Math.min(NARROW_MAX, Math.max(2, Math.ceil(width / (2 * tolerance(lower)))));
  const gaps = Array.from({ length: count }, (_, i) => round2(lower + (width * (i + 1)) / (count + 1)));
  return [...new Set(gaps)].filter((g) => g > lower && g < upper);
}

/**
 * The comparison figure: one connection at a time, gaps step, 2·step, 3·step… (step = the ±10 % / ±1 s
 * goal) until the first failure; each try waits its whole gap, the failing one until the server's close
 * or the gap's end. Priced at the earliest timeout the data allow (just above the longest gap that
 * survived; the server's earliest close), so it never overstates what the naive search costs. Without a
 * timeout found: the scan to --idle-max.
 */
export function naiveSearch(e: IdleEstimate, maxSeconds: number): NaiveSearch {
  const stepSeconds = Math.max(1, Math.round(e.timeout ?? maxSeconds) / 10);
  const sum = (n: number) => round2((stepSeconds * n * (n + 1)) / 2);
  if (e.timeout === null) {
    const tries = Math.max(1, Math.floor(maxSeconds / stepSeconds));
    return { stepSeconds, tries, waitSeconds: sum(tries) };
  }
  if (e.side === 'server' && e.firstClose !== null) {
    // A try whose gap reaches the close time is closed then (to 0.1 s: the close is timed a little late).
    const tries = Math.max(1, Math.ceil(Math.round(e.firstClose * 10) / 10 / stepSeconds));
    return { stepSeconds, tries, waitSeconds: round2(sum(tries - 1) + e.firstClose) };
  }
  const tries = Math.floor((e.lower ?? 0) / stepSeconds) + 1;
  return { stepSeconds, tries, waitSeconds: sum(tries) };
}

function survivedGaps(trials: IdleTrial[]): number[] {
  return trials.filter((t) => t.result === 'survived').map(idledFor);
}

/** The bracket rests on the idle time each connection really had, the gap asked for when not known. */
function idledFor(t: IdleTrial): number {
  return t.idleSeconds ?? t.gapSeconds;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
