import { runOption } from '../../shared/run-options-info.js';
import type { Conversation } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase, exchangeFor } from './conversation-helpers.js';
import { NO_ADDRESS, sleep, targetAddress } from './probe-helpers.js';
import { afterSendMs, CUTOFF_MIN_MS, requestProbe } from './request-probe.js';
import { patternWords, requestPattern, type RequestPattern } from './request-pattern.js';

export interface RepeatAttempt {
  /** The place among the run's requests as the server saw them: the first request is 1. */
  order: number;
  mode: 'sequential' | 'parallel';
  conversation: Conversation;
}

export interface RequestRepeatData {
  attempts: RepeatAttempt[];
  /** Over the first request and its repeats: how many failed, and how. */
  pattern: RequestPattern;
  /** Why fewer repeats went out than --repeat asked, or null. */
  bounded: string | null;
}

/** Quick requests one after another stop here: repetition must stay cheap. */
const SEQUENTIAL_BUDGET_MS = 3000;
const PARALLEL_MAX = 4;
/** A request that took a second or more is repeated only a few times, all at once: its cut-off is what counts. */
const SLOW_MS = CUTOFF_MIN_MS;
const SLOW_REPEATS = 3;
/** Between sequential repeats: at most 40 new connections a second, a polite client's pace. */
const GAP_MS = 25;
/** After a refusal: a rate limiter's burst refills in about a second. */
const REFILL_MS = 1000;

/**
 * The request again, on fresh connections: one after another (the order the server sees, so a balancer
 * that resets every Nth request shows its period), then a few at once (a fault only under concurrency).
 * A slow request (an answer or a cut-off after a second or more) is repeated three times at once instead,
 * which is enough to see whether its delay is consistent. Side effects: up to --repeat + 4 requests,
 * at most 40 new connections a second; the first refused one stops them (and waits a second), so a rate
 * limit is left for the rate test to measure, not drained before it.
 */
export const requestRepeatProbe: ProbeDefinition<RequestRepeatData> = {
  id: 'request-repeat',
  title: 'Repeat the request',
  async run(ctx) {
    const wanted = ctx.env.options.repeat;
    if (wanted === 0)
      return {
        status: 'skipped',
        reason: 'turned off (0 repeats)',
        enables: { option: 'repeat', value: runOption('repeat').default },
      };
    const first = ctx.results.data(requestProbe)?.conversation;
    if (!first) return { status: 'skipped', reason: 'the request did not run' };
    if (first.outcome === 'timeout' || first.outcome === 'failed')
      return {
        status: 'skipped',
        reason: `the request got no answer (${first.outcome}): repeating it would only wait again`,
      };
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const took = first.outcome === 'complete' ? (first.firstByteMs ?? 0) : afterSendMs(first);
    const timeoutMs = ctx.env.options.timeoutSeconds * 1000;
    const request = {
      ...conversationBase(ctx, address),
      ...exchangeFor(ctx.env.target),
      // Long enough for this server's answer or cut-off, as the first request met it.
      answerWaitMs: Math.max(timeoutMs, took * 1.5 + timeoutMs),
    };
    const send = () => ctx.env.io.tcp.converse(request, ctx.signal);
    const attempts: RepeatAttempt[] = [];
    let bounded: string | null = null;
    let refused = false;
    const slow = took >= SLOW_MS;
    if (!slow) {
      const started = ctx.env.now();
      for (let i = 0; i < wanted && !ctx.signal.aborted; i++) {
        if (ctx.env.now() - started > SEQUENTIAL_BUDGET_MS) {
          bounded = `${i} of ${wanted} sent one after another within ${SEQUENTIAL_BUDGET_MS / 1000} s`;
          break;
        }
        if (i > 0) await sleep(GAP_MS, ctx.signal);
        const conversation = await send();
        attempts.push({ order: attempts.length + 2, mode: 'sequential', conversation });
        report(ctx, attempts, wanted);
        if (conversation.outcome === 'refused' && first.outcome !== 'refused') {
          // New connections refused after one worked: a rate limit (or a server going down). Repeating
          // would only drain the limit further and spoil the rate test that follows: stop, and let it
          // refill for the time a limiter's burst takes.
          bounded = `stopped after ${i + 1}: a new connection was refused, and repeating faster would trip a limit`;
          refused = true;
          await sleep(REFILL_MS, ctx.signal);
          break;
        }
      }
    } else {
      bounded = `the request took ${(took / 1000).toFixed(1)} s, so it was repeated ${Math.min(SLOW_REPEATS, wanted)} times at once`;
    }
    const together = refused ? 0 : Math.min(slow ? SLOW_REPEATS : PARALLEL_MAX, wanted);
    if (!ctx.signal.aborted && together > 0) {
      const batch = await Promise.all(Array.from({ length: together }, send));
      const next = attempts.length + 2;
      batch.forEach((conversation, i) => attempts.push({ order: next + i, mode: 'parallel', conversation }));
    }
    const pattern = patternOf(first, attempts);
    const data: RequestRepeatData = { attempts, pattern, bounded };
    return {
      status: 'complete',
      summary: `${patternWords(pattern)}${bounded ? ` (${bounded})` : ''}`,
      assessment: pattern.failed === 0 ? 'ok' : 'fail',
      data,
    };
  },
};

function failed(c: Conversation): boolean {
  return c.outcome !== 'complete';
}

/** The first request leads the sequence: the server counted it first. */
export function patternOf(first: Conversation, attempts: RepeatAttempt[]): RequestPattern {
  const sequential = [first, ...attempts.filter((a) => a.mode === 'sequential').map((a) => a.conversation)];
  const parallel = attempts.filter((a) => a.mode === 'parallel').map((a) => a.conversation);
  // A cancelled repeat says nothing about the server.
  const known = (c: Conversation) => c.failure?.code !== 'cancelled';
  return requestPattern(sequential.filter(known).map(failed), parallel.filter(known).map(failed));
}

function report(ctx: ProbeContext, attempts: RepeatAttempt[], wanted: number) {
  const last = attempts.at(-1)!;
  ctx.progress(
    `request ${last.order}: ${last.conversation.outcome}`,
    attempts.length / (wanted + PARALLEL_MAX),
    {
      order: last.order,
      outcome: last.conversation.outcome,
    },
  );
}
