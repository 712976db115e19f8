import type { Conversation } from '../net/conversation-types.js';
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
const TIMING_ATTEMPTS = 2;

/**
 * The bare connection: held a moment to catch a reset before any request, then timed twice more.
 * Side effects: three connections, no request.
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
    return {
      status: 'complete',
      summary: summarize(data, first),
      assessment: first.outcome === 'complete' ? 'ok' : 'fail',
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
