import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/run-event-info.js';
import { fakeIo } from '../../../test/unit/fake-io.js';
import { RunService } from './run-service.js';

const request = {
  target: 'http://web.lab.test/',
  errorText: null,
  logFile: null,
  idleMaxSeconds: null,
  concurrency: 2,
  timeoutSeconds: 1,
};

async function until(events: RunEvent[], count: number) {
  for (let i = 0; i < 400 && events.filter((e) => e.type === 'run-finished').length < count; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('RunService', () => {
  it('runs, re-runs one step against the rest of the run, and exports', async () => {
    const events: RunEvent[] = [];
    const { io } = fakeIo({});
    const service = new RunService((e) => events.push(e), {
      io,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    const { runId } = await service.start(request);
    await until(events, 1);
    expect(service.report(runId)?.diagnosis.verdict).toBe('healthy');
    const before = events.length;
    expect(service.rerun(runId, 'application')).toEqual({ started: true });
    expect(service.rerun(runId, 'application')).toEqual({ started: false });
    await until(events, 2);
    const again = events.slice(before);
    const stepIds = new Set(again.flatMap((e) => (e.type === 'step-started' ? [e.stepId] : [])));
    expect([...stepIds]).toEqual(['application']);
    expect(again.at(-1)).toMatchObject({ type: 'run-finished', runId });
    const html = service.exportReport(runId, 'html');
    expect(html.fileName).toMatch(/^reset-doctor-web\.lab\.test-.*\.html$/);
    expect(html.content).toContain('data-verdict="healthy"');
    service.dispose();
  });

  it('cancels a run and says a bad target in one line', async () => {
    const { io } = fakeIo({});
    const service = new RunService(() => {}, { io, capture: null, privileges: { raw: false, note: '' } });
    await expect(service.start({ ...request, target: 'ftp://x' })).rejects.toThrow(/not supported/);
    const { runId } = await service.start(request);
    expect(service.cancel(runId)).toEqual({ cancelled: true });
    expect(() => service.exportReport('00000000-0000-4000-8000-000000000000', 'md')).toThrow(/not ready/);
    service.dispose();
  });
});
