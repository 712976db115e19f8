import type { ProbeReport, Report } from '../../shared/report-info.js';
import { sampleReport } from './report-fixture.js';

/**
 * Test only: sampleReport() with what the handshake step finds when a device at hop 4 resets the
 * ClientHello: the connections' after-what sentences, the verdicts with their signals (one of a kind this
 * version does not know, and one of an older report that names no connection id), and the reset-hop
 * replay.
 */
export function resetReport(): Report {
  const report = sampleReport();
  const handshake = report.steps.find((s) => s.id === 'handshake')!;
  const probe = (id: string) => handshake.probes.find((p) => p.id === id)!;
  const connection = (id: string, role: string, name: string, afterWhat: string, how: string) => ({
    id,
    role,
    connection: name,
    address: '203.0.113.10',
    port: 8443,
    // This machine's end: what the support desk looks up.
    localAddress: '192.168.1.23',
    localPort: 51230 + Number(id.slice(1)),
    outcome: how === 'complete' ? 'complete' : 'reset',
    phase: 'tls',
    endPhase: 'tls',
    end: { how, at: 10, afterMs: 10, from: null, ttl: null, captured: false },
    afterWhat,
    timeline: [],
  });
  const tlsReset =
    'reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello';
  probe('packet-capture').data = {
    note: 'fake',
    captured: true,
    packetCount: 9,
    connections: [
      connection('c1', 'connect', 'tcp-connect #1', 'complete: connected, nothing sent', 'complete'),
      connection('c4', 'concurrency', 'concurrency #1', tlsReset, 'reset'),
      connection('c3', 'request', 'request', tlsReset, 'reset'),
      connection(
        'c5',
        'concurrency',
        'concurrency #2',
        'closed by the peer (FIN) on the request: 78 bytes sent, nothing received',
        'fin',
      ),
    ],
  };
  const signals = [
    { name: 'ttl', vote: 'path', weight: 3, detail: 'TTL 61 is 3 routers away; the server is 6' },
    { name: 'ip-id', vote: 'neutral', weight: 0, detail: 'IP ID 0 (DF set): says nothing about the sender' },
    { name: 'hop-echo', vote: 'server', weight: 0.5, detail: 'a <signal> from a later version' },
  ];
  const verdict = (id: string, name: string) => ({
    connection: name,
    connectionId: id,
    ttl: 61,
    origin: 'path',
    hop: 4,
    reason: 'TTL 61 says it came from 3 routers away: sent by hop 4',
    signals,
    confidence: 0.86,
  });
  probe('reset-origin').data = {
    reference: { hopsAway: 6, ttl: 58, source: 'syn-ack' },
    resets: [
      verdict('c3', 'request'),
      verdict('c4', 'concurrency #1'),
      { origin: 'server', ttl: 58, connection: 'rate #3' },
    ],
  };
  handshake.probes.push(
    resetHopProbe(1400, 'hop 4 (198.51.100.1) resets this content', [
      { ttl: 4, payload: 'trigger', outcome: 'reset', from: '203.0.113.10', rstTtl: 61, ms: 9.7 },
      { ttl: 2, payload: 'trigger', outcome: 'time-exceeded', from: '100.64.0.1', rstTtl: null, ms: 4.9 },
      { ttl: 7, payload: 'control', outcome: 'answered', from: '203.0.113.10', rstTtl: null, ms: 24.8 },
    ]),
  );
  return report;
}

/**
 * Test and dev only: the reset-hop probe's report when hop 4 (198.51.100.1) resets the ClientHello with
 * SNI api.example.com (TTL 2 still passes, a control is answered), with the given replays.
 */
export function resetHopProbe(durationMs: number, reason: string, attempts: object[]): ProbeReport {
  return {
    id: 'reset-hop',
    title: 'Which hop resets',
    status: 'complete',
    durationMs,
    summary: 'Hop 4 (198.51.100.1) resets the TLS ClientHello with SNI api.example.com',
    assessment: 'fail',
    data: {
      connection: 'request',
      trigger: 'tls-client-hello',
      triggerText: 'TLS ClientHello with SNI api.example.com',
      attempts,
      lastPassingTtl: 2,
      firstResetTtl: 4,
      controlOutcome: 'answered',
      hop: 4,
      hopAddress: '198.51.100.1',
      verdict: 'located',
      reason,
    },
  };
}
