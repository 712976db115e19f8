import { runOption } from '../../shared/run-options-info.js';
import type { Conversation, ConversationOutcome } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { ordinal } from '../../shared/common-words.js';
import { connectionRateProbe, loadTestBlocker } from './connection-rate-probe.js';
import { heldConnections, LIMIT_OUTCOMES, outcomeCounts } from './conversation-helpers.js';
import { doublingRamp, NO_ADDRESS, sleep, targetAddress } from './probe-helpers.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';
import { median } from '../../shared/number-stats.js';

/** One step of the ramp: how many were open at once once its new connections were up. */
export interface ConcurrencyStep {
  target: number;
  /** The step's new connections that were refused, reset or closed by the peer. */
  failed: number;
  timedOut: number;
}

/** The threshold tried once more from nothing: `limit` held, then one more. */
export interface ConcurrencyRetest {
  connections: Conversation[];
  established: number;
  /** 1-based position (in opening order) of the first refused or reset connection; null when all held. */
  firstFailure: number | null;
}

export interface ConcurrencyData {
  /** The bound (--concurrency): never more than this many open at once. */
  requested: number;
  /** The ramp's connections, in the order they were opened. */
  connections: Conversation[];
  established: number;
  refused: number;
  /** Reset or closed by the peer. */
  reset: number;
  timedOut: number;
  /** How many held at once before refusals or resets began; null when all held. */
  limit: number | null;
  steps: ConcurrencyStep[];
  /** 1-based position (in opening order) of the first refused or reset connection of the ramp. */
  firstFailure: number | null;
  /** How the first one ended: what "resets began" means here. */
  firstFailureOutcome: ConversationOutcome | null;
  retest: ConcurrencyRetest | null;
  /** The retest failed again: the limit is a property of the target, not a one-off reset. */
  confirmed: boolean;
  /** Pause between opening two connections, so the server sees them in order. */
  gapMs: number;
  /** How long the first connection was held, and how long the top step's count was held together. */
  heldMs: number;
  topHeldMs: number;
}

// The first connection is held at least this long, and the top count together at least TOP_HOLD_MS:
// a limit shows within a round trip, and the whole ramp stays within half a second on a healthy LAN
// target. Every connection is held to one deadline, so a reset that comes later than a step's settling
// time is still counted; it only lands in a later step.
export const HOLD_MS = 400;
export const TOP_HOLD_MS = 200;
// Between two new connections, so the server sees them in the order they are numbered.
const STAGGER_MS = 10;
const RETEST_PAUSE_MS = 200;

/** 1, 2, 4, ... doubling up to the bound, which is always the last step. */
export function rampTargets(bound: number): number[] {
  return doublingRamp(1, bound);
}

/**
 * Ramps the number of connections held at once (1, 2, 4, ... up to --concurrency) and stops at the
 * first step where one is refused or reset; the threshold is then tried once more from nothing. Every
 * connection stays open until the ramp ends, so the count at each step is really concurrent.
 * Side effects: up to --concurrency connections held at once, and a refusal may leave a limiter's count
 * or bucket drained for a moment; it runs after the request and its repeats, so they met the server first.
 */
export const concurrencyProbe: ProbeDefinition<ConcurrencyData> = {
  id: 'concurrency',
  title: 'Concurrent connections',
  async run(ctx) {
    const n = ctx.env.options.concurrency;
    if (n === 0)
      return {
        status: 'skipped',
        reason: 'turned off (0 connections at once)',
        enables: { option: 'concurrency', value: runOption('concurrency').default },
      };
    const blocked = loadTestBlocker(ctx);
    if (blocked) return { status: 'skipped', reason: blocked };
    // The ramp opens connections quickly: under a rate limit it would measure that limit again.
    const rate = ctx.results.data(connectionRateProbe);
    if (rate?.verdict === 'limited') {
      const perSecond = rate.acceptedPerSecond ?? rate.failingRate;
      const reason = `new connections are already limited to about ${perSecond} per second (see the new-connection rate): a concurrency ramp would run into that limit, not a count`;
      return { status: 'skipped', reason };
    }
    const connects = ctx.results
      .data(tcpConnectProbe)!
      .attempts.flatMap((a) => (a.connectMs === null ? [] : [a.connectMs]));
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const open = heldConnections(ctx, address);
    // Long enough for a refusal or a reset right after the handshake to come back before the next step:
    // two round trips and the server's own moment to decide. The median connect time, not the first: a
    // first connect slowed by a busy machine (or a cold ARP entry) would stretch every step.
    const settleMs = Math.min(600, 2 * median(connects) + 60);
    const gapMs = STAGGER_MS;

    const ramp = await runRamp(ctx, n, open, settleMs, gapMs);
    const { connections } = ramp;
    const counts = outcomeCounts(connections.map((c) => c.outcome));
    const failedCount = counts.refused + counts.reset;
    const firstIndex = connections.findIndex((c) => LIMIT_OUTCOMES.includes(c.outcome));
    const limit = counts.established > 0 && failedCount > 0 ? counts.established : null;
    const retest = limit === null ? null : await runRetest(ctx, limit, open, gapMs, settleMs);
    const data: ConcurrencyData = {
      requested: n,
      connections,
      ...counts,
      limit,
      steps: ramp.steps,
      firstFailure: firstIndex >= 0 ? firstIndex + 1 : null,
      firstFailureOutcome: connections[firstIndex]?.outcome ?? null,
      retest,
      confirmed: retest !== null && retest.firstFailure !== null,
      gapMs: Math.round(gapMs),
      heldMs: ramp.heldMs,
      topHeldMs: ramp.topHeldMs,
    };
    const assessment = failedCount > 0 ? 'fail' : data.timedOut > 0 ? 'warn' : 'ok';
    return { status: 'complete', summary: summarize(data), assessment, data };
  },
};

type Open = (holdMs: number) => Promise<Conversation>;

async function runRamp(ctx: ProbeContext, n: number, open: Open, settleMs: number, gapMs: number) {
  const targets = rampTargets(n);
  const started = ctx.env.now();
  // Every connection is held until one shared deadline, planned as if the whole ramp passed: the first
  // one for at least HOLD_MS, the top step's together for at least TOP_HOLD_MS.
  const lastOpenAt = (n - 1) * gapMs + (targets.length - 1) * settleMs;
  const deadline = started + Math.max(HOLD_MS, lastOpenAt + TOP_HOLD_MS);
  const pending: Promise<Conversation>[] = [];
  const ended: (Conversation | undefined)[] = [];
  const stepOf: number[] = [];
  let lastOpened = started;
  for (const [k, target] of targets.entries()) {
    if (ctx.signal.aborted) break;
    if (k > 0) await sleep(settleMs, ctx.signal);
    if (ended.some((c) => c && c.outcome !== 'complete')) break;
    while (pending.length < target && !ctx.signal.aborted) {
      if (pending.length > 0) await sleep(gapMs, ctx.signal);
      const i = pending.length;
      lastOpened = ctx.env.now();
      stepOf.push(k);
      pending.push(
        open(Math.max(TOP_HOLD_MS, deadline - lastOpened)).then((c) => {
          ended[i] = c;
          return c;
        }),
      );
    }
    ctx.progress(`${target} open at once`, (k + 1) / targets.length, { target });
  }
  const connections = await Promise.all(pending);
  // Wait out the planned hold even when the I/O answered early, so a retest starts from nothing.
  await sleep(deadline - ctx.env.now(), ctx.signal);
  const steps: ConcurrencyStep[] = [];
  for (const [k, target] of targets.entries()) {
    const own = connections.filter((_, i) => stepOf[i] === k);
    if (own.length === 0) break;
    const failed = own.filter((c) => LIMIT_OUTCOMES.includes(c.outcome)).length;
    steps.push({ target, failed, timedOut: own.filter((c) => c.outcome === 'timeout').length });
  }
  return {
    connections,
    steps,
    heldMs: Math.round(Math.max(HOLD_MS, deadline - started)),
    topHeldMs: Math.round(Math.max(TOP_HOLD_MS, deadline - lastOpened)),
  };
}

/** From nothing again: limit connections, then one more. A real limit refuses that one again. */
async function runRetest(
  ctx: ProbeContext,
  limit: number,
  open: Open,
  gapMs: number,
  settleMs: number,
): Promise<ConcurrencyRetest | null> {
  await sleep(RETEST_PAUSE_MS, ctx.signal);
  if (ctx.signal.aborted) return null;
  const deadline = ctx.env.now() + limit * gapMs + Math.max(settleMs, TOP_HOLD_MS);
  const pending: Promise<Conversation>[] = [];
  for (let i = 0; i <= limit && !ctx.signal.aborted; i++) {
    if (i > 0) await sleep(gapMs, ctx.signal);
    pending.push(open(Math.max(settleMs, deadline - ctx.env.now())));
  }
  const connections = await Promise.all(pending);
  ctx.progress('retest done', 1, null);
  const first = connections.findIndex((c) => LIMIT_OUTCOMES.includes(c.outcome));
  return {
    connections,
    established: connections.filter((c) => c.outcome === 'complete').length,
    firstFailure: first >= 0 ? first + 1 : null,
  };
}

/** How the first failing connection ended, in words; `by` names the sender when it is known. */
export function failureWords(outcome: ConversationOutcome | null, by = ''): string {
  if (outcome === 'refused') return `was refused: its SYN was answered with a reset${by}`;
  if (outcome === 'closed') return `was closed${by} right after the handshake`;
  return `was reset${by} right after the handshake`;
}

function summarize(d: ConcurrencyData): string {
  const ramp = d.steps.map((s) => s.target).join(', ');
  if (d.limit !== null) {
    const retest = !d.retest
      ? ''
      : d.confirmed
        ? d.retest.firstFailure === d.limit + 1
          ? '; a retest from nothing failed at the same count'
          : `; a retest from nothing failed at the ${ordinal(d.retest.firstFailure!)}`
        : `; a retest of ${d.limit + 1} from nothing held them all (not a steady limit)`;
    return `Resets began at the ${ordinal(d.limit + 1)} concurrent connection: ${d.limit} held, the next ${failureWords(d.firstFailureOutcome)} (ramp ${ramp} of at most ${d.requested})${retest}`;
  }
  const failed = d.refused + d.reset;
  if (failed > 0)
    return `The first connection of the ramp already ${failureWords(d.firstFailureOutcome)}, while a single connection worked before`;
  if (d.timedOut > 0)
    return `${d.established} of ${d.connections.length} concurrent connections held; ${d.timedOut} got no answer (ramp ${ramp})`;
  return `${d.requested} concurrent connections held without a reset (ramp ${ramp}; the first held ${d.heldMs} ms, all ${d.requested} together ${d.topHeldMs} ms)`;
}
