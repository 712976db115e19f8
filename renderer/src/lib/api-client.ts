import type { ApiCalls, ApiChannel, ResetDoctorApi } from '../../../electron/shared/api-contract.js';
import { isRecord } from '../../../electron/shared/data-guards.js';
import type { RunEvent } from '../../../electron/shared/run-event-info.js';
import { TOKEN_PARAM, WS_PATH, type WsClientMessage } from '../../../electron/shared/ws-protocol.js';

declare global {
  interface Window {
    /** Exposed by Electron's preload (contextBridge), with exactly the ResetDoctorApi shape. */
    resetDoctor?: ResetDoctorApi;
  }
}

export interface ConnectOptions {
  /** Browser mode only: the WebSocket to Reset Doctor closed; the message says what to do. */
  onConnectionLost?: (message: string) => void;
}

export const CONNECTION_LOST = 'The connection to Reset Doctor was lost. Reload the page to reconnect.';
export const NEVER_CONNECTED =
  'Could not reach Reset Doctor: check that `reset-doctor serve` is still running and open the link it printed.';
export const NO_TOKEN =
  'This address has no access token, so Reset Doctor refused the connection: open the link that `reset-doctor serve` printed.';

/**
 * The API the wizard talks to: in Electron, the object the preload exposes as `window.resetDoctor`;
 * otherwise (browser mode) the WebSocket at /api of the server that served this page.
 */
export function connectApi(options: ConnectOptions = {}): ResetDoctorApi {
  const exposed = window.resetDoctor;
  if (exposed && typeof exposed.invoke === 'function' && typeof exposed.onEvent === 'function')
    return exposed;
  const token = new URLSearchParams(location.search).get(TOKEN_PARAM) ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // Without a token in the address, the browser's cookie (set when serve gave out the page) carries it.
  const query = token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : '';
  const url = `${scheme}://${location.host}${WS_PATH}${query}`;
  return new WebSocketApi(url, { ...options, ...(token ? {} : { refusedMessage: NO_TOKEN }) });
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Speaks electron/shared/ws-protocol.ts: calls with increasing ids, results by id, and run events. */
export class WebSocketApi implements ResetDoctorApi {
  private readonly socket: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: string[] = [];
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private lost: string | null = null;
  private opened = false;

  constructor(
    url: string,
    private readonly options: ConnectOptions & { refusedMessage?: string } = {},
  ) {
    this.socket = new WebSocket(url);
    this.socket.addEventListener('open', () => {
      this.opened = true;
      for (const message of this.queue.splice(0)) this.socket.send(message);
    });
    this.socket.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    // An 'error' is always followed by 'close'; the close says it all.
    this.socket.addEventListener('close', () => this.close());
  }

  invoke<C extends ApiChannel>(channel: C, ...args: ApiCalls[C]['args']): Promise<ApiCalls[C]['result']> {
    if (this.lost !== null) return Promise.reject(new Error(this.lost));
    const id = this.nextId++;
    const message: WsClientMessage = { type: 'call', id, channel, args };
    const text = JSON.stringify(message);
    return new Promise<ApiCalls[C]['result']>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(text);
      else this.queue.push(text);
    });
  }

  onEvent(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(raw: unknown) {
    if (typeof raw !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if (message.type === 'result' && typeof message.id === 'number') {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok === true) call.resolve(message.result);
      else call.reject(new Error(typeof message.error === 'string' ? message.error : 'The call failed.'));
    } else if (
      message.type === 'event' &&
      isRecord(message.event) &&
      typeof message.event.type === 'string'
    ) {
      const event = message.event as unknown as RunEvent;
      for (const listener of [...this.listeners]) listener(event);
    }
  }

  private close() {
    if (this.lost !== null) return;
    this.lost = this.opened ? CONNECTION_LOST : (this.options.refusedMessage ?? NEVER_CONNECTED);
    this.queue.length = 0;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(new Error(this.lost));
    this.options.onConnectionLost?.(this.lost);
  }
}
