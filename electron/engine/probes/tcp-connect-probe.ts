import type { Conversation, ConversationOutcome } from '../net/conversation-types.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { hostPort } from '../../shared/common-words.js';
import type { RttStats } from '../../shared/probe-data-info.js';
import { ms, NO_ADDRESS, rttStats, targetAddress } from './probe-helpers.js';

export interface TcpConnectData {
  address: string;
  port: number;
  /** The first attempt holds the connection briefly, to catch a server that resets before any request. */
  attempts: Conversation[];
  connectStats: RttStats | null;
}

const HOLD_MS = 300;

/**
 * How the bare connection went, as the other probes and the diagnosis take it: the first attempt's
 * outcome, or the second's when the first SYN went unanswered and the second connected (a lost packet).
 */
export function bareOutcome(data: Pick<TcpConnectData, 'attempts'>): ConversationOutcome | null {
  const [first, again] = data.attempts;
  if (!first) return null;
  return first.outcome === 'timeout' && again?.outcome === 'complete' ? 'complete' : first.outcome;
}
const TIMING_ATTEMPTS = 2;

/**
 * The bare connection: held a moment to catch a reset before any request, then timed twice more; an
 * unanswered first SYN is tried once more. Side effects: up to three connections, no request.
 */
export const tcpConnectProbe: ProbeDefinition<TcpConnectData> = {
  id: 'tcp-connect',
  title: 'TCP connect',
  async run(ctx) {
    const target = targetAddress(ctx);
    if (!target) return { status: 'skipped', reason: NO_ADDRESS };
    const { port } = ctx.env.target;
    const base = {
      address: target.address,
      port,
      family: target.family,
      connectTimeoutMs: ctx.env.options.timeoutSeconds * 1000,
      responseTimeoutMs: ctx.env.options.timeoutSeconds * 1000,
    };
    const first = await ctx.env.io.tcp.converse({ ...base, readUntil: 'hold', holdMs: HOLD_MS }, ctx.signal);
    ctx.progress(`connect: ${first.outcome}`, 0.5, {
      attempt: 0,
      outcome: first.outcome,
      connectMs: first.connectMs,
    });
    const attempts = [first];
    // An unanswered SYN is asked once more before it counts: one lost SYN or SYN-ACK (a busy link, a
    // moment's congestion) must not pass for a firewall that drops the port.
    if (first.outcome === 'timeout' && !ctx.signal.aborted) {
      const again = await ctx.env.io.tcp.converse({ ...base, readUntil: 'none' }, ctx.signal);
      attempts.push(again);
      ctx.progress(`connect again: ${again.outcome}`, 0.75, {
        attempt: 1,
        outcome: again.outcome,
        connectMs: again.connectMs,
      });
    }
    // Only repeat what answered quickly: a timeout would just cost the same wait again.
    if (first.connectMs !== null) {
      for (let i = 0; i < TIMING_ATTEMPTS && !ctx.signal.aborted; i++) {
        attempts.push(await ctx.env.io.tcp.converse({ ...base, readUntil: 'none' }, ctx.signal));
      }
    }
    const data: TcpConnectData = {
      address: target.address,
      port,
      attempts,
      connectStats: rttStats(attempts.flatMap((a) => (a.connectMs === null ? [] : [a.connectMs]))),
    };
    const recovered = first.outcome === 'timeout' && bareOutcome(data) === 'complete';
    return {
      status: 'complete',
      summary: recovered
        ? `The first SYN to ${hostPort(data.address, data.port)} got no answer; asked again, it connected in ${ms(attempts[1]!.connectMs ?? 0)} (one packet lost)`
        : summarize(data, first),
      assessment: first.outcome === 'complete' ? 'ok' : recovered ? 'warn' : 'fail',
      data,
    };
  },
};

function summarize(data: TcpConnectData, first: Conversation): string {
  const where = hostPort(data.address, data.port);
  switch (first.outcome) {
    case 'complete':
      return `Connected to ${where} in ${ms(data.connectStats?.avgMs ?? 0)} (avg of ${data.attempts.length}), no reset while holding it ${HOLD_MS} ms`;
    case 'refused':
      return `${where} refused the connection: the SYN was answered with a reset`;
    case 'reset':
      return `${where} accepted the connection and reset it ${ms(first.endedAt - first.startedAt)} later, before any request`;
    case 'closed':
      return `${where} accepted the connection and closed it before any request`;
    case 'timeout':
      return `No answer to the SYN from ${where} within ${Math.round(first.endedAt - first.startedAt)} ms`;
    default:
      return `Connecting to ${where} failed: ${first.failure?.message ?? first.outcome}`;
  }
}
