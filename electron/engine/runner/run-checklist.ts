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
 * One run of the checklist. Each step starts once the steps it reads from are done, so independent
 * steps run at the same time. Cancelling keeps everything already measured; unfinished steps are
 * reported with the reason. A step can be run again later, against what the rest of the run found.
 */
export class ChecklistRun {
  readonly runId: string;
  private readonly probeReports = new Map<string, ProbeReport>();
  private readonly stepReports = new Map<StepId, StepReport>();
  readonly results: RunResults = {
    get: <D>(probe: ProbeDefinition<D>) => this.probeReports.get(probe.id) as ProbeReport<D> | undefined,
    data: <D>(probe: ProbeDefinition<D>) => {
      const report = this.probeReports.get(probe.id) as ProbeReport<D> | undefined;
      return report?.status === 'complete' ? report.data : null;
    },
  };

  constructor(private readonly deps: Omit<ChecklistDeps, 'signal'>) {
    this.runId = deps.runId ?? randomUUID();
  }

  get steps(): StepReport[] {
    return this.deps.steps.flatMap((s) => this.stepReports.get(s.id) ?? []);
  }

  async runAll(signal: AbortSignal): Promise<ChecklistResult> {
    const { env, steps, emit } = this.deps;
    emit({
      type: 'run-started',
      runId: this.runId,
      at: new Date().toISOString(),
      target: env.options.target,
      plan: planOf(steps),
    });
    const done = new Map<StepId, Promise<void>>();
    const start = (step: StepDefinition): Promise<void> => {
      const existing = done.get(step.id);
      if (existing) return existing;
      const needs = steps.filter((s) => step.needs.includes(s.id));
      const promise = Promise.all(needs.map(start)).then(() =>
        this.runOne(step, signal).then(() => undefined),
      );
      done.set(step.id, promise);
      return promise;
    };
    await Promise.all(steps.map(start));
    return { runId: this.runId, steps: this.steps, results: this.results, cancelled: signal.aborted };
  }

  /** Runs one step again; its earlier probe results are replaced, the other steps' are read as they are. */
  async rerun(stepId: StepId, signal: AbortSignal): Promise<StepReport> {
    const step = this.deps.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`no step ${stepId} in this run`);
    for (const probe of step.probes) this.probeReports.delete(probe.id);
    return this.runOne(step, signal);
  }

  private async runOne(step: StepDefinition, signal: AbortSignal): Promise<StepReport> {
    const { env, emit } = this.deps;
    const report = await runStep(step, {
      runId: this.runId,
      env,
      emit,
      signal,
      results: this.results,
      probeReports: this.probeReports,
    });
    this.stepReports.set(step.id, report);
    return report;
  }
}

export function runChecklist(deps: ChecklistDeps): Promise<ChecklistResult> {
  return new ChecklistRun(deps).runAll(deps.signal);
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
    const reason = notSelected ? 'not among the steps this run was asked for' : 'the run was cancelled';
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
