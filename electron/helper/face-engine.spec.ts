/**
 * A face's engine: the helper when it starts, the engine in-process when it cannot (the probes lose their
 * privileges, never the run), and the reason kept to be told.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RunService } from '../engine/service/run-service.js';
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
});
