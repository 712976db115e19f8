import type { Diagnosis } from './cause-info.js';
import type { FailureInfo } from './failure-info.js';
import type { Assessment, ProbeStatus, StepId, StepStatus } from './step-info.js';
import type { TargetScheme } from './target-info.js';

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
  /** Why the probe was skipped, and how to make it run. */
  skipReason?: string;
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

export interface RunOptionsInfo {
  errorText: string | null;
  logFile: string | null;
  idleMaxSeconds: number | null;
  concurrency: number;
  /** Bound on new connections per second for the rate probe (0 turns it off); absent: the default. */
  rateMax?: number;
  timeoutSeconds: number;
  /** How long the request waits for an answer the server acknowledged; absent: the default. */
  waitSeconds?: number;
  /** How many more times the request is sent to measure how often it fails; absent: the default. */
  repeat?: number;
  steps: StepId[];
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
