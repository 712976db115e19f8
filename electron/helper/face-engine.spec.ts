/**
 * A face's engine: the helper when it starts, the engine in-process when it cannot (the probes lose their
 * privileges, never the run), and the reason kept to be told.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunService } from '../engine/service/run-service.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { startRequest } from '../../test/unit/start-request.js';
import { fakeIo } from '../../test/unit/fake-io.js';
import { startFaceEngine } from './face-engine.js';

const MAIN = fileURLToPath(new URL('./engine-helper-main.ts', import.meta.url));
const hooks = { mode: 'browser' as const };

describe('startFaceEngine', () => {
  it('sends the calls to the helper when it starts', async () => {
    const engine = await startFaceEngine(
      { helper: { command: process.execPath, args: ['--import', 'tsx', MAIN] } },
      () => undefined,
    );
    try {
      expect(engine.helper).toMatchObject({ hello: { pid: expect.any(Number) } });
      const pid = (engine.helper as { hello: { pid: number } }).hello.pid;
      expect(pid).not.toBe(process.pid);
      expect(await engine.calls('app:info', [], hooks)).toMatchObject({
        ok: true,
        result: { mode: 'browser' },
      });
    } finally {
      await engine.dispose();
    }
  }, 20_000);

  it('runs the engine here, and says why, when the helper cannot start', async () => {
    const { io } = fakeIo({});
    const engine = await startFaceEngine(
      {
        helper: { command: '/nonexistent/reset-doctor-helper', args: [] },
        service: (emit) =>
          new RunService(emit, { io, capture: null, privileges: { raw: false, note: 'test' } }),
      },
      () => undefined,
    );
    try {
      expect(engine.helper).toEqual({ problem: expect.stringMatching(/^the engine helper could not start/) });
      expect(await engine.calls('app:info', [], hooks)).toMatchObject({
        ok: true,
        result: { privileged: false },
      });
    } finally {
      await engine.dispose();
    }
  });

  it('runs the engine here when no helper is asked for', async () => {
    const { io } = fakeIo({});
    const engine = await startFaceEngine(
      {
        service: (emit) =>
          new RunService(emit, { io, capture: null, privileges: { raw: true, note: 'test' } }),
      },
      () => undefined,
    );
    expect(engine.helper).toBeNull();
    expect(await engine.calls('app:info', [], hooks)).toMatchObject({
      ok: true,
      result: { privileged: true },
    });
    await engine.dispose();
  });

  it('keeps each run that ends in its history folder, answers history:* itself, and exports a kept run', async () => {
    const { io } = fakeIo({});
    const dir = mkdtempSync(join(tmpdir(), 'rd-face-history-'));
    const events: RunEvent[] = [];
    const engine = await startFaceEngine(
      {
        historyDir: join(dir, 'history'),
        service: (emit) =>
          new RunService(emit, { io, capture: null, privileges: { raw: false, note: 'test' } }),
      },
      (event) => events.push(event),
    );
    try {
      const started = await engine.calls('run:start', [startRequest()], hooks);
      const runId = (started as { ok: true; result: { runId: string } }).result.runId;
      for (let i = 0; i < 200 && !events.some((e) => e.type === 'run-finished'); i++)
        await new Promise((r) => setTimeout(r, 25));
      expect(await engine.calls('history:list', [], hooks)).toMatchObject({
        ok: true,
        result: {
          entries: [{ id: runId, kind: 'diagnosis', verdict: 'healthy', target: 'http://web.lab.test/' }],
          problems: [],
        },
      });
      const kept = await engine.calls('history:get', [runId], hooks);
      expect(kept).toMatchObject({ ok: true, result: { report: { diagnosis: { verdict: 'healthy' } } } });
      expect(await engine.calls('history:export', [runId, 'md', true], hooks)).toMatchObject({
        ok: true,
        result: { kind: 'content', mime: 'text/markdown', fileName: expect.stringContaining('redacted') },
      });
      expect(await engine.calls('history:get', ['not-an-id'], hooks)).toEqual({
        ok: false,
        error: 'refused: history:get takes a run id',
      });
      expect(
        await engine.calls('history:export', ['00000000-0000-4000-8000-000000000000', 'md'], hooks),
      ).toEqual({ ok: false, error: 'that run is no longer kept' });
    } finally {
      await engine.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers report:summary from the engine while it holds the run, then from the kept report', async () => {
    const { io } = fakeIo({});
    const dir = mkdtempSync(join(tmpdir(), 'rd-face-summary-'));
    const face = (events: RunEvent[]) =>
      startFaceEngine(
        {
          historyDir: join(dir, 'history'),
          service: (emit) =>
            new RunService(emit, { io, capture: null, privileges: { raw: false, note: 'test' } }),
        },
        (event) => events.push(event),
      );
    try {
      const events: RunEvent[] = [];
      const first = await face(events);
      const started = await first.calls('run:start', [startRequest()], hooks);
      const runId = (started as { ok: true; result: { runId: string } }).result.runId;
      for (let i = 0; i < 200 && !events.some((e) => e.type === 'run-finished'); i++)
        await new Promise((r) => setTimeout(r, 25));
      const live = await first.calls('report:summary', [runId], hooks);
      expect(live).toMatchObject({ ok: true, result: { markdown: expect.stringContaining('## In short') } });
      // history:list answers once the run is saved.
      await first.calls('history:list', [], hooks);
      await first.dispose();
      // Another face on the same folder: the engine there never saw the run, the history kept it.
      const second = await face([]);
      const kept = (await second.calls('report:summary', [runId, true], hooks)) as {
        ok: true;
        result: { markdown: string };
      };
      expect(kept.result.markdown).toMatch(/^# Reset Doctor report: http:\/\/\\<host-1>\//);
      expect(await second.calls('report:summary', ['00000000-0000-4000-8000-000000000000'], hooks)).toEqual({
        ok: false,
        error: expect.stringContaining('not ready'),
      });
      await second.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps nothing, and says so, where no history folder is given', async () => {
    const { io } = fakeIo({});
    const engine = await startFaceEngine(
      {
        service: (emit) => new RunService(emit, { io, capture: null, privileges: { raw: false, note: 't' } }),
      },
      () => undefined,
    );
    expect(await engine.calls('history:list', [], hooks)).toEqual({
      ok: true,
      result: { entries: [], problems: [] },
    });
    expect(await engine.calls('history:get', ['00000000-0000-4000-8000-000000000000'], hooks)).toEqual({
      ok: true,
      result: null,
    });
    await engine.dispose();
  });
});
