/** The checklist's steps, in the order a person walks them. Ids are part of the report format. */
export const STEP_IDS = [
  'identify',
  'connectivity',
  'server-logs',
  'firewall',
  'application',
  'handshake',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_TITLES: Record<StepId, string> = {
  identify: 'Identify the application',
  connectivity: 'Network connectivity',
  'server-logs': 'Server logs',
  firewall: 'Firewall and security',
  application: 'Application errors',
  handshake: 'TCP handshake',
};

export type StepStatus = 'pending' | 'running' | 'pass' | 'warn' | 'fail' | 'skipped' | 'error';

/** A probe's own lifecycle, as in Trippy: every probe says where it is and, if it did not run, why. */
export type ProbeStatus = 'pending' | 'running' | 'complete' | 'skipped' | 'failed';

/** What the probe's data says about the connection (only for complete probes). */
export type Assessment = 'ok' | 'warn' | 'fail';

export function isStepId(value: string): value is StepId {
  return (STEP_IDS as readonly string[]).includes(value);
}
