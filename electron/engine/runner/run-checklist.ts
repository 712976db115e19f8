import { randomUUID } from 'node:crypto';
import type { FailureInfo } from '../../shared/failure-info.js';
import type { ProbeReport, StepReport } from '../../shared/report-info.js';
import type { RunEvent, RunPlan } from '../../shared/run-event-info.js';
import { STEP_TITLES, type StepId } from '../../shared/step-info.js';
import { anySignal } from '../probes/probe-helpers.js';
import type { AnyProbe, ProbeDefinition, RunResults } from './probe-types.js';
import { round, runProbe, skippedReport } from './probe-runner.js';
import type { RunEnvironment } from './run-environment.js';
import { summarizeStep } from './step-status.js';
import type { StepDefinition } from './step-types.js';

export interface ChecklistResult {
  runId: string;
  steps: StepReport[];
  results: RunResults;
  cancelled: boolean;
}

export interface ChecklistDeps {
  env: RunEnvironment;
  steps: StepDefinition[];
  emit: (event: RunEvent) => void;
  signal: AbortSignal;
  runId?: string;
}

export function planOf(steps: StepDefinition[]): RunPlan {
  return {
    steps: steps.map((s) => ({
      id: s.id,
      title: STEP_TITLES[s.id],
      probes: s.probes.map((p) => ({ id: p.id, title: p.title })),
    })),
  };
}

/**
 * Runs the checklist: each step starts once the steps it reads from are done, so independent steps
 * run at the same time. Cancelling keeps everything already measured; unfinished steps are reported
 * with the reason.
 */
export async function runChecklist(deps: ChecklistDeps): Promise<ChecklistResult> {
  const { env, steps, emit, signal } = deps;
  const runId = deps.runId ?? randomUUID();
  const probeReports = new Map<string, ProbeReport>();
  const results: RunResults = {
    get: <D>(probe: ProbeDefinition<D>) => probeReports.get(probe.id) as ProbeReport<D> | undefined,
    data: <D>(probe: ProbeDefinition<D>) => {
      const report = probeReports.get(probe.id) as ProbeReport<D> | undefined;
      return report?.status === 'complete' ? report.data : null;
    },
  };
  emit({
    type: 'run-started',
    runId,
    at: new Date().toISOString(),
    target: env.options.target,
    plan: planOf(steps),
  });

  const reports = new Map<StepId, StepReport>();
  const done = new Map<StepId, Promise<void>>();
  const start = (step: StepDefinition): Promise<void> => {
    const existing = done.get(step.id);
    if (existing) return existing;
    const needs = steps.filter((s) => step.needs.includes(s.id));
    const promise = Promise.all(needs.map(start)).then(async () => {
      reports.set(step.id, await runStep(step, { runId, env, emit, signal, results, probeReports }));
    });
    done.set(step.id, promise);
    return promise;
  };
  await Promise.all(steps.map(start));
  return { runId, steps: steps.map((s) => reports.get(s.id)!), results, cancelled: signal.aborted };
}

interface StepRunDeps {
  runId: string;
  env: RunEnvironment;
  emit: (event: RunEvent) => void;
  signal: AbortSignal;
  results: RunResults;
  probeReports: Map<string, ProbeReport>;
}

async function runStep(step: StepDefinition, deps: StepRunDeps): Promise<StepReport> {
  const { runId, env, emit, results, probeReports } = deps;
  const started = env.now();
  const own: ProbeReport[] = [];
  const record = (report: ProbeReport) => {
    probeReports.set(report.id, report);
    own.push(report);
  };
  emit({ type: 'step-started', runId, stepId: step.id, at: new Date().toISOString() });

  const notSelected = !env.options.steps.includes(step.id);
  if (notSelected || deps.signal.aborted) {
    const reason = notSelected ? 'not selected (--steps)' : 'the run was cancelled';
    for (const probe of step.probes) record(skippedReport(probe, reason));
  } else {
    const timeoutMs = step.timeoutMs(env.options);
    const signal = anySignal(deps.signal, AbortSignal.timeout(timeoutMs));
    const abortFailure = (): FailureInfo =>
      deps.signal.aborted
        ? { code: 'cancelled', message: 'cancelled' }
        : {
            code: 'generic_timeout',
            message: `the step ran out of time (${(timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0)} s)`,
          };
    const probeDeps = { runId, stepId: step.id, env, results, signal, abortFailure, emit, record };
    try {
      await step.run({
        signal,
        env,
        results,
        probe: (probe) => runProbe(probe, probeDeps),
        skip: (probe: AnyProbe, reason: string) => record(skippedReport(probe, reason)),
      });
    } catch (error) {
      // A step's own logic failing must not lose what its probes found.
      own.push({
        id: `${step.id}-error`,
        title: 'Step error',
        status: 'failed',
        durationMs: 0,
        summary: `internal error: ${(error as Error).message}`,
        failure: { code: 'internal_error', message: (error as Error).message },
        data: null,
      });
    }
    const reason = signal.aborted ? abortFailure().message : 'not needed for this target';
    for (const probe of step.probes) {
      if (!own.some((r) => r.id === probe.id)) record(skippedReport(probe, reason));
    }
  }
  const ordered = orderLike(own, step.probes);
  const { status, summary } = summarizeStep(ordered);
  const report: StepReport = {
    id: step.id,
    title: STEP_TITLES[step.id],
    status,
    durationMs: round(env.now() - started),
    summary,
    probes: ordered,
  };
  emit({ type: 'step-finished', runId, step: report });
  return report;
}

function orderLike(reports: ProbeReport[], probes: AnyProbe[]): ProbeReport[] {
  const index = (id: string) => {
    const i = probes.findIndex((p) => p.id === id);
    return i === -1 ? probes.length : i;
  };
  return [...reports].sort((a, b) => index(a.id) - index(b.id));
}
