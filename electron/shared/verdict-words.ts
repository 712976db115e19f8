import type { Diagnosis, Finding } from './cause-info.js';
import { decodeHops } from './probe-data-decode.js';
import { probeDataOf, type Report, type StepReport } from './report-info.js';
import { decodeResetHop } from './reset-data-decode.js';
import type { Assessment } from './step-info.js';

// The verdict's finding, and how a probe's line reads beside it: shared by the wizard and the reports.

/** The finding that backs the verdict: the most confident one with the verdict's cause. */
export function leadFinding(diagnosis: Pick<Diagnosis, 'verdict' | 'findings'>): Finding | null {
  return diagnosis.findings
    .filter((f) => f.cause === diagnosis.verdict)
    .reduce<Finding | null>((best, f) => (best && best.confidence >= f.confidence ? best : f), null);
}

/** What a face shows of a probe: the engine's report of it, or the wizard's state of it. */
export interface ProbeLine {
  id: string;
  status: string;
  summary: string | null;
  assessment?: Assessment | null;
  data?: unknown;
}

/**
 * A probe's summary and assessment beside the verdict. A probe runs before the verdict and judges its own
 * measurement only: a traceroute that reached the server is fine as a traceroute, but "OK" beside a
 * verdict that blames hop 3 of that very path reads as a contradiction. Its line then names the blamed
 * hop and is a warning, not OK. Every other probe reads as it was reported.
 */
export function besideVerdict<P extends ProbeLine>(
  probe: P,
  lead: Finding | null,
): { summary: P['summary']; assessment: Assessment | null } {
  const as = { summary: probe.summary, assessment: probe.assessment ?? null };
  const hop = lead?.origin === 'path' ? (lead.hop ?? null) : null;
  if (probe.id !== 'traceroute' || probe.status !== 'complete' || hop === null) return as;
  const address = decodeHops(probe.data)?.find((h) => h.ttl === hop)?.address ?? null;
  const blamed = `hop ${hop}${address ? ` (${address})` : ''} is the one the verdict blames`;
  return {
    summary: as.summary ? `${as.summary}; ${blamed}` : `${blamed.charAt(0).toUpperCase()}${blamed.slice(1)}.`,
    assessment: as.assessment === 'ok' ? 'warn' : as.assessment,
  };
}

/** A report's steps with each probe's line as it reads beside the verdict (besideVerdict), for the exports. */
export function stepsBesideVerdict(steps: StepReport[], lead: Finding | null): StepReport[] {
  return steps.map((step) => ({
    ...step,
    probes: step.probes.map((probe) => {
      // besideVerdict keeps a probe without an assessment without one.
      const shown = besideVerdict(probe, lead);
      return {
        ...probe,
        summary: shown.summary,
        ...(shown.assessment ? { assessment: shown.assessment } : {}),
      };
    }),
  }));
}

/** A hop's address: where the reset-hop replays placed the device, else the traceroute's; null when unseen. */
export function hopAddressOf(report: Pick<Report, 'steps'>, hop: number): string | null {
  const replayed = decodeResetHop(probeDataOf(report, 'reset-hop'));
  if (replayed?.hop === hop && replayed.hopAddress) return replayed.hopAddress;
  return decodeHops(probeDataOf(report, 'traceroute'))?.find((h) => h.ttl === hop)?.address ?? null;
}

/** ", address 198.51.100.1" after a finding's origin when it blames a hop whose address was seen; else "". */
export function blamedAddressWords(report: Pick<Report, 'steps'>, finding: Finding | null): string {
  if (finding?.origin !== 'path' || finding.hop === undefined || finding.hop === null) return '';
  const address = hopAddressOf(report, finding.hop);
  return address ? `, address ${address}` : '';
}
