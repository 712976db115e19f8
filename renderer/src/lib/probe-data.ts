import type { Origin } from '../../../electron/shared/cause-info.js';
import { ORIGINS } from '../../../electron/shared/cause-info.js';

/*
 * The parts of the probes' data the pictures read. Probe data reaches the renderer as `unknown` JSON (a
 * report may come from another version of the tool), so every reader checks the exact shape it needs and
 * returns null otherwise: a picture is then left out, nothing breaks. The engine's own types
 * (TracerouteData, PingData, PacketCaptureData, ResetOriginData, ResetHopData in electron/engine/probes) are the
 * source; renderer/dev/probe-data-compat.ts checks at compile time that they still fit these views.
 */

/** One hop of TracerouteData.hops. */
export interface HopView {
  ttl: number;
  address: string | null;
  rttMs: number | null;
  lossPercent: number;
}

/** One entry of PacketCaptureData.connections[].timeline. */
export interface TimelineEntryView {
  at: number;
  /** 'idle' marks a silence that starts at `at` and lasts `ms` (newer reports only). */
  direction: 'sent' | 'received' | 'event' | 'idle';
  what: string;
  /** syn, syn-ack, ack, data, fin, rst, client-hello, request, event, idle (newer reports only). */
  kind?: string;
  bytes?: number;
  ms?: number;
  ttl?: number | null;
}

/** PacketCaptureData.connections[].end: how the connection ended (newer reports only). */
export interface ConnectionEndView {
  how: string;
  at: number;
  afterMs: number;
  from: string | null;
  ttl: number | null;
  captured: boolean;
}

/** One of PacketCaptureData.connections. */
export interface ConnectionView {
  connection: string;
  /** address:port of the server end, as the probe connected to it (null in older reports). */
  peer: string | null;
  outcome: string;
  phase: string;
  timeline: TimelineEntryView[];
  /** Where the connection was when it ended, read from the timeline; null in older reports. */
  endPhase: string | null;
  end: ConnectionEndView | null;
  bytesSent: number | null;
  bytesReceived: number | null;
  /** "reset after 8,192 bytes of the response (transfer), 0.4 ms after the last data"; null in older reports. */
  afterWhat: string | null;
}

/** One of ResetVerdict.signals: a reason to believe who sent the reset. Names may be new to this view. */
export interface SignalView {
  name: string;
  vote: 'server' | 'path' | 'neutral';
  weight: number | null;
  detail: string;
}

/** One of ResetOriginData.resets (a ResetVerdict); only origin is required. */
export interface ResetView {
  connection: string | null;
  origin: Origin;
  hop: number | null;
  ttl: number | null;
  reason: string | null;
  /** Every signal's vote; empty in older reports. */
  signals: SignalView[];
  /** Share of the signals' weight behind the origin, 0..1; null in older reports. */
  confidence: number | null;
}

/** One of ResetHopData.attempts: a TTL-limited replay and what it met. */
export interface ReplayAttemptView {
  ttl: number;
  payload: string;
  outcome: string;
  from: string | null;
  rstTtl: number | null;
  ms: number | null;
}

/** ResetHopData: which hop resets, from replays of the triggering bytes with increasing TTL. */
export interface ResetHopView {
  connection: string;
  triggerText: string;
  attempts: ReplayAttemptView[];
  lastPassingTtl: number | null;
  firstResetTtl: number | null;
  controlOutcome: string | null;
  hop: number | null;
  hopAddress: string | null;
  /** False when only the replay placed it (no usable RST TTL): the device is at or just after `hop`. */
  exact: boolean;
  verdict: string;
  reason: string;
}

/** A traceroute answer as it arrives: probe-progress `partial` of probe 'traceroute'. */
export interface HopPartial {
  ttl: number;
  from: string | null;
  rttMs: number | null;
}

/** A ping answer as it arrives: probe-progress `partial` of probe 'ping' (rttMs null: lost). */
export interface PingPartial {
  seq: number;
  rttMs: number | null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || isFiniteNumber(value);
}

function isHop(value: unknown): value is HopView {
  return (
    isRecord(value) &&
    isFiniteNumber(value.ttl) &&
    (value.address === null || typeof value.address === 'string') &&
    isNumberOrNull(value.rttMs) &&
    isFiniteNumber(value.lossPercent)
  );
}

export function readHops(data: unknown): HopView[] | null {
  if (!isRecord(data) || !Array.isArray(data.hops) || data.hops.length === 0) return null;
  if (!data.hops.every(isHop)) return null;
  return data.hops.map(({ ttl, address, rttMs, lossPercent }) => ({ ttl, address, rttMs, lossPercent }));
}

export function readRtts(data: unknown): (number | null)[] | null {
  if (!isRecord(data) || !Array.isArray(data.rttsMs) || data.rttsMs.length === 0) return null;
  const rtts: unknown[] = data.rttsMs;
  return rtts.every(isNumberOrNull) ? (rtts as (number | null)[]) : null;
}

export function readHopPartial(partial: unknown): HopPartial | null {
  if (!isRecord(partial) || !isFiniteNumber(partial.ttl) || partial.ttl < 1) return null;
  const from = typeof partial.from === 'string' ? partial.from : null;
  const rttMs = isFiniteNumber(partial.rttMs) ? partial.rttMs : null;
  return { ttl: Math.round(partial.ttl), from, rttMs };
}

export function readPingPartial(partial: unknown): PingPartial | null {
  if (!isRecord(partial) || !isFiniteNumber(partial.seq) || partial.seq < 0 || partial.seq > 10_000)
    return null;
  return { seq: Math.round(partial.seq), rttMs: isFiniteNumber(partial.rttMs) ? partial.rttMs : null };
}

function isStringOrNull(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function isTimelineEntry(value: unknown): value is TimelineEntryView {
  return (
    isRecord(value) &&
    isFiniteNumber(value.at) &&
    (value.direction === 'sent' ||
      value.direction === 'received' ||
      value.direction === 'event' ||
      (value.direction === 'idle' && isFiniteNumber(value.ms))) &&
    typeof value.what === 'string' &&
    (value.kind === undefined || typeof value.kind === 'string') &&
    (value.bytes === undefined || isFiniteNumber(value.bytes)) &&
    (value.ttl === undefined || isNumberOrNull(value.ttl))
  );
}

function readEnd(value: unknown): ConnectionEndView | null {
  if (
    !isRecord(value) ||
    typeof value.how !== 'string' ||
    !isFiniteNumber(value.at) ||
    !isFiniteNumber(value.afterMs) ||
    !isStringOrNull(value.from) ||
    !isNumberOrNull(value.ttl) ||
    typeof value.captured !== 'boolean'
  )
    return null;
  return {
    how: value.how,
    at: value.at,
    afterMs: value.afterMs,
    from: value.from,
    ttl: value.ttl,
    captured: value.captured,
  };
}

export function readConnections(data: unknown): ConnectionView[] | null {
  if (!isRecord(data) || !Array.isArray(data.connections)) return null;
  const connections: ConnectionView[] = [];
  for (const c of data.connections as unknown[]) {
    if (!isRecord(c) || typeof c.connection !== 'string' || !Array.isArray(c.timeline)) continue;
    const timeline = (c.timeline as unknown[]).filter(isTimelineEntry);
    if (timeline.length === 0) continue;
    connections.push({
      connection: c.connection,
      peer:
        typeof c.address === 'string' && typeof c.port === 'number'
          ? c.address.includes(':')
            ? `[${c.address}]:${c.port}`
            : `${c.address}:${c.port}`
          : null,
      outcome: typeof c.outcome === 'string' ? c.outcome : 'unknown',
      phase: typeof c.phase === 'string' ? c.phase : 'unknown',
      // A stable sort keeps an idle entry after the entry its silence follows.
      timeline: [...timeline].sort((a, b) => a.at - b.at),
      endPhase: typeof c.endPhase === 'string' ? c.endPhase : null,
      end: readEnd(c.end),
      bytesSent: isFiniteNumber(c.bytesSent) ? c.bytesSent : null,
      bytesReceived: isFiniteNumber(c.bytesReceived) ? c.bytesReceived : null,
      afterWhat: typeof c.afterWhat === 'string' ? c.afterWhat : null,
    });
  }
  return connections;
}

/** Whether a connection ended badly: reset, closed early, timed out, failed. */
export function endedBadly(connection: ConnectionView): boolean {
  return (connection.end?.how ?? connection.outcome) !== 'complete';
}

/**
 * The connections worth a timeline: the request connection, then every one that ended badly, in run
 * order. When none qualifies, the one pickConnection() chooses.
 */
export function connectionsToDraw(connections: ConnectionView[]): ConnectionView[] {
  const chosen = connections.filter((c) => c.connection === 'request' || endedBadly(c));
  chosen.sort((a, b) => Number(b.connection === 'request') - Number(a.connection === 'request'));
  if (chosen.length > 0) return chosen;
  const one = pickConnection(connections);
  return one ? [one] : [];
}

/** The connection the timeline shows: the reproduced request, else the first TCP connect, else the first. */
export function pickConnection(connections: ConnectionView[]): ConnectionView | null {
  return (
    connections.find((c) => c.connection === 'request') ??
    connections.find((c) => c.connection === 'tcp-connect #1') ??
    connections[0] ??
    null
  );
}

function readSignal(value: unknown): SignalView | null {
  if (
    !isRecord(value) ||
    typeof value.name !== 'string' ||
    (value.vote !== 'server' && value.vote !== 'path' && value.vote !== 'neutral') ||
    typeof value.detail !== 'string'
  )
    return null;
  return {
    name: value.name,
    vote: value.vote,
    weight: isFiniteNumber(value.weight) ? value.weight : null,
    detail: value.detail,
  };
}

export function readResets(data: unknown): ResetView[] | null {
  if (!isRecord(data) || !Array.isArray(data.resets)) return null;
  const resets: ResetView[] = [];
  for (const r of data.resets as unknown[]) {
    if (!isRecord(r) || typeof r.origin !== 'string' || !(ORIGINS as readonly string[]).includes(r.origin))
      continue;
    const signals = Array.isArray(r.signals) ? (r.signals as unknown[]).map(readSignal) : [];
    resets.push({
      connection: typeof r.connection === 'string' ? r.connection : null,
      origin: r.origin as Origin,
      hop: isFiniteNumber(r.hop) ? r.hop : null,
      ttl: isFiniteNumber(r.ttl) ? r.ttl : null,
      reason: typeof r.reason === 'string' ? r.reason : null,
      signals: signals.filter((x): x is SignalView => x !== null),
      confidence:
        isFiniteNumber(r.confidence) && r.confidence >= 0 && r.confidence <= 1 ? r.confidence : null,
    });
  }
  return resets;
}

function readAttempt(value: unknown): ReplayAttemptView | null {
  if (
    !isRecord(value) ||
    !isFiniteNumber(value.ttl) ||
    typeof value.payload !== 'string' ||
    typeof value.outcome !== 'string' ||
    !isStringOrNull(value.from) ||
    !isNumberOrNull(value.rstTtl)
  )
    return null;
  return {
    ttl: value.ttl,
    payload: value.payload,
    outcome: value.outcome,
    from: value.from,
    rstTtl: value.rstTtl,
    ms: isFiniteNumber(value.ms) ? value.ms : null,
  };
}

/** ResetHopData, when every field the view shows has its shape; attempts of another shape are left out. */
export function readResetHop(data: unknown): ResetHopView | null {
  if (
    !isRecord(data) ||
    typeof data.connection !== 'string' ||
    typeof data.triggerText !== 'string' ||
    !Array.isArray(data.attempts) ||
    !isNumberOrNull(data.lastPassingTtl) ||
    !isNumberOrNull(data.firstResetTtl) ||
    !isStringOrNull(data.controlOutcome) ||
    !isNumberOrNull(data.hop) ||
    !isStringOrNull(data.hopAddress) ||
    typeof data.verdict !== 'string' ||
    typeof data.reason !== 'string'
  )
    return null;
  const attempts = (data.attempts as unknown[]).map(readAttempt);
  return {
    connection: data.connection,
    triggerText: data.triggerText,
    attempts: attempts.filter((a): a is ReplayAttemptView => a !== null).sort((a, b) => a.ttl - b.ttl),
    lastPassingTtl: data.lastPassingTtl,
    firstResetTtl: data.firstResetTtl,
    controlOutcome: data.controlOutcome,
    hop: data.hop !== null && data.hop >= 1 ? Math.round(data.hop) : null,
    hopAddress: data.hopAddress,
    exact: data.exact !== false,
    verdict: data.verdict,
    reason: data.reason,
  };
}

/** Addresses the target resolved to, from the DNS probe (DnsData.addresses). */
export function readAddresses(data: unknown): string[] {
  if (!isRecord(data) || !Array.isArray(data.addresses)) return [];
  return (data.addresses as unknown[]).flatMap((a) =>
    isRecord(a) && typeof a.address === 'string' ? [a.address] : typeof a === 'string' ? [a] : [],
  );
}
