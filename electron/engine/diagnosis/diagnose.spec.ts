import { describe, expect, it } from 'vitest';
import {
  conv,
  facts,
  idleData,
  judged,
  mtuData,
  pingData,
  requestData,
  requestsData as requests,
  tcpData,
} from '../../../test/unit/facts-fixture.js';
import type { Finding } from '../../shared/cause-info.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import { diagnoseFacts } from './diagnose.js';

const ok = () => conv({ outcome: 'complete', at: 5 });
const quickReset = () => conv({ outcome: 'reset', at: 3 });

function top(over: Partial<DiagnosisFacts>): Finding {
  const { findings } = diagnoseFacts(facts(over));
  // Every cause's steps to settle it name a run option as data (`enables`), never as a CLI flag.
  expect(findings.flatMap((f) => f.settle).filter((s) => /(^|\s|\()--[a-z]/.test(s.text))).toEqual([]);
  return findings[0]!;
}

describe('the verdict weighs every observation', () => {
  it('healthy: its confidence is how much was exercised, and what was not is a step to settle', () => {
    const f = top({ ...requests(Array.from({ length: 11 }, ok)), ping: pingData() });
    expect(f.cause).toBe('healthy');
    expect(f.confidence).toBeGreaterThanOrEqual(0.6);
    expect(f.confidence).toBeLessThan(0.97);
    expect(f.evidence.map((e) => e.probe)).toContain('request-repeat');
    expect(f.settle.map((s) => s.enables?.option)).toContain('idleMaxSeconds');
  });

  it('a cancelled run never says healthy: it is inconclusive and says to run it again', () => {
    const d = diagnoseFacts(facts({ ...requests([ok()]), cancelled: true, unfinished: ['idle-timeout'] }));
    expect(d.verdict).toBe('inconclusive');
    expect(d.findings[0]!.settle.map((s) => s.kind)).toContain('repeat');
    expect(d.findings[0]!.evidence.map((e) => e.text).join(' ')).toMatch(/cancelled.*idle-timeout/);
  });

  it('a refused SYN without capture is refused by someone unknown: no "start the service"', () => {
    const d = diagnoseFacts(
      facts({ tcp: tcpData(conv({ outcome: 'refused', at: 1 })), captured: false, resets: [] }),
    );
    expect(d.verdict).toBe('inconclusive');
    const lead = d.findings[0]!;
    expect(lead.candidates).toEqual(expect.arrayContaining(['port-closed', 'firewall-reset']));
    expect(lead.settle.map((s) => s.kind)).toContain('privilege');
    expect(lead.remedies.join(' ')).not.toMatch(/^Start the service/);
  });

  it('a refused SYN whose captured RST matches the server is port-closed, confidently', () => {
    const syn = conv({ outcome: 'refused', at: 1 });
    const f = top({
      tcp: tcpData(syn),
      resets: [judged(syn, 'server', { role: 'connect', phase: 'connect' })],
    });
    expect(f).toMatchObject({ cause: 'port-closed', origin: 'server', phase: 'connect' });
    expect(f.confidence).toBeGreaterThan(0.9);
    expect(f.evidence.map((e) => e.probe)).toEqual(expect.arrayContaining(['tcp-connect', 'reset-origin']));
  });

  it('one request in three reset by the server is an intermittent application error, every 3rd', () => {
    const list = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? quickReset() : ok()));
    const resets = list.filter((c) => c.outcome === 'reset').map((c) => judged(c, 'server'));
    const f = top({ ...requests(list), resets });
    expect(f).toMatchObject({ cause: 'application-error', origin: 'server' });
    expect(f.intermittency).toEqual({ failed: 4, total: 12, pattern: 'every-nth', period: 3 });
    expect(f.remedies[0]).toMatch(/load balancer with 3 backends/);
  });

  it('a server that resets every request is not called intermittent', () => {
    const list = Array.from({ length: 11 }, quickReset);
    const f = top({ ...requests(list), resets: list.map((c) => judged(c, 'server')) });
    expect(f).toMatchObject({ cause: 'application-error', intermittency: { pattern: 'always' } });
    expect(f.remedies.join(' ')).not.toMatch(/intermittent/);
  });

  it('an idle test cannot turn a server that resets every request into an idle timeout', () => {
    const list = Array.from({ length: 11 }, quickReset);
    const d = diagnoseFacts(
      facts({ ...requests(list), resets: list.map((c) => judged(c, 'server')), idle: idleData({}) }),
    );
    expect(d.verdict).toBe('application-error');
    const idle = d.findings.find((f) => f.cause === 'idle-timeout');
    expect(idle?.confidence).toBe(0);
    expect(idle?.against.some((a) => a.rulesOut)).toBe(true);
  });

  it('a consistent cut-off seconds after the request is a request timeout, measured', () => {
    const list = [2510, 2490, 2530, 2505].map((at) => conv({ outcome: 'reset', at }));
    const f = top({
      ...requests(list.slice(0, 1), list.slice(1)),
      resets: list.map((c) => judged(c, 'server')),
    });
    expect(f).toMatchObject({
      cause: 'request-timeout',
      origin: 'server',
      phase: 'request',
      cutoffSeconds: 2.5,
    });
    expect(f.remedies.join(' ')).toMatch(/gunicorn `--timeout`.*harakiri.*request_terminate_timeout/);
  });

  it("a cut-off by FIN names its sender by the FIN's TTL", () => {
    const list = [3010, 3000, 3005, 3020].map((at) => conv({ outcome: 'closed', at }));
    const closes = list.map((c) => ({
      connection: 'request',
      connectionId: c.id,
      role: 'request' as const,
      at: c.endedAt,
      ttl: 61,
      hopsAway: 3,
      origin: 'server' as const,
      hop: null,
      reason: 'TTL 61 matches the SYN-ACK',
    }));
    const f = top({ ...requests(list.slice(0, 1), list.slice(1)), closes });
    expect(f).toMatchObject({ cause: 'request-timeout', origin: 'server', cutoffSeconds: 3 });
    expect(f.evidence.map((e) => e.kind)).toContain('requests');
  });

  it('a cut-off from the path names the hop, and a content filter does not explain it', () => {
    const list = [4010, 4020, 4005, 4000].map((at) => conv({ outcome: 'reset', at }));
    const d = diagnoseFacts(
      facts({ ...requests(list.slice(0, 1), list.slice(1)), resets: list.map((c) => judged(c, 'path')) }),
    );
    expect(d.findings[0]).toMatchObject({
      cause: 'request-timeout',
      origin: 'path',
      hop: 2,
      cutoffSeconds: 4,
    });
    expect(d.findings.find((f) => f.cause === 'firewall-reset')?.confidence ?? 0).toBeLessThan(0.2);
  });

  it('a request acknowledged and never answered is inconclusive, and the step is a longer wait', () => {
    const silent = conv(
      { outcome: 'timeout', at: 30_002 },
      {
        events: [
          { at: 2, kind: 'sent' },
          { at: 300, kind: 'acked' },
          { at: 30_002, kind: 'timeout' },
        ],
      },
    );
    const d = diagnoseFacts(facts({ ...requests([silent]), repeats: null }));
    expect(d.verdict).toBe('inconclusive');
    expect(d.findings[0]!.candidates).toContain('request-timeout');
    expect(d.findings[0]!.settle).toContainEqual(
      expect.objectContaining({ enables: expect.objectContaining({ option: 'waitSeconds' }) }),
    );
  });

  it('a request never acknowledged and retransmitted is dropped on the path', () => {
    const dropped = conv(
      { outcome: 'timeout', at: 1500 },
      {
        socketState: {
          at: 1500,
          unacked: 1,
          retransmits: 3,
          bytesSent: 80,
          bytesAcked: 0,
          bytesReceived: 0,
          rttMs: 0.3,
        },
      },
    );
    const f = top({
      ...requests([dropped]),
      repeats: null,
      ping: pingData(),
      rules: { platform: 'linux', sources: [], matches: [], frontends: null } as never,
    });
    expect(f).toMatchObject({ cause: 'firewall-drop', origin: 'path', phase: 'request' });
  });

  it('server to client: the route was forgotten, the answer stalled and its head came back', () => {
    const stalled = conv({ outcome: 'timeout', at: 1002 });
    const head = conv({ outcome: 'complete', at: 4, bytes: 1 });
    const f = top({
      tcp: tcpData(conv({ outcome: 'complete', at: 300, bytes: 0 })),
      request: requestData(stalled, head),
      mtu: mtuData({}),
    });
    expect(f).toMatchObject({ cause: 'mtu-blackhole', origin: 'path', direction: 'server-to-client' });
    expect(f.evidence.map((e) => e.text).join(' ')).toMatch(/not one byte of the response came back/);
    expect(f.remedies[0]).toContain('--set-mss 1240');
  });

  it('when the kernel kept the MTU it learned, a complete answer does not prove the path healthy', () => {
    const d = diagnoseFacts(
      facts({ ...requests(Array.from({ length: 11 }, ok)), mtu: mtuData({ kernelMtu: 'remembered' }) }),
    );
    expect(d.verdict).toBe('inconclusive');
    expect(d.findings[0]!.candidates).toEqual(expect.arrayContaining(['mtu-blackhole', 'healthy']));
  });

  it('confidence grows with independent evidence: the capture adds to the reset of the request', () => {
    const list = Array.from({ length: 11 }, quickReset);
    const seen = top({ ...requests(list), resets: list.map((c) => judged(c, 'server')) });
    const unseen = diagnoseFacts(facts({ ...requests(list), captured: false }));
    expect(seen.cause).toBe('application-error');
    expect(unseen.verdict).toBe('inconclusive');
    expect(unseen.findings[0]!.confidence).toBeLessThan(seen.confidence);
  });
});
