import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/run-event-info.js';
import { STEP_IDS } from '../../shared/step-info.js';
import { validateReport } from '../report/report-schema.js';
import type { EngineIo } from '../net/engine-io.js';
import { fakeIo, HANGING_DNS } from '../../../test/unit/fake-io.js';
import { ApiError, MAX_RUNNING, RunService } from './run-service.js';
import { startRequest } from '../../../test/unit/start-request.js';

const request = startRequest();

async function until(events: RunEvent[], count: number) {
  for (let i = 0; i < 400 && events.filter((e) => e.type === 'run-finished').length < count; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A service on fake I/O (every connection works) that collects its events. */
function service(events: RunEvent[] = []): RunService {
  const { io } = fakeIo({});
  return new RunService((e) => events.push(e), { io, capture: null, privileges: { raw: false, note: '' } });
}

/** Fake I/O whose DNS lookup waits until the run is cancelled, and that counts its ICMP closes. */
function hanging(): { io: EngineIo; closes: () => number } {
  const { io } = fakeIo({});
  let closes = 0;
  return {
    io: {
      ...io,
      icmp: { ...io.icmp!, close: () => void closes++ },
      dns: HANGING_DNS,
    },
    closes: () => closes,
  };
}

const BUSY = `busy: ${MAX_RUNNING} runs already in progress; wait for one to finish or cancel it`;

describe('RunService', () => {
  it('runs, re-runs one step against the rest of the run, and exports', async () => {
    const events: RunEvent[] = [];
    const runs = service(events);
    const { runId } = await runs.start(request);
    await until(events, 1);
    expect(runs.report(runId)?.diagnosis.verdict).toBe('healthy');
    const before = events.length;
    expect(runs.rerun(runId, 'application')).toEqual({ started: true });
    expect(runs.rerun(runId, 'application')).toEqual({ started: false });
    await until(events, 2);
    const again = events.slice(before);
    const stepIds = new Set(again.flatMap((e) => (e.type === 'step-started' ? [e.stepId] : [])));
    expect([...stepIds]).toEqual(['application']);
    expect(again.at(-1)).toMatchObject({ type: 'run-finished', runId });
    const html = await runs.exportReport(runId, 'html');
    expect(html.fileName).toMatch(/^reset-doctor-web\.lab\.test-.*\.html$/);
    expect(html.content).toContain('data-verdict="healthy"');
    runs.dispose();
  });

  it('records every option of the request in the report, and the reports list them', async () => {
    const events: RunEvent[] = [];
    const runs = service(events);
    const { target, ...options } = { ...request, rateMax: 15, waitSeconds: 12, repeat: 0, idleMaxSeconds: 5 };
    const { runId } = await runs.start({ target, ...options });
    await until(events, 1);
    const report = runs.report(runId)!;
    expect(report.options).toEqual({ ...options, steps: [...STEP_IDS] });
    expect(validateReport(report)).toEqual({ valid: true });
    const md = (await runs.exportReport(runId, 'md')).content;
    for (const line of [
      '- Idle test: up to 5 s',
      '- Concurrency: up to 2',
      '- New-connection rate: up to 15/s',
      '- Timeout: 1 s',
      '- Wait for a slow answer: 12 s',
      '- Repeated requests: off',
      `- Steps requested: ${STEP_IDS.join(', ')}`,
    ]) {
      expect(md).toContain(line);
    }
    expect((await runs.exportReport(runId, 'html')).content).toContain('New-connection rate');
    runs.dispose();
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a log that is not a regular file before the run, and stays free for the next one',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'run-service-'));
      try {
        const fifo = join(dir, 'log.fifo');
        execFileSync('mkfifo', [fifo]);
        const log = join(dir, 'error.log');
        writeFileSync(log, '2024/03/05 09:30:00 [info] 29#29: *1 client closed keepalive connection\n');
        const events: RunEvent[] = [];
        const runs = service(events);
        // More than libuv's four file threads: a FIFO opened for reading would hold one each, for good.
        for (let i = 0; i < 5; i++) {
          await expect(runs.start({ ...request, logFile: fifo })).rejects.toThrow(
            new ApiError(`log file ${fifo}: a FIFO (named pipe), not a regular file`),
          );
        }
        await expect(runs.start({ ...request, logFile: '/dev/zero' })).rejects.toThrow(
          'log file /dev/zero: a character device, not a regular file',
        );
        await expect(runs.start({ ...request, logFile: dir })).rejects.toThrow(
          `log file ${dir}: a directory, not a regular file`,
        );
        await expect(runs.start({ ...request, logFile: join(dir, 'missing.log') })).rejects.toThrow(
          `log file ${join(dir, 'missing.log')}: no such file`,
        );
        expect(events).toEqual([]);
        const { runId } = await runs.start({ ...request, logFile: log });
        await until(events, 1);
        const scan = runs
          .report(runId)
          ?.steps.flatMap((s) => s.probes)
          .find((p) => p.id === 'log-scan');
        expect(scan).toMatchObject({ status: 'complete' });
        runs.dispose();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    10_000,
  );

  it('cancels a run and says a bad target in one line', async () => {
    const runs = service();
    await expect(runs.start({ ...request, target: 'ftp://x' })).rejects.toThrow(/not supported/);
    const { runId } = await runs.start(request);
    expect(runs.cancel(runId)).toEqual({ cancelled: true });
    expect(() => runs.exportReport('00000000-0000-4000-8000-000000000000', 'md')).toThrow(/not ready/);
    runs.dispose();
  });

  it(`runs ${MAX_RUNNING} at once, answers "busy" past it, and a cancel frees a place`, async () => {
    const events: RunEvent[] = [];
    const runs = new RunService((e) => events.push(e), {
      io: hanging().io,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => runs.start(request)));
    const started = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.runId] : []));
    expect(started).toHaveLength(MAX_RUNNING);
    for (const o of outcomes.filter((x) => x.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ name: 'ApiError', message: BUSY });
    }
    expect(runs.cancel(started[0]!)).toEqual({ cancelled: true });
    await until(events, 1);
    await expect(runs.start(request)).resolves.toMatchObject({ runId: expect.any(String) });
    // A re-run takes a place too.
    await expect(runs.start(request)).rejects.toThrow(BUSY);
    expect(() => runs.rerun(started[0]!, 'application')).toThrow(BUSY);
    runs.dispose();
  });

  it("cancels an owner's runs and drops their sessions when the owner goes away", async () => {
    const events: RunEvent[] = [];
    const { io, closes } = hanging();
    const runs = new RunService((e) => events.push(e), {
      io,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    const owner = new AbortController();
    const { runId } = await runs.start(request, owner.signal);
    const other = await runs.start(request);
    owner.abort();
    await until(events, 1);
    expect(events.find((e) => e.type === 'run-finished')).toMatchObject({
      runId,
      report: { cancelled: true },
    });
    expect(closes()).toBe(1);
    expect(() => runs.rerun(runId, 'application')).toThrow(/no longer available/);
    expect(runs.cancel(other.runId)).toEqual({ cancelled: true });
    // An owner already gone starts nothing.
    await expect(runs.start(request, owner.signal)).rejects.toThrow(/closed/);
    runs.dispose();
  });

  it('closes the raw sockets when a run ends, and opens them again for a re-run', async () => {
    const events: RunEvent[] = [];
    const { io } = fakeIo({});
    let closes = 0;
    const counted: EngineIo = { ...io, icmp: { ...io.icmp!, close: () => void closes++ } };
    const runs = new RunService((e) => events.push(e), {
      io: counted,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    const { runId } = await runs.start(request);
    await until(events, 1);
    await new Promise((r) => setTimeout(r, 0));
    expect(closes).toBe(1);
    expect(runs.rerun(runId, 'connectivity')).toEqual({ started: true });
    await until(events, 2);
    await new Promise((r) => setTimeout(r, 0));
    expect(closes).toBe(2);
    expect(runs.report(runId)?.diagnosis.verdict).toBe('healthy');
    runs.dispose();
    expect(closes).toBe(2);
  });
});
