import type { TargetInfo } from '../../shared/target-info.js';
import type { Conversation, ConversationOutcome, ConversationRequest } from '../net/conversation-types.js';
import type { ResolvedAddress } from '../net/engine-io.js';
import type { ProbeContext } from '../runner/probe-types.js';

/** The request the person's application would make, as bytes we control (no HTTP library in between). */
export function httpRequest(target: TargetInfo, keepAlive: boolean, method = 'GET'): string {
  const defaultPort = target.scheme === 'https' ? 443 : 80;
  const host = target.ipVersion === 6 ? `[${target.hostAscii}]` : target.hostAscii;
  const hostHeader = target.port === defaultPort ? host : `${host}:${target.port}`;
  return [
    `${method} ${target.path} HTTP/1.1`,
    `Host: ${hostHeader}`,
    'User-Agent: reset-doctor',
    'Accept: */*',
    `Connection: ${keepAlive ? 'keep-alive' : 'close'}`,
    '',
    '',
  ].join('\r\n');
}

/** The same request's head only: a small answer from the same server and URL. */
export function headRequest(target: TargetInfo): string {
  return httpRequest(target, false, 'HEAD');
}

/** Base conversation settings for the target: TLS with SNI for https, timeouts from --timeout. */
export function conversationBase(ctx: Pick<ProbeContext, 'env'>, address: ResolvedAddress) {
  return conversationTo(ctx.env.target, address, ctx.env.options.timeoutSeconds * 1000);
}

/** The same for any caller (watch's checks): TLS with SNI for https, one timeout for connect and answer. */
export function conversationTo(
  target: TargetInfo,
  address: ResolvedAddress,
  timeoutMs: number,
): Omit<ConversationRequest, 'readUntil'> {
  const base: Omit<ConversationRequest, 'readUntil'> = {
    address: address.address,
    port: target.port,
    family: address.family,
    connectTimeoutMs: timeoutMs,
    responseTimeoutMs: timeoutMs,
  };
  if (target.scheme === 'https') base.tls = target.ipVersion === null ? { servername: target.hostAscii } : {};
  return base;
}

/** What to send and read for the target's protocol: an HTTP request, or for other ports just listen for a banner. */
export function exchangeFor(
  target: TargetInfo,
  keepAlive = false,
): Pick<ConversationRequest, 'send' | 'readUntil' | 'holdMs'> {
  if (target.scheme === 'tcp') return { readUntil: 'hold', holdMs: 500 };
  return { send: httpRequest(target, keepAlive), readUntil: 'http-response' };
}

/**
 * Opens plain TCP connections to the address, each held for holdMs: the load probes count connections,
 * so no TLS handshake, also for https targets.
 */
export function heldConnections(ctx: Pick<ProbeContext, 'env' | 'signal'>, address: ResolvedAddress) {
  const base = conversationBase(ctx, address);
  delete base.tls;
  return (holdMs: number): Promise<Conversation> =>
    ctx.env.io.tcp.converse({ ...base, readUntil: 'hold', holdMs: Math.round(holdMs) }, ctx.signal);
}

/** How a limit answers a connection too many: refused, reset, or closed right after the handshake. */
export const LIMIT_OUTCOMES: readonly ConversationOutcome[] = ['refused', 'reset', 'closed'];

/** How a load probe's connections ended; a close right after the handshake counts as a reset. */
export function outcomeCounts(outcomes: ConversationOutcome[]) {
  const count = (...o: ConversationOutcome[]) => outcomes.filter((x) => o.includes(x)).length;
  return {
    established: count('complete'),
    refused: count('refused'),
    reset: count('reset', 'closed'),
    timedOut: count('timeout'),
  };
}
