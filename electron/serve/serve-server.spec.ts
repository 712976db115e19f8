import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RunService } from '../engine/service/run-service.js';
import type { RunEvent } from '../shared/run-event-info.js';
import type { WsServerMessage } from '../shared/ws-protocol.js';
import { fakeIo } from '../../test/unit/fake-io.js';
import { startServe, type ServeHandle } from './serve-server.js';
import { startRequest } from '../../test/unit/start-request.js';

let handle: ServeHandle;
let dir: string;
let token: string;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rd-serve-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Reset Doctor</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const { io } = fakeIo({});
  handle = await startServe({
    port: 0,
    host: '127.0.0.1',
    rendererDir: dir,
    service: (emit) => new RunService(emit, { io, capture: null, privileges: { raw: false, note: 'test' } }),
  });
  token = new URL(handle.url).searchParams.get('token')!;
  base = `http://127.0.0.1:${handle.port}`;
});

afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, origin: string | null = base): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${handle.port}/api${query}`, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

describe('browser mode server', () => {
  it('prints a loopback URL that carries a random token', () => {
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
  });

  it('refuses the page without the token, and serves it with a strict CSP and a cookie with it', async () => {
    expect((await get('/')).status).toBe(403);
    const page = await get(`/?token=${token}`);
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`rd_token=${token}`);
    expect((await get('/assets/app.js', { cookie })).status).toBe(200);
    expect((await get('/assets/app.js')).status).toBe(403);
  });

  it('refuses another Host (DNS rebinding) and paths outside the renderer', async () => {
    expect((await get(`/?token=${token}`, { host: `evil.test:${handle.port}` })).status).toBe(403);
    // Host names are not case-sensitive: a client that writes one in capitals names the same server.
    expect((await get(`/?token=${token}`, { host: `LocalHost:${handle.port}` })).status).toBe(200);
    const escape = await get(`/..%2f..%2fetc%2fpasswd?token=${token}`);
    expect(escape.status).toBe(404);
    expect(escape.body).not.toContain('root:');
  });

  it('refuses WebSockets without the token or from another Origin', async () => {
    await expect(connect('')).rejects.toThrow(/403/);
    await expect(connect(`?token=${token}`, 'http://evil.test')).rejects.toThrow(/403/);
    await expect(connect(`?token=${token}`, null)).rejects.toThrow(/403/);
  });

  it('answers calls, refuses bad arguments, and streams a run as events', async () => {
    const ws = await connect(`?token=${token}`);
    const messages: WsServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as WsServerMessage));
    const send = (id: number, channel: string, args: unknown[]) =>
      ws.send(JSON.stringify({ type: 'call', id, channel, args }));
    const result = async (id: number) => {
      for (let i = 0; i < 100; i++) {
        const m = messages.find((x) => x.type === 'result' && x.id === id);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`no result for ${id}`);
    };
    send(1, 'app:info', []);
    expect(await result(1)).toMatchObject({ ok: true, result: { mode: 'browser', canChooseFiles: false } });
    send(2, 'shell:exec', ['rm -rf /']);
    expect(await result(2)).toMatchObject({ ok: false, error: 'refused: unknown call shell:exec' });
    send(3, 'run:start', [{ ...startRequest(), extra: 1 }]);
    expect(await result(3)).toMatchObject({ ok: false, error: 'refused: unexpected field extra' });
    send(4, 'run:start', [startRequest({ target: 'bad target' })]);
    expect(await result(4)).toMatchObject({ ok: false, error: expect.stringMatching(/contains spaces/) });
    send(5, 'run:start', [startRequest()]);
    const started = (await result(5)) as { ok: true; result: { runId: string } };
    const runId = started.result.runId;
    for (
      let i = 0;
      i < 200 && !messages.some((m) => m.type === 'event' && m.event.type === 'run-finished');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 25));
    }
    const events = messages.flatMap((m) => (m.type === 'event' ? [m.event] : [])) as RunEvent[];
    expect(events[0]).toMatchObject({ type: 'run-started', runId });
    expect(events.at(-1)).toMatchObject({
      type: 'run-finished',
      runId,
      report: { diagnosis: { verdict: 'healthy' } },
    });
    send(6, 'report:export', [runId, 'md']);
    expect(await result(6)).toMatchObject({
      ok: true,
      result: { kind: 'content', mime: 'text/markdown', fileName: expect.stringMatching(/\.md$/) },
    });
    ws.close();
  });
});
