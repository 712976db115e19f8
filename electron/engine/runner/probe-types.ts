import type { OptionHint } from '../../shared/cause-info.js';
import type { FailureInfo } from '../../shared/failure-info.js';
import type { ProbeReport } from '../../shared/report-info.js';
import type { Assessment } from '../../shared/step-info.js';
import type { RunEnvironment } from './run-environment.js';

export type ProbeOutcome<D> =
  | { status: 'complete'; summary: string; assessment: Assessment; data: D }
  /** `enables`: the run option that would make it run, worded by each face (the reason says only why). */
  | { status: 'skipped'; reason: string; enables?: OptionHint; data?: D }
  | { status: 'failed'; failure: FailureInfo; data?: D };

/** Read access to what earlier probes of this run found. */
export interface RunResults {
  get<D>(probe: ProbeDefinition<D>): ProbeReport<D> | undefined;
  /** The data of a probe that completed, or null. */
  data<D>(probe: ProbeDefinition<D>): D | null;
}

export interface ProbeContext {
  /** Aborted on cancel and when the step's time is up; every wait must honour it. */
  signal: AbortSignal;
  /** Live progress for the UI: a short message, how far (0..1) if known, and partial data. */
  progress(message: string, fraction?: number | null, partial?: unknown): void;
  env: RunEnvironment;
  results: RunResults;
}

/**
 * A probe measures one thing and knows nothing about how it is shown. It returns an explicit outcome;
 * a thrown error is caught by the runner and recorded as `failed` with the work other probes did kept.
 */
export interface ProbeDefinition<D> {
  id: string;
  title: string;
  run(ctx: ProbeContext): Promise<ProbeOutcome<D>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProbe = ProbeDefinition<any>;
