import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/run-event-info.js';
import { STEP_IDS } from '../../shared/step-info.js';
import type { ProbeDefinition } from './probe-types.js';
import type { RunEnvironment } from './run-environment.js';
import { runChecklist } from './run-checklist.js';
import type { StepDefinition } from './step-types.js';

const env = {
  options: { steps: [...STEP_IDS], timeoutSeconds: 1 },
  now: () => performance.now(),
} as unknown as RunEnvironment;

const quick: ProbeDefinition<{ n: number }> = {
  id: 'quick',
  title: 'Quick',
  run: async () => ({ status: 'complete', summary: 'done', assessment: 'ok', data: { n: 1 } }),
};

const politeWait: ProbeDefinition<null> = {
  id: 'polite',
  title: 'Waits for its signal',
  run: ({ signal }) =>
    new Promise((resolve) =>
      signal.addEventListener('abort', () =>
        resolve({ status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } }),
      ),
    ),
};

const deaf: ProbeDefinition<null> = {
  id: 'deaf',
  title: 'Ignores its signal',
  run: () => new Promise(() => {}),
};

const throwing: ProbeDefinition<null> = {
  id: 'throwing',
  title: 'Throws',
  run: async () => {
    throw new Error('boom\n    at somewhere (file.ts:1:1)');
  },
};

function step(probes: ProbeDefinition<unknown>[], timeoutMs: number): StepDefinition {
  return {
    id: 'connectivity',
    needs: [],
    probes,
    timeoutMs: () => timeoutMs,
    run: async (s) => {
      await Promise.all(probes.map((p) => s.probe(p)));
    },
  };
}

async function run(steps: StepDefinition[], signal = new AbortController().signal) {
  const events: RunEvent[] = [];
  const result = await runChecklist({ env, steps, emit: (e) => events.push(e), signal });
  return { result, events, probes: result.steps[0]!.probes };
}

describe('runChecklist', () => {
  it('bounds a step by its timeout and keeps what finished in time', async () => {
    const started = performance.now();
    const { probes, result } = await run([step([quick, politeWait], 150)]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(probes.find((p) => p.id === 'quick')).toMatchObject({ status: 'complete', data: { n: 1 } });
    expect(probes.find((p) => p.id === 'polite')).toMatchObject({
      status: 'failed',
      failure: {
        code: 'generic_timeout',
        message: expect.stringMatching(/^the step ran out of time \(0\.\d s\)$/),
      },
    });
    expect(result.steps[0]!.status).toBe('error');
  });

  it('does not wait forever for a probe that ignores its signal', async () => {
    const { probes } = await run([step([deaf], 100)]);
    expect(probes[0]).toMatchObject({ status: 'failed', failure: { code: 'generic_timeout' } });
  });

  it('records a thrown error as a failed probe with one line, and the other probes still count', async () => {
    const { probes, result } = await run([step([throwing, quick], 1000)]);
    expect(probes.find((p) => p.id === 'throwing')).toMatchObject({
      status: 'failed',
      summary: 'internal error: boom',
      failure: { code: 'internal_error' },
    });
    expect(result.results.data(quick)).toEqual({ n: 1 });
  });

  it('reports cancellation as cancelled, not as a timeout', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { probes, result } = await run([step([politeWait], 10_000)], controller.signal);
    expect(result.cancelled).toBe(true);
    expect(probes[0]).toMatchObject({ status: 'failed', failure: { code: 'cancelled' } });
  });

  it('runs a step only after the steps it needs', async () => {
    const order: string[] = [];
    const mark = (id: string): ProbeDefinition<null> => ({
      id,
      title: id,
      run: async () => {
        order.push(id);
        await new Promise((r) => setTimeout(r, 20));
        return { status: 'complete', summary: id, assessment: 'ok', data: null };
      },
    });
    const first: StepDefinition = { ...step([mark('a')], 1000), id: 'connectivity' };
    const second: StepDefinition = { ...step([mark('b')], 1000), id: 'handshake', needs: ['connectivity'] };
    const { events } = await run([second, first]);
    expect(order).toEqual(['a', 'b']);
    expect(
      events.filter((e) => e.type === 'step-finished').map((e) => e.type === 'step-finished' && e.step.id),
    ).toEqual(['connectivity', 'handshake']);
  });
});
