import { decodeEach, fieldsOf, isFiniteNumber, isNumberOrNull, oneOf } from './data-guards.js';
import type { IdleResult, IdleSearchInfo, IdleTrialInfo, RateStep } from './probe-data-info.js';

// The data of the two longest waits, the idle search and the rate ramp, as their pictures read it (the
// wizard's and the HTML export's). As in probe-data-decode.ts: checked shapes or null, never a throw.

const IDLE_RESULT_WORDS: Record<IdleResult, true> = {
  survived: true,
  'closed-by-peer': true,
  'reset-on-send': true,
  'no-answer': true,
  failed: true,
  stopped: true,
};
const isIdleResult = oneOf(IDLE_RESULT_WORDS);

/** The code words these decoders accept: data, not prose, to code that rewrites text (redaction). */
export const WAIT_DATA_WORDS: readonly string[] = [...Object.keys(IDLE_RESULT_WORDS), 'server', 'path'];

function decodeTrial(value: unknown): IdleTrialInfo | null {
  const t = fieldsOf<IdleTrialInfo>(value);
  if (
    !t ||
    !isFiniteNumber(t.round) ||
    !isFiniteNumber(t.gapSeconds) ||
    t.gapSeconds < 0 ||
    !isIdleResult(t.result) ||
    !isNumberOrNull(t.closedAfterSeconds) ||
    !isNumberOrNull(t.idleSeconds)
  )
    return null;
  return {
    round: t.round,
    gapSeconds: t.gapSeconds,
    result: t.result,
    closedAfterSeconds: t.closedAfterSeconds,
    idleSeconds: t.idleSeconds,
  };
}

/** The idle search, when it ran: its trials and the bracket it narrowed to. */
export function decodeIdleSearch(data: unknown): IdleSearchInfo | null {
  const d = fieldsOf<IdleSearchInfo>(data);
  if (
    !d ||
    !isFiniteNumber(d.maxSeconds) ||
    d.maxSeconds <= 0 ||
    !isNumberOrNull(d.lowerSeconds) ||
    !isNumberOrNull(d.upperSeconds) ||
    !isNumberOrNull(d.idleTimeoutSeconds) ||
    !isNumberOrNull(d.precisionSeconds)
  )
    return null;
  const trials = decodeEach(d.trials, decodeTrial);
  if (!trials || trials.length === 0) return null;
  return {
    maxSeconds: d.maxSeconds,
    trials,
    lowerSeconds: d.lowerSeconds,
    upperSeconds: d.upperSeconds,
    idleTimeoutSeconds: d.idleTimeoutSeconds,
    precisionSeconds: d.precisionSeconds,
    side: d.side === 'server' || d.side === 'path' ? d.side : null,
  };
}

export interface RateRampRead {
  steps: RateStep[];
  /** The rate at which the first new connection was refused or reset; null when none was. */
  failingRate: number | null;
}

function decodeStep(value: unknown): RateStep | null {
  const s = fieldsOf<RateStep>(value);
  const counts = [s?.attempts, s?.established, s?.refused, s?.reset, s?.timedOut];
  if (!s || !isFiniteNumber(s.rate) || !counts.every((n) => isFiniteNumber(n) && n >= 0)) return null;
  const [attempts, established, refused, reset, timedOut] = counts as number[];
  return {
    rate: s.rate,
    attempts: attempts!,
    established: established!,
    refused: refused!,
    reset: reset!,
    timedOut: timedOut!,
  };
}

/** The rate ramp, when it ran: each rate and what its new connections met. */
export function decodeRateRamp(data: unknown): RateRampRead | null {
  const d = fieldsOf<RateRampRead>(data);
  const steps = decodeEach(d?.steps, decodeStep);
  if (!d || !steps || steps.length === 0 || !isNumberOrNull(d.failingRate)) return null;
  return { steps, failingRate: d.failingRate };
}
