import type { ProbeReport } from '../../shared/report-info.js';
import type { StepStatus } from '../../shared/step-info.js';

/** A step's status and one-line summary follow from its probes; nothing else decides them. */
export function summarizeStep(probes: ProbeReport[]): { status: StepStatus; summary: string } {
  const ran = probes.filter((p) => p.status !== 'skipped');
  if (ran.length === 0) {
    return { status: 'skipped', summary: probes[0]?.skipReason ?? 'Nothing to check' };
  }
  const failing = ran.filter((p) => p.status === 'complete' && p.assessment === 'fail');
  const broken = ran.filter((p) => p.status === 'failed');
  const warning = ran.filter((p) => p.status === 'complete' && p.assessment === 'warn');
  if (failing.length > 0) return { status: 'fail', summary: failing.map((p) => p.summary).join('; ') };
  if (broken.length > 0)
    return { status: 'error', summary: broken.map((p) => `${p.title}: ${p.summary}`).join('; ') };
  if (warning.length > 0) return { status: 'warn', summary: warning.map((p) => p.summary).join('; ') };
  return { status: 'pass', summary: ran.map((p) => p.summary).join('; ') };
}
