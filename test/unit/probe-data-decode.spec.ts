import { describe, expect, it } from 'vitest';
import { runDiagnosis } from '../../electron/engine/run-diagnosis.js';
import {
  decodeAddresses,
  decodeConnections,
  decodeHops,
  decodePingProgress,
  decodeRtts,
  decodeTracerouteProgress,
} from '../../electron/shared/probe-data-decode.js';
import type {
  DnsData,
  PacketCaptureData,
  PingData,
  TracerouteData,
} from '../../electron/shared/probe-data-info.js';
import { decodeResetHop, decodeResets } from '../../electron/shared/reset-data-decode.js';
import type { ResetHopData, ResetOriginData } from '../../electron/shared/reset-data-info.js';
import type { ProbeReport, Report } from '../../electron/shared/report-info.js';
import type { RunEvent } from '../../electron/shared/run-event-info.js';
import { fakeIo, options, rst, synAck, type Scenario } from './fake-io.js';

// The decoders the wizard and the reports share, against what the engine really writes: every probe's
// data from a replayed run, and that data damaged in every field.

const DECODERS: Record<string, (data: unknown) => unknown> = {
  decodeAddresses,
  decodeConnections,
  decodeHops,
  decodePingProgress,
  decodeRtts,
  decodeTracerouteProgress,
  decodeResetHop,
  decodeResets,
};

async function replayed(scenario: Scenario, target: string): Promise<{ report: Report; events: RunEvent[] }> {
  const { io, capture } = fakeIo(scenario);
  const events: RunEvent[] = [];
  const report = await runDiagnosis({
    options: options({ target }),
    emit: (e) => events.push(e),
    signal: new AbortController().signal,
    io,
    capture,
    privileges: { raw: true, note: 'test' },
  });
  return { report, events };
}

/** A keyword in the request is reset by hop 2; the capture sees every handshake and each reset. */
const CONTENT_RESET: Scenario = {
  converse: (r) =>
    r.send?.includes('/blocked')
      ? { outcome: 'reset', phase: 'request', bytesReceived: 0, response: null }
      : {},
  packets: (made) =>
    made.flatMap((c) => (c.outcome === 'reset' ? [synAck(c, 61), rst(c, 63, 'R')] : [synAck(c, 61)])),
  replay: (r) => {
    if (Buffer.from(r.payload).includes('/blocked') && r.ttl >= 3)
      return { outcome: 'reset', from: r.address, rstTtl: 63, ms: 0.2 };
    return r.ttl < 4
      ? { outcome: 'time-exceeded', from: `198.18.${r.ttl}.1`, rstTtl: null, ms: 0.1 }
      : { outcome: 'answered', from: r.address, rstTtl: null, ms: 0.3 };
  },
};

function dataOf<T>(report: Report, id: string): T {
  const probe = report.steps.flatMap((s) => s.probes).find((p) => p.id === id);
  expect(probe?.status, `probe ${id}`).toBe('complete');
  return probe!.data as T;
}

/** The report as JSON carries it: what a face decodes is never the engine's own objects. */
const asJson = (report: Report): Report => JSON.parse(JSON.stringify(report)) as Report;

describe('decoders on a replayed run', async () => {
  const run = await replayed(CONTENT_RESET, 'http://web.lab.test/blocked');
  const report = asJson(run.report);

  it('read every connection of the packet capture whole, with its id and role', () => {
    const data = dataOf<PacketCaptureData>(report, 'packet-capture');
    const connections = decodeConnections(data)!;
    expect(connections).toHaveLength(data.connections.length);
    expect(connections.length).toBeGreaterThan(5);
    connections.forEach((c, i) => {
      const written = data.connections[i]!;
      expect(c).toMatchObject({
        id: written.id,
        role: written.role,
        connection: written.connection,
        end: written.end,
        endPhase: written.endPhase,
        afterWhat: written.afterWhat,
      });
      expect(c.timeline).toHaveLength(written.timeline.length);
      expect(c.timeline.every((e) => e.kind !== undefined)).toBe(true);
    });
    expect(new Set(connections.map((c) => c.id)).size).toBe(connections.length);
    expect(connections.filter((c) => c.role === 'request').map((c) => c.connection)).toEqual(['request']);
  });

  it('read every verdict, each joined to a captured connection by its id', () => {
    const data = dataOf<ResetOriginData>(report, 'reset-origin');
    const resets = decodeResets(data)!;
    expect(resets.length).toBeGreaterThan(0);
    expect(resets).toHaveLength(data.resets.length);
    const ids = decodeConnections(dataOf(report, 'packet-capture'))!.map((c) => c.id);
    resets.forEach((r, i) => {
      const written = data.resets[i]!;
      expect(r).toEqual({
        connection: written.connection,
        connectionId: written.connectionId,
        origin: written.origin,
        hop: written.hop,
        ttl: written.ttl,
        reason: written.reason,
        signals: written.signals,
        confidence: written.confidence,
      });
      expect(ids).toContain(r.connectionId);
    });
  });

  it('read the reset-hop replays, the path and the live answers', () => {
    const hop = dataOf<ResetHopData>(report, 'reset-hop');
    expect(decodeResetHop(hop)).toMatchObject({ hop: hop.hop, verdict: 'located' });
    expect(decodeResetHop(hop)!.attempts).toHaveLength(hop.attempts.length);
    const trace = dataOf<TracerouteData>(report, 'traceroute');
    expect(decodeHops(trace)).toHaveLength(trace.hops.length);
    expect(decodeRtts(dataOf<PingData>(report, 'ping'))).toEqual(dataOf<PingData>(report, 'ping').rttsMs);
    expect(decodeAddresses(dataOf<DnsData>(report, 'dns'))).toEqual(['198.18.4.2']);
    const partials = (probeId: string) =>
      run.events.flatMap((e) => (e.type === 'probe-progress' && e.probeId === probeId ? [e.partial] : []));
    expect(partials('traceroute').length).toBeGreaterThan(0);
    expect(partials('traceroute').every((p) => decodeTracerouteProgress(p) !== null)).toBe(true);
    expect(partials('ping').length).toBeGreaterThan(0);
    expect(partials('ping').every((p) => decodePingProgress(p) !== null)).toBe(true);
  });

  it('never throw on any probe’s data, nor on that data damaged in any field', () => {
    const probes: ProbeReport[] = report.steps.flatMap((s) => s.probes);
    let calls = 0;
    for (const probe of probes)
      for (const damaged of [probe.data, ...damages(probe.data)])
        for (const [name, decode] of Object.entries(DECODERS)) {
          calls++;
          expect(() => decode(damaged), `${name} on ${probe.id}`).not.toThrow();
        }
    expect(calls).toBeGreaterThan(10_000);
  });
});

const HOSTILE: unknown[] = [
  null,
  undefined,
  '',
  'toString',
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  [],
  [null],
  {},
  Object.create(null),
  JSON.parse('{"__proto__": {"length": 3}}'),
];

/** The value with each field in turn (to a depth, the first items of each list) set to each hostile value. */
function damages(value: unknown, depth = 4): unknown[] {
  if (depth === 0 || typeof value !== 'object' || value === null) return [];
  const out: unknown[] = [];
  const keys = Array.isArray(value) ? [0, 1].filter((i) => i < value.length) : Object.keys(value);
  for (const key of keys) {
    const field = (value as Record<string | number, unknown>)[key];
    for (const replacement of [...HOSTILE, ...damages(field, depth - 1)]) {
      const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string | number, unknown>;
      copy[key] = replacement;
      out.push(copy);
    }
  }
  return out;
}
