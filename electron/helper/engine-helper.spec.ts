/**
 * The engine helper: its protocol in-process (hello, calls, refusals, the end of its stdin), and as a real
 * child process of an EngineHelper (calls, events, cancellation, a helper that dies mid-run and the run
 * the face sees end with what was measured, one that cannot start). Real runs go to a closed port on loopback only.
 */
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HelperMessage } from '../shared/helper-protocol.js';
import { HELPER_MAX_LINE_BYTES } from '../shared/helper-protocol.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { RunService } from '../engine/service/run-service.js';
import { fakeIo } from '../../test/unit/fake-io.js';
import { startRequest } from '../../test/unit/start-request.js';
import { runHelper } from './engine-helper.js';
import { EngineHelper, type HelperExit } from './helper-client.js';
import { startHelperEngine } from './helper-calls.js';

const MAIN = fileURLToPath(new URL('./engine-helper-main.ts', import.meta.url));
/** Loopback, a port nobody listens on: the run's packets never leave this machine. */
const LOOPBACK_TARGET = 'http://127.0.0.1:9/';

function inProcess() {
  const input = new PassThrough();
  const output = new PassThrough();
  const lines: HelperMessage[] = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) lines.push(JSON.parse(part) as HelperMessage);
  });
  const { io } = fakeIo({});
  const done = runHelper({ input, output }, (emit) => {
    return new RunService(emit, {
      io,
      capture: null,
      privileges: { raw: false, note: 'no raw sockets (test)' },
    });
  });
  const until = async (test: (lines: HelperMessage[]) => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !test(lines); i++) await new Promise((r) => setTimeout(r, 10));
    expect(test(lines)).toBe(true);
  };
  return { input, lines, done, until };
}

describe('engine helper protocol', () => {
  it('says hello, answers calls by id, refuses what is not a call, and returns when its stdin ends', async () => {
    const { input, lines, done, until } = inProcess();
    input.write('{"type":"call","id":1,"channel":"app:info","args":[]}\n');
    input.write('not json\n\n');
    input.write('{"type":"call","id":2,"channel":"shell:exec","args":["rm -rf /"]}\n');
    input.write(`${'x'.repeat(HELPER_MAX_LINE_BYTES + 10)}\n`);
    input.write('{"type":"call","id":3,"channel":"target:check","args":["web.lab.test"]}\n');
    await until((l) => l.filter((m) => m.type === 'result').length === 3);
    expect(lines[0]).toMatchObject({
      type: 'hello',
      privileged: false,
      privilegeNote: 'no raw sockets (test)',
    });
    const results = lines.filter((m) => m.type === 'result');
    expect(results.find((m) => m.id === 1)).toMatchObject({ ok: true, result: { privileged: false } });
    expect(results.find((m) => m.id === 2)).toMatchObject({
      ok: false,
      error: 'refused: unknown call shell:exec',
    });
    expect(results.find((m) => m.id === 3)).toMatchObject({ ok: true });
    // The long line is refused unread, at once; the others once parsed.
    const refused = lines.filter((m) => m.type === 'refused').map((m) => m.reason);
    expect(refused.sort()).toEqual([`a line over ${HELPER_MAX_LINE_BYTES} bytes`, 'not JSON']);
    input.end();
    await done;
  });

  it('sends the events of a run it was asked to start', async () => {
    const { input, lines, done, until } = inProcess();
    input.write(`${JSON.stringify({ type: 'call', id: 1, channel: 'run:start', args: [startRequest()] })}\n`);
    await until((l) => l.some((m) => m.type === 'event' && m.event.type === 'run-finished'));
    const types = lines.flatMap((m) => (m.type === 'event' ? [m.event.type] : []));
    expect(types[0]).toBe('run-started');
    expect(types).toContain('probe-finished');
    input.end();
    await done;
  });
});

describe('EngineHelper: the helper as a child process', () => {
  function start(onExit?: (exit: HelperExit) => void) {
    const events: RunEvent[] = [];
    const helper = new EngineHelper({
      command: process.execPath,
      args: ['--import', 'tsx', MAIN],
      onEvent: (event) => events.push(event),
      ...(onExit ? { onExit } : {}),
    });
    const until = async (test: () => boolean, ms = 15_000): Promise<void> => {
      for (let waited = 0; waited < ms && !test(); waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(test()).toBe(true);
    };
    return { helper, events, until };
  }

  it('answers calls, streams a run, cancels it, and stops when asked', async () => {
    const { helper, events, until } = start();
    const hello = await helper.hello;
    expect(hello.pid).toBe(helper.pid);
    expect(await helper.call('app:info', [])).toMatchObject({
      ok: true,
      result: { version: expect.any(String) },
    });
    const started = await helper.call('run:start', [startRequest({ target: LOOPBACK_TARGET })]);
    expect(started).toMatchObject({ ok: true, result: { runId: expect.any(String) } });
    const runId = (started as { ok: true; result: { runId: string } }).result.runId;
    await until(() => events.some((e) => e.type === 'run-started'));
    expect(await helper.call('run:cancel', [runId])).toMatchObject({ ok: true });
    await until(() => events.some((e) => e.type === 'run-finished' && e.runId === runId));
    const exit = await helper.stop();
    expect(exit).toMatchObject({ code: 0, unfinishedRuns: [] });
    expect(await helper.call('app:info', [])).toEqual({ ok: false, error: exit.reason });
  }, 30_000);

  it('answers pending calls and names the unfinished run when the helper dies mid-run', async () => {
    let exited: HelperExit | null = null;
    const { helper, events, until } = start((exit) => (exited = exit));
    await helper.hello;
    const started = await helper.call('run:start', [
      startRequest({ target: LOOPBACK_TARGET, idleMaxSeconds: 30 }),
    ]);
    const runId = (started as { ok: true; result: { runId: string } }).result.runId;
    await until(() => events.some((e) => e.type === 'run-started'));
    const pending = helper.call('report:get', [runId]);
    process.kill(helper.pid!, 'SIGKILL');
    const answer = await pending;
    await until(() => exited !== null);
    expect(exited).toMatchObject({ signal: 'SIGKILL', unfinishedRuns: [runId] });
    expect(exited!.reason).toMatch(/^the engine helper was stopped by SIGKILL/);
    // Answered before it died, or told it died: never left hanging.
    expect(answer.ok || answer.error === exited!.reason).toBe(true);
  }, 30_000);

  it("ends the face's run with what was measured when the helper dies mid-run", async () => {
    const events: RunEvent[] = [];
    let exited: HelperExit | null = null;
    const engine = startHelperEngine(
      { command: process.execPath, args: ['--import', 'tsx', MAIN] },
      (event) => events.push(event),
      (exit) => (exited = exit),
    );
    const hello = await engine.hello;
    const started = await engine.calls(
      'run:start',
      [startRequest({ target: LOOPBACK_TARGET, idleMaxSeconds: 30 })],
      { mode: 'browser' },
    );
    const runId = (started as { ok: true; result: { runId: string } }).result.runId;
    const until = async (test: () => boolean): Promise<void> => {
      for (let waited = 0; waited < 15_000 && !test(); waited += 20)
        await new Promise((r) => setTimeout(r, 20));
      expect(test()).toBe(true);
    };
    await until(() => events.some((e) => e.type === 'probe-finished'));
    process.kill(hello.pid, 'SIGKILL');
    await until(() => exited !== null);
    const finished = events.find((e) => e.type === 'run-finished' && e.runId === runId);
    expect(finished).toBeDefined();
    const report = (finished as Extract<RunEvent, { type: 'run-finished' }>).report;
    expect(report.cancelled).toBe(true);
    expect(report.diagnosis.notes[0]?.text).toContain(exited!.reason);
    expect(await engine.calls('report:get', [runId], { mode: 'browser' })).toEqual({
      ok: true,
      result: report,
    });
  }, 30_000);

  it('says why when the helper cannot start', async () => {
    const broken = new EngineHelper({
      command: '/nonexistent/reset-doctor-helper',
      args: [],
      onEvent: () => undefined,
    });
    await expect(broken.hello).rejects.toThrow(/could not start/);
    const answer = await broken.call('app:info', []);
    expect(answer).toMatchObject({ ok: false, error: expect.stringMatching(/could not start/) });
  });
});
