import { dispatch } from '../engine/service/api-dispatch.js';
import type { RunService } from '../engine/service/run-service.js';
import type { WsServerMessage } from '../shared/ws-protocol.js';

/** What the server does with one WebSocket message: send a text back, or close that socket. */
export type MessageAnswer = { send: string } | { close: number; reason: string };

/** WebSocket close codes (RFC 6455 section 7.4.1). */
export const CLOSE_UNACCEPTABLE = 1003;
const CLOSE_INTERNAL = 1011;

/**
 * Answers one text message from the browser. Anything that is not a call (not JSON, not an object,
 * no finite numeric id) closes the socket: only a broken or hostile client sends it. A call always
 * gets a result, an error when it is refused. Never throws.
 */
export async function answerMessage(
  service: RunService,
  text: string,
  owner: AbortSignal,
): Promise<MessageAnswer> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { close: CLOSE_UNACCEPTABLE, reason: 'not JSON' };
  }
  if (!isCall(message)) return { close: CLOSE_UNACCEPTABLE, reason: 'not a call' };
  try {
    const outcome = await dispatch(service, message.channel, message.args, { mode: 'browser', owner });
    const reply: WsServerMessage = outcome.ok
      ? { type: 'result', id: message.id, ok: true, result: outcome.result }
      : { type: 'result', id: message.id, ok: false, error: outcome.error };
    return { send: JSON.stringify(reply) };
  } catch {
    // dispatch() never throws and its results are plain JSON: reaching this is a bug, not the client's.
    return { close: CLOSE_INTERNAL, reason: 'internal error' };
  }
}

function isCall(value: unknown): value is { type: 'call'; id: number; channel: unknown; args: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { type, id } = value as Record<string, unknown>;
  // JSON numbers past 1.8e308 parse as Infinity, which JSON.stringify would send back as null.
  return type === 'call' && typeof id === 'number' && Number.isFinite(id);
}
