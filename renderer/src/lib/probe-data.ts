import type { Origin } from '../../../electron/shared/cause-info.js';
import { ORIGINS } from '../../../electron/shared/cause-info.js';

/*
 * The parts of the probes' data the pictures read. Probe data reaches the renderer as `unknown` JSON (a
 * report may come from another version of the tool), so every reader checks the exact shape it needs and
 * returns null otherwise: a picture is then left out, nothing breaks. The engine's own types
 * (TracerouteData, PingData, PacketCaptureData, ResetOriginData in electron/engine/probes) are the
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
  direction: 'sent' | 'received' | 'event';
  what: string;
  ttl?: number | null;
}

/** One of PacketCaptureData.connections. */
export interface ConnectionView {
  connection: string;
  /** address:port of the server end, as the probe connected to it (null in older reports). */
  peer: string | null;
  outcome: string;
  phase: string;
  timeline: TimelineEntryView[];
}

/** One of ResetOriginData.resets (a ResetVerdict); only origin is required. */
export interface ResetView {
  connection: string | null;
  origin: Origin;
  hop: number | null;
  ttl: number | null;
  reason: string | null;
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

function isTimelineEntry(value: unknown): value is TimelineEntryView {
  return (
    isRecord(value) &&
    isFiniteNumber(value.at) &&
    (value.direction === 'sent' || value.direction === 'received' || value.direction === 'event') &&
    typeof value.what === 'string' &&
    (value.ttl === undefined || isNumberOrNull(value.ttl))
  );
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
      timeline: [...timeline].sort((a, b) => a.at - b.at),
    });
  }
  return connections;
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

export function readResets(data: unknown): ResetView[] | null {
  if (!isRecord(data) || !Array.isArray(data.resets)) return null;
  const resets: ResetView[] = [];
  for (const r of data.resets as unknown[]) {
    if (!isRecord(r) || typeof r.origin !== 'string' || !(ORIGINS as readonly string[]).includes(r.origin))
      continue;
    resets.push({
      connection: typeof r.connection === 'string' ? r.connection : null,
      origin: r.origin as Origin,
      hop: isFiniteNumber(r.hop) ? r.hop : null,
      ttl: isFiniteNumber(r.ttl) ? r.ttl : null,
      reason: typeof r.reason === 'string' ? r.reason : null,
    });
  }
  return resets;
}

/** Addresses the target resolved to, from the DNS probe (DnsData.addresses). */
export function readAddresses(data: unknown): string[] {
  if (!isRecord(data) || !Array.isArray(data.addresses)) return [];
  return (data.addresses as unknown[]).flatMap((a) =>
    isRecord(a) && typeof a.address === 'string' ? [a.address] : typeof a === 'string' ? [a] : [],
  );
}
