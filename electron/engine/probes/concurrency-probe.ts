import type { Conversation } from '../net/conversation-types.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { conversationBase } from './conversation-helpers.js';
import { NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';

export interface ConcurrencyData {
  requested: number;
  connections: Conversation[];
  established: number;
  refused: number;
  reset: number;
  timedOut: number;
  /** How many held at once before refusals or resets began; null when all held. */
  limit: number | null;
}

const HOLD_MS = 500;

/** Opens N connections at once and holds them: a limit shows as refusals or resets past some count. */
export const concurrencyProbe: ProbeDefinition<ConcurrencyData> = {
  id: 'concurrency',
  title: 'Concurrent connections',
  async run(ctx) {
    const n = ctx.env.options.concurrency;
    if (n === 0) return { status: 'skipped', reason: 'disabled (--concurrency 0)' };
    const single = ctx.results.data(tcpConnectProbe)?.attempts[0];
    if (single?.outcome !== 'complete') {
      return { status: 'skipped', reason: 'a single connection does not work: a limit cannot be told apart' };
    }
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const base = conversationBase(ctx, address);
    delete base.tls;
    let finished = 0;
    const connections = await Promise.all(
      Array.from({ length: n }, () =>
        ctx.env.io.tcp.converse({ ...base, readUntil: 'hold', holdMs: HOLD_MS }, ctx.signal).then((c) => {
          finished += 1;
          ctx.progress(`${finished}/${n} done`, finished / n, { outcome: c.outcome });
          return c;
        }),
      ),
    );
    const count = (outcome: Conversation['outcome']) =>
      connections.filter((c) => c.outcome === outcome).length;
    const established = count('complete');
    const data: ConcurrencyData = {
      requested: n,
      connections,
      established,
      refused: count('refused'),
      reset: count('reset') + count('closed'),
      timedOut: count('timeout'),
      // Timeouts are what loss looks like; a limit shows as refusals or resets.
      limit: established > 0 && count('refused') + count('reset') + count('closed') > 0 ? established : null,
    };
    const failed = n - established;
    const summary =
      failed === 0
        ? `${n} concurrent connections held for ${HOLD_MS} ms without a reset`
        : `${established} of ${n} concurrent connections held; ${data.refused} refused, ${data.reset} reset, ${data.timedOut} timed out`;
    return { status: 'complete', summary, assessment: failed === 0 ? 'ok' : 'fail', data };
  },
};
