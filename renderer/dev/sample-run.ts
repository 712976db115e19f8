/**
 * Dev and test only: a realistic run replayed as RunEvents, built from the engine's sampleReport() (an
 * HTTPS API whose TLS handshakes are reset by a middlebox at hop 4). The fixture leaves the packet capture
 * empty; here it gets the connection timelines, reset verdicts and reset-hop replay a real run of that
 * story would hold, typed as PacketCaptureData and ResetOriginData (and ResetHopData's shape).
 */
import { sampleReport } from '../../electron/engine/report/report-fixture.js';
import { resetHopProbe } from '../../electron/engine/report/report-resets-fixture.js';
import type {
  CapturedConnection,
  PacketCaptureData,
  TimelineEntry,
} from '../../electron/shared/probe-data-info.js';
import type { ResetOriginData, ResetVerdict } from '../../electron/shared/reset-data-info.js';
import type { ProbeReport, Report, StepReport } from '../../electron/shared/report-info.js';
import { reportPlan, type RunEvent } from '../../electron/shared/run-event-info.js';
import type { StepId } from '../../electron/shared/step-info.js';

export const SAMPLE_RUN_ID = '5b0e3f7a-2c4d-4e6f-8a1b-9c0d1e2f3a4b';

/** An event and how long after the previous one it comes (for the preview server; tests ignore it). */
export interface TimedEvent {
  delayMs: number;
  event: RunEvent;
}

const RESET_REASON =
  'TTL 61 says it came from 3 routers away, nearer than the server’s SYN-ACK (TTL 58, 6 routers away): sent by hop 4';
const SERVER = '203.0.113.10';

/** The SYN, the server's SYN-ACK (TTL 58: 6 routers away) and the connected event, at these run-clock times. */
function handshakeTimeline(syn: number, synAck: number, connected: number): TimelineEntry[] {
  return [
    { at: syn, direction: 'sent', kind: 'syn', what: 'SYN' },
    {
      at: synAck,
      direction: 'received',
      kind: 'syn-ack',
      what: 'SYN-ACK',
      flags: 'SA',
      ttl: 58,
      ipId: 0,
      window: 65160,
    },
    { at: connected, direction: 'event', kind: 'event', what: 'connected' },
  ];
}

/** A run connection: its id (the verdicts join on it), what it was for, and its label. */
type Named = Pick<CapturedConnection, 'id' | 'role' | 'connection'>;

/** One connection whose TLS ClientHello is reset by the middlebox, `t` ms into the run. */
function resetHandshake(named: Named, t: number, localPort: number): CapturedConnection {
  const at = (ms: number) => Math.round((t + ms) * 1000) / 1000;
  return {
    ...named,
    address: SERVER,
    port: 8443,
    localPort,
    outcome: 'reset',
    phase: 'tls',
    endPhase: 'tls',
    bytesSent: 0,
    bytesReceived: 0,
    bytesCaptured: 0,
    end: { how: 'reset', at: at(12.7), afterMs: 12.7, from: SERVER, ttl: 61, captured: true },
    afterWhat:
      'reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello',
    timeline: [
      ...handshakeTimeline(at(0), at(12.1), at(12.3)),
      { at: at(12.3), direction: 'sent', kind: 'client-hello', what: 'TLS ClientHello' },
      {
        at: at(12.7),
        direction: 'received',
        kind: 'rst',
        what: 'RST',
        flags: 'R',
        ttl: 61,
        ipId: 0,
        window: 0,
      },
      { at: at(13.2), direction: 'event', kind: 'event', what: 'reset' },
    ],
  };
}

/** What the reset-origin probe says about one of those resets: TTL, timing and sequence number vote. */
function pathVerdict({ id, role, connection }: Named, at: number): ResetVerdict {
  return {
    connection,
    connectionId: id,
    role,
    at,
    family: 4,
    ttl: 61,
    ipId: 0,
    window: 0,
    flags: 'R',
    optionsLength: 0,
    phase: 'tls',
    hopsAway: 3,
    origin: 'path',
    hop: 4,
    reason: RESET_REASON,
    afterOwnClose: false,
    signals: [
      { name: 'ttl', vote: 'path', weight: 3, detail: RESET_REASON },
      {
        name: 'race',
        vote: 'path',
        weight: 1,
        detail: 'the RST came 0.4 ms after the ClientHello, sooner than the 12.1 ms round trip to the server',
      },
      {
        name: 'ip-id',
        vote: 'neutral',
        weight: 0,
        detail: 'IP ID 0 (DF set): says nothing about the sender',
      },
      {
        name: 'seq',
        vote: 'server',
        weight: 0.5,
        detail:
          'RST seq is exactly the server’s next sequence number: consistent with the server (an injector that sees the traffic copies it)',
      },
    ],
    confidence: 0.89,
    senderState: null,
  };
}

const RESET_HOP_REASON =
  'The ClientHello with SNI api.example.com is reset from TTL 4 on, while at TTL 2 it expires (time exceeded from 100.64.0.1); a ClientHello for another name is answered at full length: hop 4 (198.51.100.1) resets this content';

/** sampleReport() with the packets of its story captured. A fresh copy each call. */
export function demoReport(): Report {
  const report = sampleReport();
  const capture = probeIn(report, 'handshake', 'packet-capture');
  const t0 = 2_431.207;
  const at = (ms: number) => Math.round((t0 + ms) * 1000) / 1000;
  const request: Named = { id: 'c3', role: 'request', connection: 'request' };
  const concurrency = [1, 2, 3, 4, 5].map((n) => ({
    named: { id: `c${8 + n}`, role: 'concurrency', connection: `concurrency #${n}` } satisfies Named,
    t: t0 + 410 + n * 0.6,
  }));
  capture.summary =
    '13 packets from the target matched 7 connections. request: reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello (and 5 others)';
  capture.data = {
    note: 'Captures incoming TCP and ICMP from the target; IPv6 packets are captured without their hop limit.',
    captured: true,
    packetCount: 52,
    connections: [
      {
        id: 'c1',
        role: 'connect',
        connection: 'tcp-connect #1',
        address: SERVER,
        port: 8443,
        localPort: 51122,
        outcome: 'complete',
        phase: 'idle',
        endPhase: 'idle',
        bytesSent: 0,
        bytesReceived: 0,
        bytesCaptured: 0,
        end: { how: 'complete', at: at(-1_198.0), afterMs: 12.4, from: null, ttl: null, captured: false },
        afterWhat: 'complete: connected, nothing sent',
        timeline: handshakeTimeline(at(-1_210.4), at(-1_198.3), at(-1_198.1)),
      },
      resetHandshake(request, t0, 51140),
      ...concurrency.map((c, i) => resetHandshake(c.named, c.t, 51150 + i)),
    ],
  } satisfies PacketCaptureData;
  const origin = probeIn(report, 'handshake', 'reset-origin');
  origin.data = {
    reference: { hopsAway: 6, ttl: 58, source: 'syn-ack' },
    resets: [
      pathVerdict(request, at(12.7)),
      ...concurrency.map((c) => pathVerdict(c.named, Math.round((c.t + 12.7) * 1000) / 1000)),
    ],
  } satisfies ResetOriginData;
  origin.summary = `6 resets captured, sent by: hop 4. ${RESET_REASON}`;
  const handshake = report.steps.find((s) => s.id === 'handshake')!;
  handshake.probes.splice(
    handshake.probes.indexOf(origin) + 1,
    0,
    resetHopProbe(1_482.6, RESET_HOP_REASON, [
      { ttl: 1, payload: 'trigger', outcome: 'time-exceeded', from: '192.168.1.1', rstTtl: null, ms: 0.9 },
      { ttl: 2, payload: 'trigger', outcome: 'time-exceeded', from: '100.64.0.1', rstTtl: null, ms: 4.9 },
      { ttl: 3, payload: 'trigger', outcome: 'silent', from: null, rstTtl: null, ms: 1_000 },
      { ttl: 4, payload: 'trigger', outcome: 'reset', from: SERVER, rstTtl: 61, ms: 9.7 },
      { ttl: 5, payload: 'trigger', outcome: 'reset', from: SERVER, rstTtl: 61, ms: 9.8 },
      { ttl: 7, payload: 'control', outcome: 'answered', from: SERVER, rstTtl: null, ms: 24.8 },
    ]),
  );
  return report;
}

function probeIn(report: Report, stepId: StepId, probeId: string): ProbeReport {
  const probe = report.steps.find((s) => s.id === stepId)?.probes.find((p) => p.id === probeId);
  if (!probe) throw new Error(`sampleReport() has no probe ${probeId} in ${stepId}`);
  return probe;
}

const stamp = () => new Date().toISOString();

/** The events of one step, as the runner emits them; skipped probes appear only in its step-finished. */
export function stepEvents(runId: string, step: StepReport): TimedEvent[] {
  const events: TimedEvent[] = [
    { delayMs: 40, event: { type: 'step-started', runId, stepId: step.id, at: stamp() } },
  ];
  const stepId = step.id;
  const ran = step.probes.filter((p) => p.status !== 'skipped');
  const started = (probe: ProbeReport, delayMs = 30): TimedEvent => ({
    delayMs,
    event: { type: 'probe-started', runId, stepId, probeId: probe.id, at: stamp() },
  });
  const progress = (
    probe: ProbeReport,
    message: string,
    fraction: number | null,
    partial: unknown,
    delayMs: number,
  ): TimedEvent => ({
    delayMs,
    event: { type: 'probe-progress', runId, stepId, probeId: probe.id, message, fraction, partial },
  });
  const finished = (probe: ProbeReport, delayMs: number): TimedEvent => ({
    delayMs,
    event: { type: 'probe-finished', runId, stepId, probe: structuredClone(probe) },
  });

  if (stepId === 'connectivity') {
    // DNS first, then ping, traceroute, TCP connect and path MTU at once, their answers interleaved.
    const dns = ran.find((p) => p.id === 'dns');
    if (dns) events.push(started(dns), finished(dns, 120));
    const rest = ran.filter((p) => p.id !== 'dns');
    for (const probe of rest) events.push(started(probe, 10));
    const ping = rest.find((p) => p.id === 'ping');
    const trace = rest.find((p) => p.id === 'traceroute');
    const rtts = (ping?.data as { rttsMs?: (number | null)[] } | null)?.rttsMs ?? [];
    const hops =
      (trace?.data as { hops?: { ttl: number; address: string | null; rttsMs: (number | null)[] }[] } | null)
        ?.hops ?? [];
    const others = rest.filter((p) => p !== ping && p !== trace);
    const rounds = Math.max(rtts.length, hops.length, 3);
    for (let i = 0; i < rounds; i++) {
      const rtt = rtts[i];
      if (ping && rtt !== undefined)
        events.push(
          progress(ping, `echo ${i + 1}/${rtts.length}`, (i + 1) / rtts.length, { seq: i, rttMs: rtt }, 110),
        );
      const hop = hops[i];
      for (const rttMs of hop?.address ? hop.rttsMs : [])
        if (trace && hop && rttMs !== null)
          events.push(
            progress(
              trace,
              `hop ${hop.ttl}: ${hop.address}`,
              null,
              { ttl: hop.ttl, from: hop.address, rttMs },
              15,
            ),
          );
      if (trace && i === hops.length - 1) events.push(finished(trace, 300));
      if (i === 2) for (const p of others) events.push(finished(p, 60));
    }
    if (trace && hops.length === 0) events.push(finished(trace, 100));
    if (ping) events.push(finished(ping, 150));
  } else {
    for (const probe of ran) {
      events.push(started(probe));
      if (probe.id === 'local-rules')
        events.push(progress(probe, 'Reading the nftables and iptables rules', null, null, 120));
      if (probe.id === 'recovery')
        for (let i = 1; i <= 3; i++) events.push(progress(probe, `attempt ${i}/3`, i / 3, null, 200));
      if (probe.id === 'concurrency')
        events.push(progress(probe, 'opening 20 connections at once', 0.5, null, 150));
      events.push(finished(probe, Math.min(400, Math.max(80, probe.durationMs / 4))));
    }
  }
  events.push({ delayMs: 80, event: { type: 'step-finished', runId, step: structuredClone(step) } });
  return events;
}

/** A whole run of the demo report, in the order the engine's step graph gives. */
export function sampleRunEvents(runId: string = SAMPLE_RUN_ID, report: Report = demoReport()): TimedEvent[] {
  const step = (id: StepId) => report.steps.find((s) => s.id === id);
  const order: StepId[] = ['identify', 'server-logs', 'connectivity', 'firewall', 'application', 'handshake'];
  const events: TimedEvent[] = [
    {
      delayMs: 0,
      event: {
        type: 'run-started',
        runId,
        at: stamp(),
        target: report.target.input,
        plan: reportPlan(report),
      },
    },
  ];
  for (const id of order) {
    const s = step(id);
    if (s) events.push(...stepEvents(runId, s));
  }
  events.push({ delayMs: 200, event: { type: 'run-finished', runId, report: structuredClone(report) } });
  return events;
}

/** After step:rerun: that step's events again, then a new run-finished. */
export function sampleRerunEvents(
  runId: string,
  stepId: StepId,
  report: Report = demoReport(),
): TimedEvent[] {
  const step = report.steps.find((s) => s.id === stepId);
  const events = step ? stepEvents(runId, step) : [];
  const finishedAt = new Date().toISOString();
  events.push({
    delayMs: 150,
    event: { type: 'run-finished', runId, report: { ...structuredClone(report), finishedAt } },
  });
  return events;
}

/** The report a cancelled run ends with: the steps not finished have their probes skipped. */
export function cancelledReport(report: Report, finished: StepId[]): Report {
  const copy = structuredClone(report);
  copy.cancelled = true;
  copy.finishedAt = new Date().toISOString();
  copy.steps = copy.steps.map((s) =>
    finished.includes(s.id)
      ? s
      : {
          ...s,
          status: 'skipped',
          durationMs: 0,
          summary: 'the run was cancelled',
          probes: s.probes.map((p) => ({
            id: p.id,
            title: p.title,
            status: 'skipped',
            durationMs: 0,
            summary: 'Skipped: the run was cancelled',
            skipReason: 'the run was cancelled',
            data: null,
          })),
        },
  );
  return copy;
}
