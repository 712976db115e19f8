/**
 * Watches through the contract (watch:start, watch:stop, watch:get, watch:export), as the wizard calls
 * them over IPC or the WebSocket, on a fake capture stream: live events keyed by run id, a result kept
 * for the export, bad input refused in one line, and watches sharing the runs' places.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent, WatchEvent } from '../../shared/run-event-info.js';
import type { WatchResult } from '../../shared/watch-info.js';
import { fakeIo } from '../../../test/unit/fake-io.js';
import {
  fakeStream,
  targetPacket,
  watchDns,
  watchSystem,
  WATCHED_SERVER,
} from '../../../test/unit/watch-packets.js';
import { dispatch } from './api-dispatch.js';
import { MAX_RUNNING, RunService } from './run-service.js';

const hooks = { mode: 'browser' as const };

function service(
  packets = [40001, 40002].flatMap((p) => [
    targetPacket({ localPort: p, flags: 'SA' }),
    targetPacket({ localPort: p, flags: 'R', ttl: 63 }),
  ]),
) {
  const events: RunEvent[] = [];
  const { io } = fakeIo({});
  const s = new RunService((e) => events.push(e), {
    io,
    capture: null,
    privileges: { raw: true, note: '' },
    watch: { stream: fakeStream(packets).stream, dns: watchDns, system: watchSystem },
  });
  return { s, events };
}

function finished(
  events: RunEvent[],
  runId: string,
): Promise<Extract<WatchEvent, { type: 'watch-finished' }>> {
  return new Promise((resolve) => {
    const look = () => {
      const end = events.find((e) => e.type === 'watch-finished' && e.runId === runId);
      if (end) resolve(end as Extract<WatchEvent, { type: 'watch-finished' }>);
      else setTimeout(look, 20);
    };
    look();
  });
}

async function call(s: RunService, channel: string, ...args: unknown[]) {
  return dispatch(s, channel, args, hooks);
}

describe('watch through the contract', () => {
  it('sends each catch as it comes, then the result; keeps it for watch:get and the exports', async () => {
    const { s, events } = service();
    const started = await call(s, 'watch:start', {
      target: 'http://web.lab.test/',
      forSeconds: 30,
      until: 2,
      everySeconds: null,
    });
    expect(started.ok).toBe(true);
    const { runId } = (started as { result: { runId: string } }).result;
    const end = await finished(events, runId);
    expect(end.error).toBeNull();
    const types = events.filter((e) => e.runId === runId).map((e) => e.type);
    expect(types[0]).toBe('watch-started');
    expect(types.filter((t) => t === 'watch-catch')).toHaveLength(2);
    expect(types.at(-1)).toBe('watch-finished');
    const begun = events[0] as Extract<WatchEvent, { type: 'watch-started' }>;
    expect(begun).toMatchObject({ addresses: [WATCHED_SERVER], seenBy: 'capture' });
    const got = (await call(s, 'watch:get', runId)) as { ok: true; result: WatchResult };
    expect(got.result.stoppedBy).toBe('count');
    expect(got.result.catches.map((c) => c.verdict?.origin)).toEqual(['path', 'path']);
    expect(got.result.timeline.slices.length).toBeGreaterThan(0);
    const md = (await call(s, 'watch:export', runId, 'md')) as {
      ok: true;
      result: { kind: string; content: string; fileName: string };
    };
    expect(md.result.kind).toBe('content');
    expect(md.result.fileName).toMatch(/^reset-doctor-watch-web\.lab\.test-.*\.md$/);
    expect(md.result.content).toContain('## Resets caught');
    expect(md.result.content).toContain('sent by a device on the path (hop 2) (TTL 63, 1 router away)');
    const json = (await call(s, 'watch:export', runId, 'json')) as { ok: true; result: { content: string } };
    expect(JSON.parse(json.result.content)).toEqual(got.result);
    // The packets around each catch, as pcapng bytes in base64 (the fake capture gives no frames: the
    // file holds its header blocks only; the lab and e2e tests read real ones with tshark).
    const pcap = (await call(s, 'watch:export', runId, 'pcapng')) as {
      ok: true;
      result: { content: string; encoding: string; fileName: string; mime: string };
    };
    expect(pcap.result).toMatchObject({ encoding: 'base64', mime: 'application/x-pcapng' });
    expect(pcap.result.fileName).toMatch(/\.pcapng$/);
    expect(Buffer.from(pcap.result.content, 'base64').readUInt32LE(0)).toBe(0x0a0d0d0a);
    s.dispose();
  });

  it('watch:stop keeps what was caught', async () => {
    const { s, events } = service();
    const started = await call(s, 'watch:start', {
      target: `${WATCHED_SERVER}:80`,
      forSeconds: null,
      until: null,
      everySeconds: null,
    });
    const { runId } = (started as { result: { runId: string } }).result;
    while (events.filter((e) => e.type === 'watch-catch').length < 2)
      await new Promise((r) => setTimeout(r, 20));
    const before = await call(s, 'watch:export', runId, 'md');
    expect(before).toEqual({ ok: false, error: 'the watch has not finished yet: stop it first' });
    expect(await call(s, 'watch:stop', runId)).toEqual({ ok: true, result: { stopped: true } });
    const end = await finished(events, runId);
    expect(end.result).toMatchObject({ stoppedBy: 'cancelled', counts: { resets: 2 } });
    expect(await call(s, 'watch:stop', runId)).toEqual({ ok: true, result: { stopped: false } });
    s.dispose();
  });

  it('refuses what it cannot watch in one line, before taking a place', async () => {
    const { s } = service();
    const base = { target: 'http://web.lab.test/', forSeconds: 10, until: null, everySeconds: null };
    expect(await call(s, 'watch:start', { ...base, target: 'http://' })).toMatchObject({ ok: false });
    expect(await call(s, 'watch:start', { ...base, forSeconds: 0 })).toEqual({
      ok: false,
      error: 'refused: forSeconds must be 1..604800 or null',
    });
    expect(await call(s, 'watch:start', { ...base, until: 1.5 })).toEqual({
      ok: false,
      error: 'refused: until must be a whole number 1..1000000 or null',
    });
    expect(await call(s, 'watch:start', { ...base, everySeconds: '5' })).toMatchObject({ ok: false });
    expect(await call(s, 'watch:start', { ...base, pcap: '/tmp/x' })).toEqual({
      ok: false,
      error: 'refused: unexpected field pcap',
    });
    expect(await call(s, 'watch:export', 'not-a-run', 'md')).toMatchObject({ ok: false });
    expect(await call(s, 'watch:export', '00000000-0000-0000-0000-000000000000', 'pcapng')).toMatchObject({
      ok: false,
    });
    expect(await call(s, 'watch:get', '00000000-0000-0000-0000-000000000000')).toEqual({
      ok: true,
      result: null,
    });
    // Nothing above took a place: MAX_RUNNING watches still start.
    const ids: string[] = [];
    for (let i = 0; i < MAX_RUNNING; i++) {
      const r = await call(s, 'watch:start', { ...base, forSeconds: null });
      expect(r.ok).toBe(true);
      ids.push((r as { result: { runId: string } }).result.runId);
    }
    const busy = await call(s, 'watch:start', base);
    expect(busy).toMatchObject({ ok: false, error: expect.stringMatching(/^busy: /) });
    s.dispose();
  });

  it('a name that does not resolve ends the watch with one line, and frees its place', async () => {
    const events: RunEvent[] = [];
    const { io } = fakeIo({});
    const s = new RunService((e) => events.push(e), {
      io,
      capture: null,
      privileges: { raw: true, note: '' },
      watch: {
        stream: fakeStream([]).stream,
        dns: { lookup: () => Promise.resolve([]) },
        system: watchSystem,
      },
    });
    for (let i = 0; i <= MAX_RUNNING; i++) {
      const r = await call(s, 'watch:start', {
        target: 'gone.lab.test',
        forSeconds: 5,
        until: null,
        everySeconds: null,
      });
      expect(r.ok).toBe(true);
      const end = await finished(events, (r as { result: { runId: string } }).result.runId);
      expect(end).toMatchObject({ result: null, error: 'gone.lab.test: no address to watch' });
    }
    s.dispose();
  });
});
