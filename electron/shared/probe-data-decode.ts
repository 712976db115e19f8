import {
  decodeEach,
  fieldsOf,
  isAbsentOr,
  isFiniteNumber,
  isNumberOrNull,
  isStringOrNull,
  numberOrNull,
  oneOf,
  stringOrNull,
} from './data-guards.js';
import type {
  CapturedConnection,
  ConnectionEnd,
  ConnectionPhase,
  ConnectionRole,
  DnsData,
  Hop,
  PacketCaptureData,
  PingData,
  PingProgress,
  ResolvedAddress,
  TimelineEntry,
  TimelineKind,
  TracerouteData,
  TracerouteProgress,
} from './probe-data-info.js';

// The path and connection data as the wizard and the exported reports read it (resets and replays:
// reset-data-decode.ts). Probe data reaches them as `unknown` JSON, and a report may come from another
// version of the tool or be hostile: each decoder checks the exact shape it returns and gives null
// otherwise, a list keeps the items that fit, and nothing throws. Older reports lack some fields: those
// are null here, and a picture leaves out what it cannot draw.

// ── The path ──────────────────────────────────────────────────────────────────────────────────────────

/** A traceroute hop as the pictures draw it (hops drawn live have no per-query round trips). */
/** A hop; its per-query round trips (the Markdown's traceroute table) only when they have their shape. */
export type HopRead = Pick<Hop, 'ttl' | 'address' | 'rttMs' | 'lossPercent'> & Partial<Pick<Hop, 'rttsMs'>>;

function decodeHop(value: unknown): HopRead | null {
  const h = fieldsOf<Hop>(value);
  if (
    !h ||
    !isFiniteNumber(h.ttl) ||
    !isStringOrNull(h.address) ||
    !isNumberOrNull(h.rttMs) ||
    !isFiniteNumber(h.lossPercent)
  )
    return null;
  const rtts = Array.isArray(h.rttsMs) && (h.rttsMs as unknown[]).every(isNumberOrNull) ? h.rttsMs : null;
  return {
    ttl: h.ttl,
    address: h.address,
    rttMs: h.rttMs,
    lossPercent: h.lossPercent,
    ...(rtts ? { rttsMs: [...rtts] } : {}),
  };
}

/** TracerouteData.hops, only when every hop has its shape: a picture with a hop missing would mislead. */
export function decodeHops(data: unknown): HopRead[] | null {
  const hops = fieldsOf<TracerouteData>(data)?.hops;
  if (!Array.isArray(hops) || hops.length === 0) return null;
  const read = (hops as unknown[]).map(decodeHop);
  return read.every((h): h is HopRead => h !== null) ? read : null;
}

/** PingData.rttsMs, only when every echo is a round trip or null (lost). */
export function decodeRtts(data: unknown): PingData['rttsMs'] | null {
  const rtts = fieldsOf<PingData>(data)?.rttsMs;
  if (!Array.isArray(rtts) || rtts.length === 0) return null;
  return (rtts as unknown[]).every(isNumberOrNull) ? (rtts as (number | null)[]) : null;
}

/** A traceroute answer as it arrived (probe-progress `partial`). */
export function decodeTracerouteProgress(partial: unknown): TracerouteProgress | null {
  const p = fieldsOf<TracerouteProgress>(partial);
  if (!p || !isFiniteNumber(p.ttl) || p.ttl < 1 || !isStringOrNull(p.from) || !isFiniteNumber(p.rttMs))
    return null;
  return { ttl: Math.round(p.ttl), from: p.from, rttMs: p.rttMs };
}

/** A ping answer as it arrived (probe-progress `partial`); a round trip that is not a number is a loss. */
export function decodePingProgress(partial: unknown): PingProgress | null {
  const p = fieldsOf<PingProgress>(partial);
  if (!p || !isFiniteNumber(p.seq) || p.seq < 0 || p.seq > 10_000) return null;
  return { seq: Math.round(p.seq), rttMs: numberOrNull(p.rttMs) };
}

/** The addresses the target resolved to (DnsData.addresses; older reports list them as plain strings). */
export function decodeAddresses(data: unknown): string[] | null {
  return decodeEach(fieldsOf<DnsData>(data)?.addresses, (a) =>
    typeof a === 'string' ? a : stringOrNull(fieldsOf<ResolvedAddress>(a)?.address),
  );
}

// ── Connections ───────────────────────────────────────────────────────────────────────────────────────

/** A timeline entry as the faces read it: older reports name no kind (their `what` is the flags). */
export type TimelineEntryRead = Pick<TimelineEntry, 'at' | 'direction' | 'what' | 'bytes' | 'ms' | 'ttl'> &
  Partial<Pick<TimelineEntry, 'kind'>>;

/** How a connection ended; a way this version does not know is kept as it is (endWords shows it so). */
export interface ConnectionEndRead extends Omit<ConnectionEnd, 'how'> {
  how: string;
}

/** A connection of the packet capture as the faces read it. */
export interface ConnectionRead extends Pick<CapturedConnection, 'connection' | 'outcome' | 'phase'> {
  /** Null in reports older than connection ids: such a connection is joined to no reset. */
  id: CapturedConnection['id'] | null;
  role: ConnectionRole | null;
  /** address:port of the server end as the probe connected to it ([v6]:port); null when not given. */
  peer: string | null;
  /** address:port this machine connected from; null in reports older than it, or when never known. */
  local: string | null;
  /** In time order; entries of another shape are left out. */
  timeline: TimelineEntryRead[];
  // Null in reports older than the after-what timelines:
  end: ConnectionEndRead | null;
  endPhase: ConnectionPhase | null;
  bytesSent: number | null;
  bytesReceived: number | null;
  afterWhat: string | null;
}

const DIRECTION_WORDS: Record<TimelineEntry['direction'], true> = {
  sent: true,
  received: true,
  event: true,
  idle: true,
};
const isDirection = oneOf(DIRECTION_WORDS);
const TIMELINE_KIND_WORDS: Record<TimelineKind, true> = {
  syn: true,
  'syn-ack': true,
  ack: true,
  data: true,
  fin: true,
  rst: true,
  'client-hello': true,
  request: true,
  event: true,
  idle: true,
};
const isTimelineKind = oneOf(TIMELINE_KIND_WORDS);
const ROLE_WORDS: Record<ConnectionRole, true> = {
  connect: true,
  request: true,
  repeat: true,
  control: true,
  rate: true,
  concurrency: true,
  idle: true,
  recovery: true,
  watched: true,
};
const isRole = oneOf(ROLE_WORDS);
const PHASE_WORDS: Record<ConnectionPhase, true> = {
  connect: true,
  tls: true,
  request: true,
  response: true,
  transfer: true,
  idle: true,
};
const isPhase = oneOf(PHASE_WORDS);

/** Every code word the decoders above accept: data, not prose, to code that rewrites text (redaction). */
export const PROBE_DATA_WORDS: readonly string[] = [
  DIRECTION_WORDS,
  TIMELINE_KIND_WORDS,
  ROLE_WORDS,
  PHASE_WORDS,
].flatMap((words) => Object.keys(words));

function decodeEntry(value: unknown): TimelineEntryRead | null {
  const e = fieldsOf<TimelineEntry>(value);
  if (
    !e ||
    !isFiniteNumber(e.at) ||
    !isDirection(e.direction) ||
    typeof e.what !== 'string' ||
    !isAbsentOr(e.kind, (k): k is string => typeof k === 'string') ||
    !isAbsentOr(e.bytes, isFiniteNumber) ||
    !isAbsentOr(e.ms, isFiniteNumber) ||
    !isAbsentOr(e.ttl, isNumberOrNull) ||
    (e.direction === 'idle' && e.ms === undefined)
  )
    return null;
  const entry: TimelineEntryRead = { at: e.at, direction: e.direction, what: e.what };
  // A kind this version does not know is left out: the entry is then named from `what`.
  if (isTimelineKind(e.kind)) entry.kind = e.kind;
  if (e.bytes !== undefined) entry.bytes = e.bytes;
  if (e.ms !== undefined) entry.ms = e.ms;
  if (e.ttl !== undefined) entry.ttl = e.ttl;
  return entry;
}

function decodeEnd(value: unknown): ConnectionEndRead | null {
  const e = fieldsOf<ConnectionEnd>(value);
  if (
    !e ||
    typeof e.how !== 'string' ||
    !isFiniteNumber(e.at) ||
    !isFiniteNumber(e.afterMs) ||
    !isStringOrNull(e.from) ||
    !isNumberOrNull(e.ttl) ||
    typeof e.captured !== 'boolean'
  )
    return null;
  return { how: e.how, at: e.at, afterMs: e.afterMs, from: e.from, ttl: e.ttl, captured: e.captured };
}

function decodeConnection(value: unknown): ConnectionRead | null {
  const c = fieldsOf<CapturedConnection>(value);
  const timeline = decodeEach(c?.timeline, decodeEntry);
  if (!c || typeof c.connection !== 'string' || !timeline) return null;
  return {
    id: stringOrNull(c.id),
    role: isRole(c.role) ? c.role : null,
    connection: c.connection,
    peer: endpoint(c.address, c.port),
    local: endpoint(c.localAddress, c.localPort),
    outcome: typeof c.outcome === 'string' ? c.outcome : 'unknown',
    phase: typeof c.phase === 'string' ? c.phase : 'unknown',
    // A stable sort keeps an idle entry after the entry its silence follows.
    timeline: timeline.sort((a, b) => a.at - b.at),
    end: decodeEnd(c.end),
    endPhase: isPhase(c.endPhase) ? c.endPhase : null,
    bytesSent: numberOrNull(c.bytesSent),
    bytesReceived: numberOrNull(c.bytesReceived),
    afterWhat: stringOrNull(c.afterWhat),
  };
}

/** "192.0.2.1:443" or "[2001:db8::1]:443"; null unless both halves are there. */
function endpoint(address: unknown, port: unknown): string | null {
  if (typeof address !== 'string' || address === '' || !isFiniteNumber(port)) return null;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * The connection a provider's support desk looks up in its logs, with the address it came from: the
 * request's when it ended badly, else the first that was reset, else the first that ended badly, else
 * the request's. Null when no connection says where it came from (a report older than `localAddress`).
 */
export function ticketConnection(connections: ConnectionRead[]): ConnectionRead | null {
  const known = connections.filter((c) => c.local !== null);
  const request = known.find((c) => c.role === 'request') ?? null;
  const reset = (c: ConnectionRead) => (c.end?.how ?? c.outcome) === 'reset';
  return (
    (request && endedBadly(request) ? request : null) ??
    known.find(reset) ??
    known.find(endedBadly) ??
    request ??
    known[0] ??
    null
  );
}

/** PacketCaptureData.connections in run order; connections of another shape are left out. */
export function decodeConnections(data: unknown): ConnectionRead[] | null {
  return decodeEach(fieldsOf<PacketCaptureData>(data)?.connections, decodeConnection);
}

/** Whether a connection ended badly: reset, closed early, timed out, failed (not one Reset Doctor stopped). */
export function endedBadly(connection: ConnectionRead): boolean {
  const how = connection.end?.how ?? connection.outcome;
  return how !== 'complete' && how !== 'stopped';
}

/** For sort(): the reproduced request first, the others in the order they came. */
export function requestFirst(a: ConnectionRead, b: ConnectionRead): number {
  return Number(b.role === 'request') - Number(a.role === 'request');
}
