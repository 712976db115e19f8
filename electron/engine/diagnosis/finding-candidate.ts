import type { CauseId, Finding, Origin, Phase } from '../../shared/cause-info.js';

export type Candidate = Omit<Finding, 'remedies'> & { remedies?: string[] };

export function candidate(
  cause: CauseId,
  origin: Origin,
  phase: Phase | null,
  confidence: number,
  evidence: string[],
  extra: Partial<Pick<Finding, 'idleTimeoutSeconds' | 'hop'>> & { remedies?: string[] } = {},
): Candidate {
  return {
    cause,
    origin,
    phase,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
    evidence,
    ...extra,
  };
}
