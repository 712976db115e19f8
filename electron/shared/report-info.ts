import type { Diagnosis, OptionHint } from './cause-info.js';
import type { FailureInfo } from './failure-info.js';
import type { Assessment, ProbeStatus, StepId, StepStatus } from './step-info.js';
import type { TargetScheme } from './target-info.js';
import type { RunOptionsInfo } from './run-options-info.js';

// The options' type comes from their table (run-options-info.ts); re-exported where the report lives.
export type { RunOptionsInfo };

export const REPORT_SCHEMA_ID = 'reset-doctor/report@2';

export interface ProbeReport<D = unknown> {
  id: string;
  title: string;
  status: ProbeStatus;
  durationMs: number;
  /** One line for people: what was measured, or why it did not run. */
  summary: string;
  /** What the data says, for complete probes. */
  assessment?: Assessment;
  /** Why the probe was skipped (its words name no face's way of setting an option: see `enables`). */
  skipReason?: string;
  /** The run option that makes a skipped probe run; each face words it (shared/next-step-words.ts). */
  enables?: OptionHint;
  failure?: FailureInfo;
  data: D | null;
}

export interface StepReport {
  id: StepId;
  title: string;
  status: StepStatus;
  durationMs: number;
  summary: string;
  probes: ProbeReport[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA_ID;
  tool: { name: string; version: string };
  target: { input: string; scheme: TargetScheme; host: string; port: number; addresses: string[] };
  startedAt: string;
  finishedAt: string;
  cancelled: boolean;
  environment: {
    platform: string;
    privileged: boolean;
    /** How raw-socket probes were made possible, or how to grant the privilege. */
    privilegeNote: string;
    nodeVersion: string;
  };
  options: RunOptionsInfo;
  steps: StepReport[];
  diagnosis: Diagnosis;
}

/** A probe's data in a report, by probe id, when it completed; null otherwise (skipped, failed, absent). */
export function probeDataOf(report: Pick<Report, 'steps'>, id: string): unknown {
  for (const step of report.steps)
    for (const probe of step.probes) if (probe.id === id && probe.status === 'complete') return probe.data;
  return null;
}
