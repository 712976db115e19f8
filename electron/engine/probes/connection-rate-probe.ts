import { runOption } from '../../shared/run-options-info.js';
import type { Conversation, ConversationOutcome } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { heldConnections, LIMIT_OUTCOMES, outcomeCounts } from './conversation-helpers.js';
import { doublingRamp, NO_ADDRESS, sleep, targetAddress } from './probe-helpers.js';
import { pingProbe } from './ping-probe.js';
import { recoveryProbe } from './recovery-probe.js';
import { bareOutcome, tcpConnectProbe } from './tcp-connect-probe.js';
import { ordinal } from '../../shared/common-words.js';
import type { RateStep } from '../../shared/probe-data-info.js';

export interface RateAttempt {
  /** New connections per second asked for when this one was opened. */
  rate: number;
  /** When it was opened, in ms after the probe started. */
  atMs: number;
  conversation: Conversation;
}

export type { RateStep } from '../../shared/probe-data-info.js';

/**
 * limited: refusals or resets began after some connections were accepted, and some still got through
 * (a limit lets its own rate pass); refusing: nothing got through after the first refusal; unanswered:
 * no refusal, but some got no answer at all.
 */
export type RateVerdict = 'clean' | 'limited' | 'refusing' | 'unanswered';

export interface ConnectionRateData {
  verdict: RateVerdict;
  /** The bound (--rate-max): never more new connections per second than this. */
  rateMax: number;
  stepMs: number;
  steps: RateStep[];
  attempts: RateAttempt[];
  /** The rate at which the first new connection was refused or reset; null when none was. */
  failingRate: number | null;
  /** The step before it, which passed cleanly; null when the first step failed already. */
  cleanRate: number | null;
  /** 1-based number of the first refused or reset attempt. */
  firstFailure: number | null;
  firstFailureOutcome: ConversationOutcome | null;
  /** After the first refusal, at the same rate: what still got through, and in how long. */
  after: { attempts: number; established: number; windowMs: number } | null;
  /** New connections per second that still got through after the first refusal: the limit's own rate. */
  acceptedPerSecond: number | null;
  /**
   * The connection before the ramp, refused this many times (a short wait apart) before it got through:
   * what the probes before it left, still counted by a limit on connections at once. Not the ramp's.
   */
  doorRefused: number;
}

// Each rate for STEP_MS: short enough to keep a healthy run quick, long enough to drain a small burst.
const STEP_MS = 200;
// After the first refusal the ramp stops rising and keeps its rate this long to see what gets through.
const MEASURE_MS = 600;
// A short connection, held just long enough to see a reset that follows the handshake.
const HOLD_MS = 20;
// Not lower: the repeated requests just before opened new connections at up to 40/s, so a limit below
// 20/s has already shown itself there (and the ramp waited for its burst to refill); a 10/s step would
// add 0.2 s to every healthy run to tell 10/s from 20/s, which the measured accepted rate says better.
const FIRST_RATE = 20;
/** Before the ramp: a refused first connection is tried again this much later, at most DOOR_TRIES times. */
const DOOR_WAIT_MS = 250;
const DOOR_TRIES = 3;

/** 20, 40, 80, ... new connections per second, doubling up to the bound, which is always the last. */
export function rateSteps(max: number): number[] {
  return doublingRamp(Math.min(FIRST_RATE, max), max);
}

/**
 * Opens short connections at a rising rate (20, 40/s ... up to --rate-max, STEP_MS each) and stops
 * rising at the first refusal or reset; that rate is kept a little longer to measure what still gets
 * through, which is the limit's own rate whatever its burst.
 * Side effects: up to --rate-max new connections a second for about a second; it drains a rate limiter's
 * burst, so it runs after the request and its repeats, and before the concurrency ramp. What it would
 * see of the probes before it: their connections still counted by a limit on connections at once, which
 * refuse the ramp's first one as if the rate did; doorOpen waits them out.
 */
export const connectionRateProbe: ProbeDefinition<ConnectionRateData> = {
  id: 'connection-rate',
  title: 'New-connection rate',
  async run(ctx) {
    // Its default and the most accepted (--rate-max) are in the run options' table; every run sets it.
    const max = ctx.env.options.rateMax;
    if (max === 0)
      return {
        status: 'skipped',
        reason: 'turned off (0 new connections per second)',
        enables: { option: 'rateMax', value: runOption('rateMax').default },
      };
    const blocked = loadTestBlocker(ctx);
    if (blocked) return { status: 'skipped', reason: blocked };
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const held = heldConnections(ctx, address);
    const open = () => held(HOLD_MS);
    const door = await doorOpen(ctx, open);
    const steps = rateSteps(max);
    const attempts = await runRamp(ctx, steps, open, door.at);
    const data = { ...analyse(max, steps, attempts, door.through), doorRefused: door.refused };
    const assessment = data.verdict === 'clean' ? 'ok' : data.verdict === 'unanswered' ? 'warn' : 'fail';
    return { status: 'complete', summary: summarize(data), assessment, data };
  },
};

/** Why a load test would tell nothing (or only repeat a known failure); null when it can run. */
const LOSSY_PERCENT = 10;

export function loadTestBlocker(ctx: Pick<ProbeContext, 'results'>): string | null {
  const tcp = ctx.results.data(tcpConnectProbe);
  if (!tcp || bareOutcome(tcp) !== 'complete')
    return 'a single connection does not work: a limit cannot be told apart';
  const recovery = ctx.results.data(recoveryProbe);
  if (recovery?.stoppedAccepting && recovery.recoveredAfterMs === null)
    return 'the server stopped accepting connections after the reset (see the recovery probe)';
  // Lost SYNs wait out a retransmission and look like a limit; the loss is the finding to fix first.
  const loss = ctx.results.data(pingProbe)?.lossPercent ?? 0;
  if (loss >= LOSSY_PERCENT)
    return `the path loses ${loss}% of packets (see ping): lost connection attempts would look like a limit, so the load tests wait until the loss is fixed`;
  return null;
}

/** `doorAt`: when the door's connection opened, so the bound holds between it and the ramp's first. */
async function runRamp(
  ctx: ProbeContext,
  steps: number[],
  open: () => Promise<Conversation>,
  doorAt: number,
) {
  const started = ctx.env.now();
  const attempts: { rate: number; atMs: number; pending: Promise<Conversation> }[] = [];
  const ended: (Conversation | undefined)[] = [];
  let next = 0;
  let lastAt = doorAt - started;
  let measureUntil: number | null = null;
  let stopped = false;
  const count = (rate: number) => Math.max(2, Math.round((rate * STEP_MS) / 1000));
  // Its schedule, for a progress bar: every step run out, or until the measuring at one rate ends.
  const plannedMs = steps.reduce((sum, rate) => sum + (count(rate) * 1000) / rate, 0);
  for (const rate of steps) {
    const interval = 1000 / rate;
    for (let i = 0; ; i++) {
      // A late timer is not made up for by a shorter gap: the bound holds between any two openings.
      next = Math.max(next, lastAt + interval);
      await sleep(started + next - ctx.env.now(), ctx.signal);
      if (ctx.signal.aborted) break;
      if (measureUntil === null) {
        const first = ended.findIndex((c) => c !== undefined && c.outcome !== 'complete');
        // A timeout is not a limit's answer: stop there. A refusal or reset: measure at this rate.
        if (first >= 0 && !LIMIT_OUTCOMES.includes(ended[first]!.outcome)) stopped = true;
        else if (first >= 0) measureUntil = attempts[first]!.atMs + MEASURE_MS;
      }
      if (stopped || (measureUntil !== null ? next >= measureUntil : i >= count(rate))) break;
      const index = attempts.length;
      lastAt = ctx.env.now() - started;
      const atMs = Math.round(lastAt);
      const pending = open().then((c) => (ended[index] = c));
      attempts.push({ rate, atMs, pending });
      next += interval;
      ctx.progress(`${rate}/s: ${index + 1} opened`, Math.min(1, next / (measureUntil ?? plannedMs)), {
        rate,
        opened: index + 1,
      });
    }
    if (ctx.signal.aborted || stopped || measureUntil !== null) break;
  }
  const conversations = await Promise.all(attempts.map((a) => a.pending));
  return attempts.map((a, i): RateAttempt => ({
    rate: a.rate,
    atMs: a.atMs,
    conversation: conversations[i]!,
  }));
}

/**
 * The probes just before (the repeats sent together, above all) may have left connections that a limit
 * on connections at once still counts for a moment: a refused first connection of the ramp would read
 * as a rate limit at its lowest rate. One connection first, and while it is refused, a short wait and
 * another (a few at most: a server that refuses everything is the ramp's to record).
 */
async function doorOpen(
  ctx: ProbeContext,
  open: () => Promise<Conversation>,
): Promise<{ refused: number; through: boolean; at: number }> {
  let refused = 0;
  for (;;) {
    const at = ctx.env.now();
    const c = await open();
    const turnedAway = LIMIT_OUTCOMES.includes(c.outcome);
    if (turnedAway) refused++;
    if (!turnedAway || refused >= DOOR_TRIES || ctx.signal.aborted)
      return { refused, through: c.outcome === 'complete', at };
    await sleep(DOOR_WAIT_MS, ctx.signal);
  }
}

/** `doorThrough`: the connection before the ramp got through, so a refusal of the ramp's first is a limit's. */
function analyse(
  max: number,
  steps: number[],
  attempts: RateAttempt[],
  doorThrough: boolean,
): Omit<ConnectionRateData, 'doorRefused'> {
  const failed = (a: RateAttempt) => LIMIT_OUTCOMES.includes(a.conversation.outcome);
  const first = attempts.findIndex(failed);
  const failingRate = first >= 0 ? attempts[first]!.rate : null;
  const stepOf = (rate: number): RateStep => {
    const own = attempts.filter((a) => a.rate === rate);
    return { rate, attempts: own.length, ...outcomeCounts(own.map((a) => a.conversation.outcome)) };
  };
  const rampSteps = steps.filter((r) => attempts.some((a) => a.rate === r)).map(stepOf);
  const later = first >= 0 ? attempts.slice(first + 1) : [];
  let after: ConnectionRateData['after'] = null;
  let acceptedPerSecond: number | null = null;
  // Too few attempts after the first refusal say nothing about the rate that gets through.
  if (later.length >= 3) {
    const last = later.at(-1)!;
    const windowMs = last.atMs - attempts[first]!.atMs + 1000 / last.rate;
    const established = later.filter((a) => a.conversation.outcome === 'complete').length;
    after = { attempts: later.length, established, windowMs: Math.round(windowMs) };
    acceptedPerSecond = Math.round((established * 10_000) / windowMs) / 10;
  }
  const index = failingRate === null ? -1 : steps.indexOf(failingRate);
  const before =
    (first === 0 && doorThrough) ||
    (first > 0 && attempts.slice(0, first).some((a) => a.conversation.outcome === 'complete'));
  const verdict: RateVerdict =
    first >= 0
      ? before && (after === null || after.established > 0)
        ? 'limited'
        : 'refusing'
      : attempts.some((a) => a.conversation.outcome !== 'complete')
        ? 'unanswered'
        : 'clean';
  return {
    verdict,
    rateMax: max,
    stepMs: STEP_MS,
    steps: rampSteps,
    attempts,
    failingRate,
    cleanRate: index > 0 ? steps[index - 1]! : null,
    firstFailure: first >= 0 ? first + 1 : null,
    firstFailureOutcome: first >= 0 ? attempts[first]!.conversation.outcome : null,
    after,
    acceptedPerSecond,
  };
}

function summarize(d: ConnectionRateData): string {
  const door =
    d.doorRefused > 0
      ? ` (before the ramp, its first connection was refused ${d.doorRefused === 1 ? 'once' : `${d.doorRefused} times`}, ${DOOR_WAIT_MS} ms apart: the connections of the probes before it were still counted by a limit on connections at once)`
      : '';
  return `${rampWords(d)}${door}`;
}

function rampWords(d: ConnectionRateData): string {
  const total = d.attempts.length;
  const rates = d.steps.map((s) => s.rate).join(', ');
  const how = d.firstFailureOutcome === 'refused' ? 'refused' : 'reset';
  if (d.verdict === 'limited') {
    const clean = d.cleanRate !== null ? ` (${d.cleanRate}/s was clean)` : '';
    const through =
      d.after && d.acceptedPerSecond !== null
        ? `; after that ${d.after.established} of ${d.after.attempts} got through in ${d.after.windowMs} ms: about ${d.acceptedPerSecond} per second`
        : '';
    return `New connections were ${how} from ${d.failingRate}/s on${clean}${through}`;
  }
  if (d.verdict === 'refusing') {
    const failed = d.steps.reduce((n, s) => n + s.refused + s.reset, 0);
    return `${failed} of ${total} new connections were ${how} and none got through after the ${ordinal(d.firstFailure!)}: the server stopped accepting rather than limiting a rate`;
  }
  if (d.verdict === 'unanswered') {
    const timedOut = d.steps.reduce((n, s) => n + s.timedOut, 0);
    return `${timedOut} of ${total} new connections got no answer at up to ${d.steps.at(-1)?.rate}/s`;
  }
  return `All ${total} new connections were accepted at ${rates}/s (${d.stepMs} ms each, at most ${d.rateMax}/s)`;
}
