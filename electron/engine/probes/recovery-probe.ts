import type { ConversationOutcome } from '../net/conversation-types.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { requestProbe } from './request-probe.js';
import { tcpConnectProbe } from './tcp-connect-probe.js';
import { conversationBase } from './conversation-helpers.js';
import { NO_ADDRESS, sleep, targetAddress } from './probe-helpers.js';

export interface RecoveryAttempt {
  /** Milliseconds after the reset. */
  afterMs: number;
  outcome: ConversationOutcome;
  connectMs: number | null;
  localPort: number | null;
}

export interface RecoveryData {
  attempts: RecoveryAttempt[];
  /** New connections failed right after the reset: the server stopped accepting. */
  stoppedAccepting: boolean;
  /** When it accepted again, in ms after the reset; null if not within the window. */
  recoveredAfterMs: number | null;
}

const WINDOW_MS = 2500;
const EVERY_MS = 250;
// A dying process can still complete handshakes for a few milliseconds and then reset them: hold each
// new connection a moment so that is not taken for a server that is fine.
const HOLD_MS = 150;
const DOWN: ConversationOutcome[] = ['refused', 'timeout', 'unreachable'];
// Refused for this long is "stopped accepting for a while": no need to wait out the whole window.
const DOWN_LONG_ENOUGH_MS = 750;

/**
 * After a reset of an established connection: does the server still accept new ones? A crash or
 * restart shows as refusals (or silence) for a while; an application error does not.
 * Side effects: a few bare connections, no request (the server's request count, which a balancer's
 * every-Nth pattern reads, is left alone).
 */
export const recoveryProbe: ProbeDefinition<RecoveryData> = {
  id: 'recovery',
  title: 'Server availability after the reset',
  async run(ctx) {
    const request = ctx.results.data(requestProbe)?.conversation;
    if (!request || !['reset', 'closed'].includes(request.outcome)) {
      return { status: 'skipped', reason: 'the request was not reset: nothing to follow up' };
    }
    if (ctx.results.data(tcpConnectProbe)?.attempts[0]?.outcome === 'reset') {
      return {
        status: 'skipped',
        reason: 'the server resets even a bare connection: there is no crash to tell apart',
      };
    }
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const base = { ...conversationBase(ctx, address), connectTimeoutMs: EVERY_MS * 2 };
    delete base.tls;
    const attempts: RecoveryAttempt[] = [];
    let recoveredAfterMs: number | null = null;
    while (ctx.env.now() - request.endedAt < WINDOW_MS && !ctx.signal.aborted) {
      const c = await ctx.env.io.tcp.converse({ ...base, readUntil: 'hold', holdMs: HOLD_MS }, ctx.signal);
      const afterMs = Math.round(c.startedAt - request.endedAt);
      attempts.push({ afterMs, outcome: c.outcome, connectMs: c.connectMs, localPort: c.localPort });
      ctx.progress(`+${afterMs} ms: ${c.outcome}`, Math.min(1, afterMs / WINDOW_MS), attempts.at(-1));
      if (c.outcome === 'complete') {
        if (attempts.some((a) => DOWN.includes(a.outcome))) recoveredAfterMs = afterMs;
        break;
      }
      const down = attempts.filter((a) => DOWN.includes(a.outcome));
      if (down.length >= 2 && down.at(-1)!.afterMs - down[0]!.afterMs >= DOWN_LONG_ENOUGH_MS) break;
      await sleep(EVERY_MS, ctx.signal);
    }
    // Refusals or silence mean nothing listens any more; resets alone could be a server that resets everything.
    const stoppedAccepting = attempts.some((a) => DOWN.includes(a.outcome));
    const data: RecoveryData = { attempts, stoppedAccepting, recoveredAfterMs };
    const summary = !stoppedAccepting
      ? 'The server accepted a new connection right after the reset'
      : recoveredAfterMs !== null
        ? `New connections failed (${firstDown(attempts)}) for ${recoveredAfterMs} ms after the reset, then were accepted again`
        : `New connections kept failing (${firstDown(attempts)}) until ${attempts.at(-1)!.afterMs} ms after the reset`;
    return { status: 'complete', summary, assessment: stoppedAccepting ? 'fail' : 'ok', data };
  },
};

function firstDown(attempts: RecoveryAttempt[]): string {
  return attempts.find((a) => DOWN.includes(a.outcome))?.outcome ?? 'failed';
}
