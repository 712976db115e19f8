import type {
  CauseId,
  Diagnosis,
  DiagnosisNote,
  EvidenceItem,
  Finding,
  Origin,
  Phase,
  SettleStep,
} from '../../shared/cause-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { RunResults } from '../runner/probe-types.js';
import { coverage, healthyVeto } from './causes/healthy.js';
import { CAUSES } from './causes/registry.js';
import { gatherFacts, type DiagnosisFacts } from './diagnosis-facts.js';
import { weigh, WEIGHT, type Weighed } from './hypothesis.js';
import { Observations } from './observation-types.js';
import { observe } from './observe.js';

/**
 * A verdict names one cause only when that cause's share of the odds is at least this, and its own
 * evidence adds up to more than one common observation. Otherwise the run says so: inconclusive.
 */
const CONCLUSIVE = 0.6;
const MIN_SCORE = WEIGHT.moderate;
/** Candidates of an inconclusive verdict: those within this factor of the leader's odds (e^1.6). */
const CANDIDATE_RATIO = 1 / 5;

export interface RunState {
  cancelled: boolean;
  /** Probes that did not finish. */
  unfinished: string[];
}

/** Turns what the probes found into the verdict: every cause weighed against every observation. */
export function diagnose(results: RunResults, target: TargetInfo, run?: RunState): Diagnosis {
  return diagnoseFacts(gatherFacts(results, target, run));
}

export function diagnoseFacts(facts: DiagnosisFacts): Diagnosis {
  return diagnoseObservations(new Observations(observe(facts)), notesOf(facts));
}

/**
 * The verdict from observations, wherever they come from: a diagnosis run's probes, or a watch's catches
 * (watch/watch-verdict.ts). The same causes weigh them, with the same thresholds.
 */
export function diagnoseObservations(all: Observations, notes: DiagnosisNote[]): Diagnosis {
  const weighed = CAUSES.map((h) => weigh(h, all)).sort((a, b) => b.score - a.score);
  const standing = weighed.filter((w) => w.vetoes.length === 0 && w.score > 0 && w.evidence.length > 0);
  const healthyVetoes = all.list.flatMap((o) => {
    const why = healthyVeto(o);
    return why ? [{ ...evidenceOf(o, why), rulesOut: true, weight: 0 }] : [];
  });
  // Odds of each standing cause, beside an unnamed "something else" at even odds (e^0).
  const odds = standing.map((w) => Math.exp(w.score));
  const total = odds.reduce((a, b) => a + b, 1);
  const ranked = standing.map((w, i) => ({ w, p: round(odds[i]! / total) }));
  const ruledOut = weighed
    .filter((w) => w.vetoes.length > 0 && w.evidence.length > 0)
    .map((w) => finding(w, 0, all));

  if (ranked.length === 0) {
    if (healthyVetoes.length === 0) {
      const c = coverage(all);
      const healthy: Finding = {
        cause: 'healthy',
        origin: 'unknown',
        phase: null,
        confidence: c.confidence,
        evidence: c.evidence.length ? c.evidence : [noFault()],
        against: [],
        remedies: HEALTHY_REMEDIES,
        settle: c.settle,
      };
      if (c.confidence >= CONCLUSIVE) return { verdict: 'healthy', findings: [healthy, ...ruledOut], notes };
      return inconclusive([{ f: healthy, p: c.confidence }], [], ruledOut, notes);
    }
    // Something failed and no cause explains it: say what failed and how to look again.
    const again = all.one('local-error') ? [LOCAL_STEP, REPEAT_STEP] : [REPEAT_STEP];
    return inconclusive([], healthyVetoes, ruledOut, notes, again);
  }
  const [lead] = ranked;
  if (lead!.p >= CONCLUSIVE && lead!.w.score >= MIN_SCORE) {
    const findings = ranked.map(({ w, p }) => finding(w, p, all));
    return { verdict: lead!.w.hypothesis.cause, findings: [...findings, ...ruledOut], notes };
  }
  const close = ranked.filter((r) => r.p >= lead!.p * CANDIDATE_RATIO).slice(0, 3);
  const candidates = close.map(({ w, p }) => ({ f: finding(w, p, all), p }));
  if (healthyVetoes.length === 0) {
    const c = coverage(all);
    candidates.push({
      f: {
        cause: 'healthy',
        origin: 'unknown',
        phase: null,
        confidence: round(1 / total),
        evidence: c.evidence,
        against: [],
        remedies: HEALTHY_REMEDIES,
        settle: c.settle,
      },
      p: round(1 / total),
    });
  }
  return inconclusive(candidates, [], ruledOut, notes);
}

/**
 * The verdict when the evidence cannot tell the leading causes apart (or saw a failure none explains,
 * or was cancelled first): the candidates, what they rest on, and what would settle it.
 */
function inconclusive(
  candidates: { f: Finding; p: number }[],
  unexplained: EvidenceItem[],
  ruledOut: Finding[],
  notes: DiagnosisNote[],
  extraSettle: SettleStep[] = [],
): Diagnosis {
  const settle = dedupe(
    [...candidates.flatMap((c) => c.f.settle), ...extraSettle],
    (s) => `${s.enables?.option ?? ''} ${s.text}`,
  );
  const evidence = dedupe(
    [...unexplained, ...candidates.flatMap((c) => c.f.evidence.slice(0, 2))],
    (e) => e.text,
  );
  const origins = new Set(candidates.filter((c) => c.f.cause !== 'healthy').map((c) => c.f.origin));
  const phases = new Set(candidates.filter((c) => c.f.cause !== 'healthy').map((c) => c.f.phase));
  const lead: Finding = {
    cause: 'inconclusive',
    origin: origins.size === 1 ? [...origins][0]! : ('unknown' as Origin),
    phase: phases.size === 1 ? ([...phases][0] as Phase | null) : null,
    confidence: candidates[0]?.p ?? 0,
    evidence: evidence.length ? evidence : [noFault()],
    against: [],
    // The steps to settle it are the first thing to do; the faces show them (worded for each, see
    // shared/next-step-words.ts) beside this one remedy, so they are not copied in here as bare text.
    remedies: [
      'Until it is settled: make the client retry idempotent requests with exponential backoff and jitter, and log each reset with its time and local port, so the next run can be compared with it.',
    ],
    settle,
    candidates: candidates.map((c) => c.f.cause) as CauseId[],
  };
  return { verdict: 'inconclusive', findings: [lead, ...candidates.map((c) => c.f), ...ruledOut], notes };
}

function finding(w: Weighed, confidence: number, all: Observations): Finding {
  const shape = w.hypothesis.shape(all, w.evidence);
  return {
    cause: w.hypothesis.cause,
    origin: shape.origin,
    phase: shape.phase,
    confidence,
    evidence: w.evidence,
    against: [...w.vetoes, ...w.against],
    remedies: shape.remedies,
    settle: shape.settle ?? [],
    ...(shape.hop !== undefined && shape.hop !== null ? { hop: shape.hop } : {}),
    ...(shape.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: shape.idleTimeoutSeconds } : {}),
    ...(shape.cutoffSeconds !== undefined ? { cutoffSeconds: shape.cutoffSeconds } : {}),
    ...(shape.intermittency ? { intermittency: shape.intermittency } : {}),
    ...(shape.direction ? { direction: shape.direction } : {}),
  };
}

const REPEAT_STEP: SettleStep = {
  kind: 'repeat',
  text: 'Run the diagnosis again to the end (and again when the failure happens): the observations above do not fit any cause on their own.',
};

const LOCAL_STEP: SettleStep = {
  kind: 'repeat',
  text: 'Fix the error this machine gave (quoted above with its errno: an IPv6 zone that names no interface, local ports or open files run out, a local rule), then run the diagnosis again: the connections it stopped measured nothing.',
};

const HEALTHY_REMEDIES = [
  'If the reset is intermittent, run the diagnosis again when it happens, with the idle test on, to test connections that sit idle.',
  'Make the client retry idempotent requests with exponential backoff and jitter, so a rare reset does not fail the operation.',
];

function noFault(): EvidenceItem {
  return { probe: 'request', kind: 'none', text: 'No probe found a fault.', figures: {}, weight: 0 };
}

function evidenceOf(
  o: { probe: string; kind: string; figures: EvidenceItem['figures']; connections?: string[] },
  text: string,
): EvidenceItem {
  return {
    probe: o.probe,
    kind: o.kind,
    text,
    figures: o.figures,
    weight: 0,
    ...(o.connections?.length ? { connections: o.connections } : {}),
  };
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(key(i)) && (seen.add(key(i)), true));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function notesOf(f: DiagnosisFacts): DiagnosisNote[] {
  const list: DiagnosisNote[] = [];
  const tls = f.request?.conversation.tls;
  if (tls?.certificateError) {
    list.push({
      topic: 'tls-certificate',
      text: `The server's certificate is not trusted: ${tls.certificateError}. Clients that verify it will fail before any reset.`,
    });
  }
  if (f.logs && (f.logs.counts.reset > 0 || f.logs.counts.crash > 0)) {
    list.push({
      topic: 'server-log',
      text: `The server log has ${f.logs.counts.reset} reset lines and ${f.logs.counts.crash} crash/restart lines (${f.logs.format}); see the Server logs step.`,
    });
  }
  if (!f.captured)
    list.push({
      topic: 'capture',
      text: 'Packets were not captured, so who sent a reset was not seen: a finding that depends on it says "unknown" or stays inconclusive.',
    });
  const slow = f.request?.conversation;
  if (slow?.outcome === 'complete' && (slow.firstByteMs ?? 0) >= 1000)
    list.push({
      topic: 'slow-answer',
      text: `The server took ${((slow.firstByteMs ?? 0) / 1000).toFixed(1)} s to answer: a client whose timeout is shorter gives up (and may reset the connection itself).`,
    });
  return list;
}
