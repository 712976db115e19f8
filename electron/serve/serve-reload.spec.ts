/**
 * A page that reloads, or whose connection drops and comes back: serve keeps its runs going for a grace
 * period, the page that connects takes them over, and run:latest gives it the run as it stands. Nobody
 * coming back within the grace cancels them, as a closed page always did.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RunService } from '../engine/service/run-service.js';
import type { RunEvent } from '../shared/run-event-info.js';
import type { WsServerMessage } from '../shared/ws-protocol.js';
import { hangingIo } from '../../test/unit/fake-io.js';
import { startRequest } from '../../test/unit/start-request.js';
import { startServe, type ServeHandle } from './serve-server.js';

const GRACE_MS = 400;
let handle: ServeHandle;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rd-reload-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Reset Doctor</title>');
  handle = await startServe({
    port: 0,
    host: '127.0.0.1',
    rendererDir: dir,
    reconnectGraceMs: GRACE_MS,
    service: (emit) =>
      new RunService(emit, { io: hangingIo(), capture: null, privileges: { raw: false, note: 'test' } }),
  });
});

afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page: its socket, every message it got, and calls answered by id. */
async function page() {
  const token = new URL(handle.url).searchParams.get('token')!;
  const ws = new WebSocket(`ws://127.0.0.1:${handle.port}/api?token=${token}`, {
    origin: `http://127.0.0.1:${handle.port}`,
  });
  const messages: WsServerMessage[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as WsServerMessage));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let id = 0;
  const call = async (channel: string, ...args: unknown[]) => {
    const mine = ++id;
    ws.send(JSON.stringify({ type: 'call', id: mine, channel, args }));
    for (let i = 0; i < 150; i++) {
      const m = messages.find((x) => x.type === 'result' && x.id === mine);
      if (m) return m as Extract<WsServerMessage, { type: 'result' }>;
      await sleep(20);
    }
    throw new Error(`no answer to ${channel}`);
  };
  const events = () => messages.flatMap((m) => (m.type === 'event' ? [m.event] : [])) as RunEvent[];
  const closed = () => new Promise((resolve) => (ws.once('close', resolve), ws.close()));
  return { ws, call, events, closed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('browser mode: a page that comes back', () => {
  it('takes its run over after a reload: the run goes on, and run:latest draws it as it stands', async () => {
    const first = await page();
    const started = await first.call('run:start', startRequest());
    const { runId } = (started as { result: { runId: string } }).result;
    await first.closed();
    const second = await page();
    const latest = (await second.call('run:latest')) as { ok: true; result: { events: RunEvent[] } };
    expect(latest.result.events[0]).toMatchObject({ type: 'run-started', runId });
    // Past the grace, the run is still going: the page that came back owns it now.
    await sleep(GRACE_MS * 2);
    expect(second.events().some((e) => e.type === 'run-finished')).toBe(false);
    expect(await second.call('run:cancel', runId)).toMatchObject({ ok: true, result: { cancelled: true } });
    for (let i = 0; i < 100 && !second.events().some((e) => e.type === 'run-finished'); i++) await sleep(20);
    expect(second.events().find((e) => e.type === 'run-finished')).toMatchObject({
      runId,
      report: { cancelled: true },
    });
    await second.closed();
  });

  it("cancels a closed page's run when no page comes back within the grace", async () => {
    const first = await page();
    const started = await first.call('run:start', startRequest());
    const { runId } = (started as { result: { runId: string } }).result;
    await first.closed();
    await sleep(GRACE_MS * 2);
    const later = await page();
    const latest = (await later.call('run:latest')) as { ok: true; result: { events: RunEvent[] } };
    expect(latest.result.events[0]).toMatchObject({ type: 'run-started', runId });
    expect(latest.result.events.at(-1)).toMatchObject({
      type: 'run-finished',
      runId,
      report: { cancelled: true },
    });
    await later.closed();
  });
});
