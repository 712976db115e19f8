import type { ProbeReport } from '../../shared/report-info.js';
import type { StepId } from '../../shared/step-info.js';
import type { AnyProbe, ProbeDefinition, RunResults } from './probe-types.js';
import type { RunEnvironment, RunOptions } from './run-environment.js';

export interface StepContext {
  signal: AbortSignal;
  env: RunEnvironment;
  results: RunResults;
  /** Runs one probe: events, timing and error capture are the runner's job. */
  probe<D>(probe: ProbeDefinition<D>): Promise<ProbeReport<D>>;
  /** Records a declared probe as skipped, with the reason a person reads. */
  skip(probe: AnyProbe, reason: string): void;
}

/**
 * One checklist step. It declares its probes up front (so a UI can show them pending) and the steps
 * whose results it reads; the runner starts it as soon as those are done, in parallel with others.
 */
export interface StepDefinition {
  id: StepId;
  needs: StepId[];
  probes: AnyProbe[];
  timeoutMs(options: RunOptions): number;
  run(step: StepContext): Promise<void>;
}
