import type { RunEvent } from './run-event-info.js';

/** Browser mode: the JSON messages on the WebSocket at /api?token=… (same calls as Electron IPC). */
export type WsClientMessage = { type: 'call'; id: number; channel: string; args: unknown[] };

export type WsServerMessage =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'event'; event: RunEvent };

export const WS_PATH = '/api';
export const TOKEN_PARAM = 'token';
