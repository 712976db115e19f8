import type {
  ProbeContext,
  ProbeDefinition,
  ProbeOutcome,
} from '../../electron/engine/runner/probe-types.js';
import type { RunEnvironment } from '../../electron/engine/runner/run-environment.js';

/**
 * A ProbeContext for probe specs: only the environment fields the probe reads, and the data earlier
 * probes "found", keyed by probe id.
 */
export function probeContext(env: Record<string, unknown>, data: Record<string, unknown> = {}): ProbeContext {
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    env: env as unknown as RunEnvironment,
    results: {
      get: () => undefined,
      data: <D>(probe: ProbeDefinition<D>): D | null => (data[probe.id] as D | undefined) ?? null,
    },
  };
}

/** The outcome, narrowed to complete; anything else fails the spec with the outcome shown. */
export function completed<D>(outcome: ProbeOutcome<D>): Extract<ProbeOutcome<D>, { status: 'complete' }> {
  if (outcome.status !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome;
}
