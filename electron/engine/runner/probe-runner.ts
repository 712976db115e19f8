import type { FailureInfo } from '../../shared/failure-info.js';
import type { ProbeReport } from '../../shared/report-info.js';
import type { RunEvent } from '../../shared/run-event-info.js';
import type { StepId } from '../../shared/step-info.js';
import { NetError } from '../net/engine-io.js';
import { firstLine } from '../net/errno-failure.js';
import type { ProbeDefinition, ProbeOutcome, RunResults } from './probe-types.js';
import type { RunEnvironment } from './run-environment.js';

// A probe that ignores its signal still cannot hold the run: it gets this long after an abort.
const ABORT_GRACE_MS = 300;

export interface ProbeRunDeps {
  runId: string;
  stepId: StepId;
  env: RunEnvironment;
  results: RunResults;
  signal: AbortSignal;
  /** Why the signal was aborted, for the probes it cut short. */
  abortFailure: () => FailureInfo;
  emit: (event: RunEvent) => void;
  record: (report: ProbeReport) => void;
}

export async function runProbe<D>(probe: ProbeDefinition<D>, deps: ProbeRunDeps): Promise<ProbeReport<D>> {
  const { runId, stepId, env, emit } = deps;
  const started = env.now();
  emit({ type: 'probe-started', runId, stepId, probeId: probe.id, at: new Date().toISOString() });
  let lastProgress = 0;
  const progress = (message: string, fraction: number | null = null, partial: unknown = null) => {
    // Throttled so a fast probe cannot flood a slow UI; partial data is never dropped.
    const t = env.now();
    if (partial === null && t - lastProgress < 50) return;
    lastProgress = t;
    emit({ type: 'probe-progress', runId, stepId, probeId: probe.id, message, fraction, partial });
  };
  let outcome: ProbeOutcome<D>;
  try {
    outcome = await withAbort(probe.run({ signal: deps.signal, progress, env, results: deps.results }), deps);
  } catch (error) {
    outcome = { status: 'failed', failure: toFailure(error) };
  }
  if (outcome.status === 'failed' && outcome.failure.code === 'cancelled' && deps.signal.aborted) {
    outcome = { ...outcome, failure: deps.abortFailure() };
  }
  const report = toReport(probe, outcome, env.now() - started);
  deps.record(report);
  emit({ type: 'probe-finished', runId, stepId, probe: report });
  return report;
}

function withAbort<D>(work: Promise<ProbeOutcome<D>>, deps: ProbeRunDeps): Promise<ProbeOutcome<D>> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ status: 'failed', failure: deps.abortFailure() }), ABORT_GRACE_MS);
    };
    if (deps.signal.aborted) onAbort();
    else deps.signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      deps.signal.removeEventListener('abort', onAbort);
    });
  });
}

function toFailure(error: unknown): FailureInfo {
  if (error instanceof NetError) return error.failure;
  return { code: 'internal_error', message: `internal error: ${firstLine((error as Error)?.message)}` };
}

export function toReport<D>(
  probe: ProbeDefinition<D>,
  outcome: ProbeOutcome<D>,
  durationMs: number,
): ProbeReport<D> {
  const base = { id: probe.id, title: probe.title, durationMs: round(durationMs) };
  switch (outcome.status) {
    case 'complete':
      return {
        ...base,
        status: 'complete',
        summary: outcome.summary,
        assessment: outcome.assessment,
        data: outcome.data,
      };
    case 'skipped':
      return {
        ...base,
        status: 'skipped',
        summary: `Skipped: ${outcome.reason}`,
        skipReason: outcome.reason,
        ...(outcome.enables ? { enables: outcome.enables } : {}),
        data: outcome.data ?? null,
      };
    case 'failed':
      return {
        ...base,
        status: 'failed',
        summary: outcome.failure.message,
        failure: outcome.failure,
        data: outcome.data ?? null,
      };
  }
}

export function skippedReport(probe: ProbeDefinition<unknown>, reason: string): ProbeReport {
  return toReport(probe, { status: 'skipped', reason }, 0);
}

export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
