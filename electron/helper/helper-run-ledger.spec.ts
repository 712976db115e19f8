/**
 * A run whose engine helper dies mid-run still ends: the parent rebuilds its report from the events it
 * had seen, with the same evidence model, and says why it ended. The events here come from a real run of
 * the service on replayed I/O, cut where a helper could die.
 */
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../shared/run-event-info.js';
import type { Report } from '../shared/report-info.js';
import { validateReport } from '../engine/report/report-schema.js';
import { RunService } from '../engine/service/run-service.js';
import { fakeIo } from '../../test/unit/fake-io.js';
import { startRequest } from '../../test/unit/start-request.js';
import { HelperRunLedger } from './helper-run-ledger.js';
import { helperCalls } from './helper-calls.js';

const DIED = 'the engine helper was stopped by SIGKILL';
const PRIVILEGES = { raw: true, note: 'Raw sockets allowed (CAP_NET_RAW).' };

/** The events of one whole run on replayed I/O (a healthy server), in order. */
async function wholeRun(): Promise<{ events: RunEvent[]; runId: string }> {
  const events: RunEvent[] = [];
  const { io } = fakeIo({});
  const service = new RunService((e) => events.push(e), { io, capture: null, privileges: PRIVILEGES });
  const { runId } = await service.start(startRequest());
  for (let i = 0; i < 500 && !events.some((e) => e.type === 'run-finished'); i++)
    await new Promise((r) => setTimeout(r, 10));
  service.dispose();
  return { events, runId };
}

function cutAfter(events: RunEvent[], finishedSteps: number): RunEvent[] {
  let seen = 0;
  const end = events.findIndex((e) => e.type === 'step-finished' && ++seen === finishedSteps);
  return events.slice(0, end + 1);
}

describe('HelperRunLedger', () => {
  it('ends a run its helper left, with what was measured and why it ended', async () => {
    const { events, runId } = await wholeRun();
    const finished = events.find(
      (e): e is Extract<RunEvent, { type: 'run-finished' }> => e.type === 'run-finished',
    )!;
    expect(finished.report.diagnosis.verdict).toBe('healthy');

    const ledger = new HelperRunLedger();
    const seen = cutAfter(events, 2);
    for (const event of seen) ledger.follow(event);
    ledger.started(runId, startRequest({ repeat: 7 }));
    const ended = ledger.helperStopped(DIED, PRIVILEGES);

    expect(ended).toHaveLength(1);
    const report = (ended[0] as { report: Report }).report;
    expect(ended[0]).toMatchObject({ type: 'run-finished', runId });
    expect(validateReport(report)).toEqual({ valid: true });
    expect(report.cancelled).toBe(true);
    expect(report.options.repeat).toBe(7);
    expect(report.environment).toMatchObject({ privileged: true });
    expect(report.diagnosis.notes[0]?.text).toContain(`The run ended early: ${DIED}`);
    // What finished is kept as it was; what never ran says why.
    const kept = seen.flatMap((e) => (e.type === 'step-finished' ? [e.step] : []));
    for (const step of kept) expect(report.steps.find((s) => s.id === step.id)).toEqual(step);
    const notRun = report.steps.flatMap((s) => s.probes).filter((p) => p.skipReason?.includes(DIED));
    expect(notRun.length).toBeGreaterThan(0);
    // A run cut short cannot vouch for a healthy connection it did not finish testing.
    expect(report.diagnosis.verdict).not.toBe('healthy');

    // Its report is answered by the parent from now on, export included.
    const calls = helperCalls({ call: () => Promise.resolve({ ok: false, error: DIED }) }, ledger);
    expect(await calls('report:get', [runId], { mode: 'browser' })).toEqual({ ok: true, result: report });
    const exported = await calls('report:export', [runId, 'md', false], { mode: 'browser' });
    expect(exported).toMatchObject({ ok: true, result: { fileName: expect.stringMatching(/\.md$/) } });
    expect(await calls('app:info', [], { mode: 'browser' })).toEqual({ ok: false, error: DIED });
  });

  it('leaves finished runs alone and forgets them', async () => {
    const { events } = await wholeRun();
    const ledger = new HelperRunLedger();
    for (const event of events) ledger.follow(event);
    expect(ledger.helperStopped(DIED, PRIVILEGES)).toEqual([]);
  });

  it('never guesses a run it cannot rebuild (a target that no longer parses)', () => {
    const ledger = new HelperRunLedger();
    ledger.follow({
      type: 'run-started',
      runId: 'r1',
      at: new Date().toISOString(),
      target: '::::',
      plan: { steps: [] },
    });
    expect(ledger.helperStopped(DIED, PRIVILEGES)).toEqual([]);
    expect(ledger.report('r1')).toBeNull();
  });
});
