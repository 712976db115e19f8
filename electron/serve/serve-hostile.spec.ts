import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_RUNNING, RunService } from '../engine/service/run-service.js';
import type { WsServerMessage } from '../shared/ws-protocol.js';
import { hangingIo } from '../../test/unit/fake-io.js';
import {
  closeCode,
  frame,
  httpGet,
  rawRequest,
  rawWebSocket,
  statusOf,
  upgradeRequest,
} from '../../test/unit/raw-client.js';
import { startServe, type ServeHandle } from './serve-server.js';
import { startRequest } from '../../test/unit/start-request.js';

// Everything a hostile client can send: each case ends with the server still answering a normal,
// authorised request.

let handle: ServeHandle;
let dir: string;
let token: string;
let port: number;

// An exception nothing caught would end a real server; vitest only reports it, so each test looks.
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);
beforeEach(() => {
  uncaught.length = 0;
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
});
afterEach(() => {
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rd-hostile-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Reset Doctor</title>');
  handle = await startServe({
    port: 0,
    host: '127.0.0.1',
    rendererDir: dir,
    // A closed socket's runs are cancelled at once here (the grace for a reload: serve-server.spec.ts).
    reconnectGraceMs: 0,
    service: (emit) =>
      new RunService(emit, { io: hangingIo(), capture: null, privileges: { raw: false, note: 'test' } }),
  });
  token = new URL(handle.url).searchParams.get('token')!;
  port = handle.port;
});

afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = startRequest();

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
      origin: `http://127.0.0.1:${port}`,
    });
    ws.setMaxListeners(0);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends text and waits for the answer to call `id`, or the close (its code), or 3 s. */
function answer(ws: WebSocket, text: string, id: number | null = null): Promise<WsServerMessage | number> {
  return new Promise((resolve, reject) => {
    const done = (value: WsServerMessage | number | Error) => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const timer = setTimeout(() => done(new Error(`no answer to ${text.slice(0, 80)}`)), 3000);
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as WsServerMessage;
      if (m.type === 'result' && (id === null || m.id === id)) done(m);
    };
    const onClose = (code: number) => done(code);
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(text);
  });
}

const call = (id: number, channel: string, args: unknown[]) =>
  JSON.stringify({ type: 'call', id, channel, args });

/** Nothing went uncaught, and the page and a WebSocket call, both authorised, still work. */
async function expectAlive() {
  await new Promise((r) => setTimeout(r, 20));
  expect(uncaught).toEqual([]);
  expect(statusOf(await rawRequest(port, httpGet(port, `/?token=${token}`)))).toBe(200);
  const ws = await open();
  expect(await answer(ws, call(7, 'app:info', []), 7)).toMatchObject({
    ok: true,
    result: { mode: 'browser' },
  });
  ws.close();
}

describe('browser mode server, hostile HTTP', () => {
  it.each([['//[x/'], ['//a:99999/'], ['http://[x/'], ['//%zz/']])(
    'answers the unparseable target %s with 400 before the token is checked',
    async (target) => {
      const reply = await rawRequest(port, httpGet(port, target));
      expect(statusOf(reply)).toBe(400);
      expect(reply).toContain('bad request');
      await expectAlive();
    },
  );

  it.each([['//[x/'], ['//%zz/'], ['//a:99999/api']])(
    'refuses an upgrade to the unparseable target %s',
    async (target) => {
      expect(statusOf(await rawRequest(port, upgradeRequest(port, target)))).toBe(400);
      await expectAlive();
    },
  );

  it.each([['/%zz'], ['/%c0%ae'], ['/%e0%80'], ['/index.html%00.js'], ['/%0a%0d']])(
    'answers the bad path %s with 400 once authorised',
    async (path) => {
      const reply = await rawRequest(port, httpGet(port, `${path}?token=${token}`));
      expect(statusOf(reply)).toBe(400);
      await expectAlive();
    },
  );

  it.each([
    ['/%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
    ['/..%2f..%2f..%2fetc%2fpasswd'],
    ['/%2e%2e/%2e%2e/etc/passwd'],
    ['/../../../etc/passwd'],
    ['/assets/..%5c..%5c..%5cetc%5cpasswd'],
  ])('keeps %s inside the renderer directory', async (path) => {
    const reply = await rawRequest(port, httpGet(port, `${path}?token=${token}`));
    expect([403, 404]).toContain(statusOf(reply));
    expect(reply).not.toContain('root:');
    await expectAlive();
  });

  it('answers HEAD without a body, and refuses it without the token', async () => {
    const head = (target: string) => httpGet(port, target).replace(/^GET/, 'HEAD');
    const ok = await rawRequest(port, head(`/?token=${token}`));
    expect(statusOf(ok)).toBe(200);
    expect(ok).not.toContain('<title>');
    expect(statusOf(await rawRequest(port, head('/')))).toBe(403);
    await expectAlive();
  });

  it('survives very long URLs, header floods and raw NUL bytes', async () => {
    expect(statusOf(await rawRequest(port, httpGet(port, `/${'a'.repeat(8000)}?token=${token}`)))).toBe(404);
    expect(statusOf(await rawRequest(port, httpGet(port, `/${'a'.repeat(70_000)}`)))).toBe(431);
    const flood = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-${i}`, 'y']));
    expect(statusOf(await rawRequest(port, httpGet(port, `/?token=${token}`, flood)))).toBe(431);
    expect(statusOf(await rawRequest(port, `GET /\0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`))).toBe(400);
    expect(statusOf(await rawRequest(port, 'not http at all\r\n\r\n'))).toBe(400);
    await expectAlive();
  });

  it('refuses bad cookies, odd Hosts and other methods with one line', async () => {
    for (const cookie of [
      'rd_token',
      'rd_token=',
      '=;;;=',
      `rd_token=${token}x`,
      `rd_token=${'x'.repeat(4000)}`,
      'rd_token=\u00e9\u00ff',
    ]) {
      expect(statusOf(await rawRequest(port, httpGet(port, '/', { Cookie: cookie })))).toBe(403);
    }
    for (const host of ['', 'evil.test', `evil.test@127.0.0.1:${port}`, `127.0.0.1:${port}.evil.test`]) {
      expect(statusOf(await rawRequest(port, httpGet(port, `/?token=${token}`, { Host: host })))).toBe(403);
    }
    const del = await rawRequest(port, httpGet(port, `/?token=${token}`).replace(/^GET/, 'DELETE'));
    expect(statusOf(del)).toBe(405);
    await rawRequest(port, `CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n`, 500);
    await expectAlive();
  });

  it('survives a connection reset in the middle of an upgrade', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise((r) => socket.once('connect', r));
    socket.write(upgradeRequest(port, `/api?token=${token}`).slice(0, -2));
    socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    await expectAlive();
  });
});

describe('browser mode server, hostile WebSocket', () => {
  it.each([['/apix'], ['/api/'], ['/api?token=wrong'], ['/API'], ['/%2fapi']])(
    'refuses the upgrade path %s',
    async (path) => {
      const sep = path.includes('?') ? '&' : '?';
      const target = path.includes('token') ? path : `${path}${sep}token=${token}`;
      const status = statusOf(await rawRequest(port, upgradeRequest(port, target)));
      expect([400, 403]).toContain(status);
      await expectAlive();
    },
  );

  it('refuses handshakes with a missing key or another version', async () => {
    const bad: Record<string, string>[] = [
      { 'Sec-WebSocket-Key': '' },
      { 'Sec-WebSocket-Version': '99' },
      { Upgrade: 'h2c' },
    ];
    for (const headers of bad) {
      const status = statusOf(await rawRequest(port, upgradeRequest(port, `/api?token=${token}`, headers)));
      expect(status).toBeGreaterThanOrEqual(400);
    }
    await expectAlive();
  });

  it.each([
    ['null'],
    ['42'],
    ['[]'],
    ['[1,2]'],
    ['"call"'],
    ['true'],
    ['{}'],
    ['{"type":"call"}'],
    ['{"type":"call","id":1e999,"channel":"app:info","args":[]}'],
    ['{"type":"call","id":"1","channel":"app:info","args":[]}'],
    ['{'],
    [''],
    ['\u0000'],
  ])('closes the socket on the message %j, and only that socket', async (text) => {
    const other = await open();
    const ws = await open();
    expect(await answer(ws, text)).toBe(1003);
    expect(await answer(other, call(1, 'app:info', []), 1)).toMatchObject({ ok: true });
    other.close();
    await expectAlive();
  });

  it.each([
    [{ type: 'call', id: 1, channel: 'app:info' }, /refused/],
    [{ type: 'call', id: 1, channel: 'nope', args: null }, /refused: unknown call/],
    [{ type: 'call', id: 1, channel: 'run:start', args: [null] }, /refused/],
    [{ type: 'call', id: 1, channel: 'run:start', args: [[]] }, /refused/],
    [{ type: 'call', id: 1, channel: 'report:export', args: [{}, 'md'] }, /refused/],
    [{ type: 'call', id: 1, channel: 'step:rerun', args: ['x'.repeat(500_000), 'dns'] }, /refused/],
    [{ type: 'call', id: 1, channel: '__proto__', args: [] }, /refused/],
    [{ type: 'call', id: 1, channel: { toString: 1 }, args: [] }, /refused|internal error/],
    [{ type: 'call', id: 1, channel: 'x'.repeat(100_000), args: [] }, /^refused: unknown call x{10,290}…$/],
    [{ type: 'call', id: 1, channel: 'constructor', args: [] }, /refused/],
  ])('answers the malformed call %j with an error', async (message, error) => {
    const ws = await open();
    expect(await answer(ws, JSON.stringify(message), 1)).toMatchObject({
      ok: false,
      error: expect.stringMatching(error),
    });
    ws.close();
    await expectAlive();
  });

  it('closes a socket that sends a huge message (over the payload limit), and only that one', async () => {
    const other = await open();
    const ws = await open();
    expect(await answer(ws, JSON.stringify({ type: 'call', id: 1, pad: 'x'.repeat(2 * 1024 * 1024) }))).toBe(
      1009,
    );
    expect(await answer(other, call(1, 'app:info', []), 1)).toMatchObject({ ok: true });
    other.close();
    await expectAlive();
  });

  it.each([
    ['a frame that claims 2 MiB', frame(1, '', { claimedLength: 2 * 1024 * 1024 }), 1009],
    ['invalid UTF-8 text', frame(1, Buffer.from([0x7b, 0xc0, 0xae, 0xff])), 1007],
    ['a reserved opcode', frame(3, 'x'), 1002],
    ['a reserved control opcode', frame(0xb, 'x'), 1002],
    ['reserved bits', frame(1, 'null', { rsv: 4 }), 1002],
    ['an unmasked frame', frame(1, 'null', { masked: false }), 1002],
    ['a continuation with nothing to continue', frame(0, 'x'), 1002],
    ['a binary message', frame(2, call(1, 'app:info', [])), 1003],
  ])('closes the socket on %s, and keeps serving the others', async (_name, bytes, code) => {
    const other = await open();
    const ws = await rawWebSocket(port, `/api?token=${token}`);
    ws.send(bytes);
    expect(closeCode(await ws.until((f) => f.opcode === 8))).toBe(code);
    ws.socket.destroy();
    expect(await answer(other, call(1, 'app:info', []), 1)).toMatchObject({ ok: true });
    other.close();
    await expectAlive();
  });
});

describe('browser mode server, concurrent runs', () => {
  const BUSY = `busy: ${MAX_RUNNING} runs already in progress; wait for one to finish or cancel it`;

  async function startMany(ws: WebSocket, count: number, firstId: number) {
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        answer(ws, call(firstId + i, 'run:start', [request]), firstId + i),
      ),
    );
    return results as Extract<WsServerMessage, { type: 'result' }>[];
  }

  it(`runs ${MAX_RUNNING} at once and answers "busy" past it; a closed socket releases its runs`, async () => {
    const first = await open();
    const results = await startMany(first, 51, 100);
    expect(results.filter((r) => r.ok)).toHaveLength(MAX_RUNNING);
    const refused = results.filter((r) => !r.ok);
    expect(refused).toHaveLength(51 - MAX_RUNNING);
    for (const r of refused) expect(r).toMatchObject({ ok: false, error: BUSY });

    // Another tab is refused too, until the first one's socket closes and its runs are dropped.
    const second = await open();
    expect(await startMany(second, 1, 1)).toMatchObject([{ ok: false, error: BUSY }]);
    first.close();
    let again: Extract<WsServerMessage, { type: 'result' }>[] = [];
    for (let i = 0; i < 100; i++) {
      again = await startMany(second, 1, 200 + i);
      if (again[0]!.ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(again[0]).toMatchObject({ ok: true });
    second.close();
    await expectAlive();
  });

  it('frees a slot when a run is cancelled', async () => {
    const ws = await open();
    const started = await startMany(ws, MAX_RUNNING, 1);
    expect(started.every((r) => r.ok)).toBe(true);
    expect(await startMany(ws, 1, 10)).toMatchObject([{ ok: false, error: BUSY }]);
    const runId = (started[0] as { result: { runId: string } }).result.runId;
    expect(await answer(ws, call(20, 'run:cancel', [runId]), 20)).toMatchObject({
      ok: true,
      result: { cancelled: true },
    });
    let next: Extract<WsServerMessage, { type: 'result' }>[] = [];
    for (let i = 0; i < 100 && !next[0]?.ok; i++) {
      next = await startMany(ws, 1, 30 + i);
      if (!next[0]!.ok) await new Promise((r) => setTimeout(r, 20));
    }
    expect(next[0]).toMatchObject({ ok: true });
    ws.close();
    await expectAlive();
  });
});
