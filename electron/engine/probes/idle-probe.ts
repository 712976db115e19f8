import type { Conversation } from '../net/conversation-types.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase, exchangeFor } from './conversation-helpers.js';
import { anySignal, NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';

export interface IdleTrial {
  gapSeconds: number;
  /** survived: the exchange after the gap worked; closed-by-peer: the other side ended it during the gap; reset-on-send: the first packet after the gap was answered with a reset. */
  result: 'survived' | 'closed-by-peer' | 'reset-on-send' | 'failed' | 'stopped';
  /** For closed-by-peer: seconds after connecting when the close arrived. */
  closedAfterSeconds: number | null;
  conversation: Conversation;
}

export interface IdleData {
  maxSeconds: number;
  trials: IdleTrial[];
  /** Longest gap that survived and shortest that did not. */
  lowerSeconds: number | null;
  upperSeconds: number | null;
  idleTimeoutSeconds: number | null;
  /** Who forgot the connection: the server closes by itself; a middlebox only resets when the next packet arrives. */
  side: 'server' | 'path' | null;
}

const FIRST_ROUND = 8;
const SECOND_ROUND = 5;

/**
 * Several connections idle in parallel, each for a different gap, so the timeout is bracketed in one
 * wait instead of one wait per guess; a second round narrows the bracket.
 */
export const idleProbe: ProbeDefinition<IdleData> = {
  id: 'idle-timeout',
  title: 'Idle timeout',
  async run(ctx) {
    const maxSeconds = ctx.env.options.idleMaxSeconds;
    if (maxSeconds === null) {
      return {
        status: 'skipped',
        reason: 'off: pass --idle-max SECONDS to hold connections idle and measure an idle timeout',
      };
    }
    if (ctx.results.data(tcpConnectProbe)?.attempts[0]?.outcome !== 'complete') {
      return { status: 'skipped', reason: 'a fresh connection does not work, so idle ones cannot be tested' };
    }
    const first = spread(maxSeconds / FIRST_ROUND, maxSeconds, FIRST_ROUND);
    const trials = await runRound(ctx, first);
    let { lower, upper } = bracket(trials);
    if (upper !== null && !ctx.signal.aborted) {
      const from = lower ?? 0;
      trials.push(
        ...(await runRound(
          ctx,
          spread(from + (upper - from) / (SECOND_ROUND + 1), upper, SECOND_ROUND).slice(0, -1),
        )),
      );
      ({ lower, upper } = bracket(trials));
    }
    const closes = trials.filter((t) => t.closedAfterSeconds !== null).map((t) => t.closedAfterSeconds!);
    const side = upper === null ? null : closes.length > 0 ? 'server' : 'path';
    const idleTimeoutSeconds =
      upper === null
        ? null
        : closes.length > 0
          ? round(Math.min(...closes))
          : round(((lower ?? 0) + upper) / 2);
    const data: IdleData = {
      maxSeconds,
      trials,
      lowerSeconds: lower,
      upperSeconds: upper,
      idleTimeoutSeconds,
      side,
    };
    const summary =
      idleTimeoutSeconds === null
        ? `Connections idle up to ${maxSeconds} s survived`
        : side === 'server'
          ? `The server closes connections idle for ${idleTimeoutSeconds} s`
          : `Connections idle for more than ${lower ?? 0} s are reset on the next packet (timeout ≈ ${idleTimeoutSeconds} s, between ${lower ?? 0} and ${upper} s): a middlebox forgets them`;
    return { status: 'complete', summary, assessment: idleTimeoutSeconds === null ? 'ok' : 'fail', data };
  },
};

async function runRound(ctx: ProbeContext, gaps: number[]): Promise<IdleTrial[]> {
  const address = targetAddress(ctx);
  if (!address) throw new Error(NO_ADDRESS);
  // Once one gap fails, longer ones would too: stop them instead of waiting them out.
  const stops = gaps.map(() => new AbortController());
  return Promise.all(
    gaps.map(async (gapSeconds, i): Promise<IdleTrial> => {
      const conversation = await ctx.env.io.tcp.converse(
        {
          ...conversationBase(ctx, address),
          ...exchangeFor(ctx.env.target, true),
          idleBeforeSendMs: gapSeconds * 1000,
        },
        anySignal(ctx.signal, stops[i]!.signal),
      );
      const trial = classify(gapSeconds, conversation);
      if (trial.result === 'closed-by-peer' || trial.result === 'reset-on-send') {
        gaps.forEach((g, j) => g > gapSeconds && stops[j]!.abort());
      }
      ctx.progress(`idle ${gapSeconds} s: ${trial.result}`, null, { gapSeconds, result: trial.result });
      return trial;
    }),
  );
}

function classify(gapSeconds: number, c: Conversation): IdleTrial {
  const connected = c.events.find((e) => e.kind === 'connected')?.at ?? c.startedAt;
  const sent = c.events.some((e) => e.kind === 'sent');
  const base = { gapSeconds, conversation: c, closedAfterSeconds: null };
  if (c.outcome === 'complete') return { ...base, result: 'survived' };
  if (c.failure?.code === 'cancelled') return { ...base, result: 'stopped' };
  if ((c.outcome === 'closed' || c.outcome === 'reset') && !sent) {
    return { ...base, result: 'closed-by-peer', closedAfterSeconds: round((c.endedAt - connected) / 1000) };
  }
  if (c.outcome === 'reset' || c.outcome === 'closed') return { ...base, result: 'reset-on-send' };
  return { ...base, result: 'failed' };
}

function bracket(trials: IdleTrial[]) {
  const ok = trials.filter((t) => t.result === 'survived').map((t) => t.gapSeconds);
  const bad = trials
    .filter((t) => t.result === 'closed-by-peer' || t.result === 'reset-on-send')
    .map((t) => t.gapSeconds);
  const upper = bad.length ? Math.min(...bad) : null;
  const below = ok.filter((g) => upper === null || g < upper);
  return { lower: below.length ? Math.max(...below) : null, upper };
}

function spread(from: number, to: number, count: number): number[] {
  if (count <= 1) return [round(to)];
  return Array.from({ length: count }, (_, i) => round(from + ((to - from) * i) / (count - 1)));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
