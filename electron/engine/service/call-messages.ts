import type { WsServerMessage } from '../../shared/ws-protocol.js';
import type { CallHandler, DispatchHooks } from './api-dispatch.js';

/**
 * What to do with one message of the contract's JSON form (the browser mode's WebSocket, the engine
 * helper's stdin): send a text back, or close that channel.
 */
export type MessageAnswer = { send: string } | { close: number; reason: string };

/** WebSocket close codes (RFC 6455 section 7.4.1). */
export const CLOSE_UNACCEPTABLE = 1003;
const CLOSE_INTERNAL = 1011;

/**
 * Answers one text message. Anything that is not a call (not JSON, not an object, no finite numeric id)
 * closes the channel: only a broken or hostile client sends it. A call always gets a result, an error
 * when it is refused. Never throws.
 */
export async function answerMessage(
  calls: CallHandler,
  text: string,
  hooks: DispatchHooks,
): Promise<MessageAnswer> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { close: CLOSE_UNACCEPTABLE, reason: 'not JSON' };
  }
  if (!isCall(message)) return { close: CLOSE_UNACCEPTABLE, reason: 'not a call' };
  try {
    const outcome = await calls(message.channel, message.args, hooks);
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
