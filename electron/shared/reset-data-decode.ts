import { ORIGINS, type Origin } from './cause-info.js';
import {
  decodeEach,
  fieldsOf,
  isFiniteNumber,
  isNumberOrNull,
  isStringOrNull,
  numberOrNull,
  oneOf,
  stringOrNull,
} from './data-guards.js';
import type { ConnectionRead } from './probe-data-decode.js';
import type {
  ReplayAttempt,
  ResetHopData,
  ResetOriginData,
  ResetSignal,
  ResetVerdict,
  SignalVote,
} from './reset-data-info.js';

// The reset verdicts and the hop replays as the wizard and the exported reports read them, under the
// same rules as probe-data-decode.ts: the exact shape or null, the items of a list that fit, never a
// throw. A word this version does not know (a signal's name, a replay's outcome) is kept as it is: the
// words of reset-words.ts show unknown ones as they are.

// ── Who sent each reset ───────────────────────────────────────────────────────────────────────────────

/** One of a verdict's signals as the faces read it. */
export interface SignalRead extends Omit<ResetSignal, 'name' | 'weight'> {
  name: string;
  weight: number | null;
}

/** A judged reset as the faces read it: only the origin is required, for older reports give little else. */
export interface ResetRead extends Pick<ResetVerdict, 'origin'> {
  connection: ResetVerdict['connection'] | null;
  /** Null in reports older than connection ids: the verdict is then joined to no connection. */
  connectionId: ResetVerdict['connectionId'] | null;
  hop: number | null;
  ttl: number | null;
  reason: string | null;
  /** Every signal's vote; empty in older reports. */
  signals: SignalRead[];
  /** Share of the signals' weight behind the origin, 0..1; null in older reports. */
  confidence: number | null;
}

const VOTE_WORDS: Record<SignalVote, true> = { server: true, path: true, neutral: true };
const isVote = oneOf(VOTE_WORDS);
/** The code words the decoders accept besides the report schema's: data, not prose (see redaction). */
export const RESET_DATA_WORDS: readonly string[] = [...Object.keys(VOTE_WORDS), ...ORIGINS];
const isOrigin = (value: unknown): value is Origin => (ORIGINS as readonly unknown[]).includes(value);

function decodeSignal(value: unknown): SignalRead | null {
  const s = fieldsOf<ResetSignal>(value);
  if (!s || typeof s.name !== 'string' || !isVote(s.vote) || typeof s.detail !== 'string') return null;
  return { name: s.name, vote: s.vote, weight: numberOrNull(s.weight), detail: s.detail };
}

function decodeReset(value: unknown): ResetRead | null {
  const r = fieldsOf<ResetVerdict>(value);
  if (!r || !isOrigin(r.origin)) return null;
  const confidence = numberOrNull(r.confidence);
  return {
    connection: stringOrNull(r.connection),
    connectionId: stringOrNull(r.connectionId),
    origin: r.origin,
    hop: numberOrNull(r.hop),
    ttl: numberOrNull(r.ttl),
    reason: stringOrNull(r.reason),
    signals: decodeEach(r.signals, decodeSignal) ?? [],
    confidence: confidence !== null && confidence >= 0 && confidence <= 1 ? confidence : null,
  };
}

/** ResetOriginData.resets; verdicts without a known origin are left out. */
export function decodeResets(data: unknown): ResetRead[] | null {
  return decodeEach(fieldsOf<ResetOriginData>(data)?.resets, decodeReset);
}

/** Whether a verdict is about this connection: joined by the connection's id, never by its label. */
export function isResetOf(
  reset: Pick<ResetRead, 'connectionId'>,
  connection: Pick<ConnectionRead, 'id'>,
): boolean {
  return reset.connectionId !== null && reset.connectionId === connection.id;
}

// ── Which hop resets ──────────────────────────────────────────────────────────────────────────────────

/** One TTL-limited replay as the faces read it. */
export interface ReplayAttemptRead extends Pick<ReplayAttempt, 'ttl' | 'from' | 'rstTtl'> {
  payload: string;
  outcome: string;
  ms: number | null;
}

/** The reset-hop result as the faces read it. */
export interface ResetHopRead extends Pick<
  ResetHopData,
  | 'connection'
  | 'triggerText'
  | 'lastPassingTtl'
  | 'firstResetTtl'
  | 'hop'
  | 'hopAddress'
  | 'exact'
  | 'reason'
> {
  /** By TTL; replays of another shape are left out. */
  attempts: ReplayAttemptRead[];
  controlOutcome: string | null;
  verdict: string;
}

function decodeAttempt(value: unknown): ReplayAttemptRead | null {
  const a = fieldsOf<ReplayAttempt>(value);
  if (
    !a ||
    !isFiniteNumber(a.ttl) ||
    typeof a.payload !== 'string' ||
    typeof a.outcome !== 'string' ||
    !isStringOrNull(a.from) ||
    !isNumberOrNull(a.rstTtl)
  )
    return null;
  return {
    ttl: a.ttl,
    payload: a.payload,
    outcome: a.outcome,
    from: a.from,
    rstTtl: a.rstTtl,
    ms: numberOrNull(a.ms),
  };
}

/** ResetHopData, when every field the faces show has its shape. */
export function decodeResetHop(data: unknown): ResetHopRead | null {
  const d = fieldsOf<ResetHopData>(data);
  const attempts = decodeEach(d?.attempts, decodeAttempt);
  if (
    !d ||
    !attempts ||
    typeof d.connection !== 'string' ||
    typeof d.triggerText !== 'string' ||
    !isNumberOrNull(d.lastPassingTtl) ||
    !isNumberOrNull(d.firstResetTtl) ||
    !isStringOrNull(d.controlOutcome) ||
    !isNumberOrNull(d.hop) ||
    !isStringOrNull(d.hopAddress) ||
    typeof d.verdict !== 'string' ||
    typeof d.reason !== 'string'
  )
    return null;
  return {
    connection: d.connection,
    triggerText: d.triggerText,
    attempts: attempts.sort((a, b) => a.ttl - b.ttl),
    lastPassingTtl: d.lastPassingTtl,
    firstResetTtl: d.firstResetTtl,
    controlOutcome: d.controlOutcome,
    // Hop 0 would be this machine: a located hop is a router, 1 or more.
    hop: d.hop !== null && d.hop >= 1 ? Math.round(d.hop) : null,
    hopAddress: d.hopAddress,
    exact: d.exact !== false,
    verdict: d.verdict,
    reason: d.reason,
  };
}
