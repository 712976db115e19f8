import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResetDoctorApi } from '../../../electron/shared/api-contract.js';
import type { RunEvent } from '../../../electron/shared/run-event-info.js';
import { CONNECTION_LOST, NEVER_CONNECTED, NO_TOKEN, connectApi } from './api-client.js';

/** A WebSocket that a test opens, answers and closes by hand. */
class FakeSocket extends EventTarget {
  static instances: FakeSocket[] = [];
  static readonly OPEN = 1;
  readyState = 0;
  readonly sent: string[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.instances.push(this);
  }
  send(text: string) {
    if (this.readyState !== FakeSocket.OPEN) throw new Error('not open');
    this.sent.push(text);
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  receive(message: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  close() {
    this.readyState = 3;
    this.dispatchEvent(new Event('close'));
  }
  get calls() {
    return this.sent.map(
      (t) => JSON.parse(t) as { type: string; id: number; channel: string; args: unknown[] },
    );
  }
}

function socket(): FakeSocket {
  const s = FakeSocket.instances.at(-1);
  if (!s) throw new Error('no socket was opened');
  return s;
}

beforeEach(() => {
  FakeSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeSocket);
  window.history.replaceState(null, '', '/?token=s3cret%2Btoken');
});

afterEach(() => {
  vi.unstubAllGlobals();
  delete window.resetDoctor;
});

describe('connectApi', () => {
  it('uses the API the Electron preload exposes, as it is', () => {
    const exposed: ResetDoctorApi = { invoke: vi.fn(), onEvent: vi.fn() } as unknown as ResetDoctorApi;
    window.resetDoctor = exposed;
    expect(connectApi()).toBe(exposed);
    expect(FakeSocket.instances).toHaveLength(0);
  });

  it('otherwise opens the WebSocket at /api with the token of the page address', () => {
    connectApi();
    expect(socket().url).toBe(`ws://${location.host}/api?token=s3cret%2Btoken`);
  });

  it('leaves the token out when the address has none (the cookie carries it then)', () => {
    window.history.replaceState(null, '', '/');
    connectApi();
    expect(socket().url).toBe(`ws://${location.host}/api`);
  });

  it('queues calls until the socket opens, numbers them, and resolves each by its id', async () => {
    const api = connectApi();
    const info = api.invoke('app:info');
    const check = api.invoke('target:check', 'api.example.com');
    expect(socket().sent).toHaveLength(0);
    socket().open();
    expect(socket().calls).toEqual([
      { type: 'call', id: 1, channel: 'app:info', args: [] },
      { type: 'call', id: 2, channel: 'target:check', args: ['api.example.com'] },
    ]);
    socket().receive({ type: 'result', id: 2, ok: true, result: { ok: true, message: 'fine' } });
    socket().receive({ type: 'result', id: 1, ok: false, error: 'not allowed' });
    await expect(check).resolves.toEqual({ ok: true, message: 'fine' });
    await expect(info).rejects.toThrow('not allowed');
  });

  it('passes run events to every listener until it unsubscribes', () => {
    const api = connectApi();
    socket().open();
    const seen: RunEvent[] = [];
    const off = api.onEvent((e) => seen.push(e));
    const event: RunEvent = { type: 'step-started', runId: 'r', stepId: 'identify', at: 'now' };
    socket().receive({ type: 'event', event });
    off();
    socket().receive({ type: 'event', event });
    expect(seen).toEqual([event]);
  });

  it('rejects pending and later calls with a clear message when the socket closes, and reports it', async () => {
    const lost = vi.fn();
    const api = connectApi({ onConnectionLost: lost });
    socket().open();
    const pending = api.invoke('report:get', '5b0e3f7a-2c4d-4e6f-8a1b-9c0d1e2f3a4b');
    socket().close();
    await expect(pending).rejects.toThrow(CONNECTION_LOST);
    await expect(api.invoke('app:info')).rejects.toThrow(CONNECTION_LOST);
    expect(lost).toHaveBeenCalledOnce();
    expect(lost).toHaveBeenCalledWith(CONNECTION_LOST);
  });

  it('says what to do when the socket never opened, or the address has no token', async () => {
    const lost = vi.fn();
    connectApi({ onConnectionLost: lost });
    socket().close();
    window.history.replaceState(null, '', '/');
    connectApi({ onConnectionLost: lost });
    socket().close();
    expect(lost.mock.calls).toEqual([[NEVER_CONNECTED], [NO_TOKEN]]);
  });
});
