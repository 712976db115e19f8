import type {
  CauseId,
  EvidenceFigure,
  EvidenceItem,
  Finding,
  Origin,
  Phase,
  SettleStep,
} from '../../shared/cause-info.js';
import type { RunOptionKey } from '../../shared/run-options-info.js';
import type { Observation, Observations } from './observation-types.js';

/**
 * How much one observation counts, in natural-log odds: a weight of 3 makes a cause about twenty times
 * likelier than it was. One scale for every cause, so the observations, not the rules, make confidence.
 * - decisive: the observation names the cause (a DNS error, a local rule the kernel enforced);
 * - strong: an independent measurement that few other causes produce (a captured RST's sender, a
 *   consistent cut-off, a server that stopped accepting);
 * - moderate: what the cause predicts, and one or two others too (a refused SYN, a reset of the request);
 * - weak: consistent with the cause, but common (a lost packet, a 5xx);
 * - hint: a corroborating detail.
 */
export const WEIGHT = { decisive: 4, strong: 3, moderate: 2, weak: 1, hint: 0.5 } as const;

/** One observation as it bears on one cause: supports (weight > 0), speaks against (< 0), or rules it out. */
export type Judgement =
  { weight: number; text?: string; figures?: Record<string, EvidenceFigure> } | { veto: string };

export const supports = (weight: number, text?: string): Judgement => ({ weight, ...(text ? { text } : {}) });
export const against = (weight: number, text?: string): Judgement => ({
  weight: -weight,
  ...(text ? { text } : {}),
});
export const veto = (text: string): Judgement => ({ veto: text });

/** What a finding says beyond its evidence: who, when, the measured figures, what to do and to settle it. */
export interface FindingShape {
  origin: Origin;
  phase: Phase | null;
  remedies: string[];
  settle?: SettleStep[];
  hop?: number | null;
  idleTimeoutSeconds?: number;
  cutoffSeconds?: number;
  intermittency?: Finding['intermittency'];
  direction?: Finding['direction'];
}

/**
 * A cause as a hypothesis: how each observation bears on it, and what it says once it stands. A cause
 * knows nothing of the others; the diagnosis weighs them all against the same observations.
 */
export interface CauseHypothesis {
  cause: Exclude<CauseId, 'healthy' | 'inconclusive'>;
  judge(o: Observation, all: Observations): Judgement | null;
  /** Called only when the cause has support; `evidence` are its supporting observations. */
  shape(all: Observations, evidence: EvidenceItem[]): FindingShape;
}

/** A cause weighed against every observation. */
export interface Weighed {
  hypothesis: CauseHypothesis;
  /** Sum of the weights: the log odds of the cause. */
  score: number;
  evidence: EvidenceItem[];
  against: EvidenceItem[];
  /** Observations that rule it out; a vetoed cause cannot be the verdict. */
  vetoes: EvidenceItem[];
}

export function weigh(h: CauseHypothesis, all: Observations): Weighed {
  const evidence: EvidenceItem[] = [];
  const opposing: EvidenceItem[] = [];
  const vetoes: EvidenceItem[] = [];
  for (const o of all.list) {
    const j = h.judge(o, all);
    if (j === null) continue;
    if ('veto' in j) {
      vetoes.push({ ...item(o, j.veto, {}, 0), rulesOut: true });
      continue;
    }
    if (j.weight === 0) continue;
    const it = item(o, j.text ?? o.text, j.figures ?? {}, round(j.weight));
    (j.weight > 0 ? evidence : opposing).push(it);
  }
  evidence.sort((a, b) => b.weight - a.weight);
  opposing.sort((a, b) => a.weight - b.weight);
  const score = [...evidence, ...opposing].reduce((n, e) => n + e.weight, 0);
  return { hypothesis: h, score: round(score), evidence, against: opposing, vetoes };
}

function item(
  o: Observation,
  text: string,
  figures: Record<string, EvidenceFigure>,
  weight: number,
): EvidenceItem {
  return {
    probe: o.probe,
    kind: o.kind,
    text,
    figures: { ...o.figures, ...figures },
    weight,
    ...(o.connections?.length ? { connections: o.connections } : {}),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The privilege that would show who sent a reset, as a step to settle a question. */
export const CAPTURE_STEP: SettleStep = {
  kind: 'privilege',
  text: 'Run with raw-socket privileges (as root, or with CAP_NET_RAW): the captured reset shows who sent it, by its TTL against the server’s own packets and the other signals, and a reset from the path is then located hop by hop.',
};

/**
 * A settle step that sets a run option: the option and its value as data, the reason as text. Each
 * face words the setting itself (shared/next-step-words.ts), so the CLI names the flag and the wizard
 * the field on its start page.
 */
export function optionStep(key: RunOptionKey, value: number | string | null, why: string): SettleStep {
  return {
    kind: key === 'logFile' ? 'log' : 'option',
    enables: { option: key, ...(value !== null ? { value } : {}) },
    text: why,
  };
}
