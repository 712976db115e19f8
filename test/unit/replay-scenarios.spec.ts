import { describe, expect, it } from 'vitest';
import { runDiagnosis } from '../../electron/engine/run-diagnosis.js';
import { NetError } from '../../electron/engine/net/engine-io.js';
import type { RunEvent } from '../../electron/shared/run-event-info.js';
import { validateReport } from '../../electron/engine/report/report-schema.js';
import { failureFromError } from '../../electron/engine/net/errno-failure.js';
import { fakeIo, options, rst, SERVER, synAck, type Scenario } from './fake-io.js';

async function replay(scenario: Scenario, over = {}) {
  const { io, capture } = fakeIo(scenario);
  const events: RunEvent[] = [];
  const report = await runDiagnosis({
    options: options(over),
    emit: (e) => events.push(e),
    signal: new AbortController().signal,
    io,
    capture,
    privileges: { raw: capture !== null, note: 'test' },
  });
  const validation = validateReport(report);
  expect(validation).toEqual({ valid: true });
  // A step to settle it names a run option as data (`enables`), never as a flag only the CLI can follow.
  const settle = report.diagnosis.findings.flatMap((f) => f.settle);
  expect(settle.filter((s) => /(^|\s|\()--[a-z]/.test(s.text))).toEqual([]);
  // So does a skipped probe's reason: the option that makes it run is `enables`, each face words it.
  const skipped = report.steps.flatMap((s) => s.probes).filter((p) => p.status === 'skipped');
  expect(
    skipped.filter((p) => /(^|\s|\()--[a-z]/.test(`${p.skipReason} ${p.summary}`)).map((p) => p.id),
  ).toEqual([]);
  return { report, events, top: report.diagnosis.findings[0]! };
}

describe('replayed scenarios reach the right verdict', () => {
  it('healthy: everything answers', async () => {
    const { report, top } = await replay({ packets: () => [] });
    expect(report.diagnosis.verdict).toBe('healthy');
    expect(top.evidence.map((e) => e.text).join(' ')).toMatch(/Requests: all \d+ requests answered/);
  });

  it('healthy: a server RST answering a late segment after our own close (no socket left) is reported, not counted', async () => {
    // A handshake ACK reordered behind our FIN reaches the server after it closed: its kernel answers with
    // RST (no ACK). The application never saw it; the lab met this under load (tcp-connect #2 and #3).
    const bare = new Set<number>();
    const { report } = await replay({
      converse: (request, n) => {
        if (request.readUntil === 'none') bare.add(n);
        return {};
      },
      packets: (made) =>
        made.filter((_, i) => bare.has(i)).flatMap((c) => [synAck(c, 61), rst(c, 61, 'R', c.endedAt + 5)]),
    });
    expect(bare.size).toBeGreaterThan(0);
    expect(report.diagnosis.verdict).toBe('healthy');
    const origin = report.steps.flatMap((s) => s.probes).find((p) => p.id === 'reset-origin')!;
    const resets = (origin.data as { resets: { afterOwnClose: boolean; reason: string }[] }).resets;
    expect(resets).toHaveLength(bare.size);
    expect(resets.every((r) => r.afterOwnClose && /after this tool had closed/.test(r.reason))).toBe(true);
    expect(origin.summary).toMatch(/^No reset was met; \d+ came after this tool had closed/);
  });

  it('the same RST while the bare connection is still held is a reset the run met', async () => {
    const { report } = await replay({
      converse: (request) => (request.readUntil === 'hold' ? { outcome: 'reset', phase: 'idle' } : {}),
      packets: (made) =>
        made.filter((c) => c.outcome === 'reset').flatMap((c) => [synAck(c, 61), rst(c, 61, 'R')]),
    });
    expect(report.diagnosis.verdict).not.toBe('healthy');
  });

  it('dns-failure: the name does not resolve', async () => {
    const { top, report } = await replay({
      dnsFailure: new NetError({ code: 'dns_nxdomain', message: 'web.lab.test does not resolve' }),
    });
    expect(top).toMatchObject({ cause: 'dns-failure', origin: 'server', phase: 'dns' });
    const connectivity = report.steps.find((s) => s.id === 'connectivity')!;
    expect(connectivity.probes.find((p) => p.id === 'ping')).toMatchObject({ status: 'skipped' });
  });

  it('port-closed: the server host answers the SYN with RST', async () => {
    const { top } = await replay({
      echo: () => ({}),
      converse: () => ({ outcome: 'refused', connectMs: null, phase: 'connect' }),
      packets: (made) => made.map((c) => rst(c, 61)),
    });
    expect(top).toMatchObject({ cause: 'port-closed', origin: 'server' });
  });

  it('firewall-reset: a reset to the SYN from two hops nearer than the server', async () => {
    const { top } = await replay({
      converse: () => ({ outcome: 'refused', connectMs: null, phase: 'connect' }),
      packets: (made) => made.map((c) => rst(c, 63)),
    });
    expect(top).toMatchObject({ cause: 'firewall-reset', origin: 'path', hop: 2, phase: 'connect' });
  });

  it('firewall-reset on content: a keyword in the request is reset after hop 2, placed by TTL-limited replays', async () => {
    const { top, report } = await replay(
      {
        converse: (r) =>
          r.send?.includes('/blocked')
            ? { outcome: 'reset', phase: 'request', bytesReceived: 0, response: null }
            : {},
        packets: (made) => made.filter((c) => c.outcome === 'reset').map((c) => rst(c, 63, 'R')),
        replay: (r) => {
          const keyword = Buffer.from(r.payload).includes('/blocked');
          if (keyword && r.ttl >= 3) return { outcome: 'reset', from: r.address, rstTtl: 63, ms: 0.2 };
          return r.ttl < 4
            ? { outcome: 'time-exceeded', from: `198.18.${r.ttl}.1`, rstTtl: null, ms: 0.1 }
            : { outcome: 'answered', from: r.address, rstTtl: null, ms: 0.3 };
        },
      },
      { target: 'http://web.lab.test/blocked' },
    );
    expect(top).toMatchObject({ cause: 'firewall-reset', origin: 'path', hop: 2, phase: 'request' });
    expect(top.confidence).toBeGreaterThanOrEqual(0.95);
    expect(top.evidence.map((e) => e.text).join(' ')).toContain('between hop 2 (198.18.2.1) and hop 3');
    expect(top.remedies[0]).toContain('hop 2 (198.18.2.1)');
    const hop = report.steps.flatMap((s) => s.probes).find((p) => p.id === 'reset-hop');
    expect(hop).toMatchObject({ status: 'complete', assessment: 'fail' });
  });

  it('application-error: the server itself resets after the request, and still accepts', async () => {
    const { top } = await replay({
      converse: (r) =>
        r.send ? { outcome: 'reset', phase: 'request', bytesReceived: 0, response: null } : {},
      packets: (made) =>
        made.flatMap((c) => (c.outcome === 'reset' ? [synAck(c, 61), rst(c, 61)] : [synAck(c, 61)])),
    });
    expect(top).toMatchObject({ cause: 'application-error', origin: 'server', phase: 'request' });
  });

  it('server-crash: the reset is followed by refusals', async () => {
    let crashed = false;
    const { top } = await replay({
      converse: (r) => {
        if (r.send) {
          crashed = true;
          return { outcome: 'reset', phase: 'request', response: null };
        }
        return crashed ? { outcome: 'refused', connectMs: null } : {};
      },
      packets: (made) =>
        made.flatMap((c) => (c.outcome === 'complete' ? [synAck(c, 61)] : [synAck(c, 61), rst(c, 61)])),
    });
    expect(top).toMatchObject({ cause: 'server-crash', origin: 'server' });
  });

  it('connection-limit: beyond three concurrent connections the server refuses', async () => {
    // The fake answers at once, so the server keeps its own book of held connections by the clock.
    const heldUntil: number[] = [];
    const { top } = await replay({
      converse: (r) => {
        if (r.readUntil !== 'hold') return {};
        const now = performance.now();
        if (heldUntil.filter((end) => end > now).length >= 3) return { outcome: 'refused', connectMs: null };
        heldUntil.push(now + (r.holdMs ?? 0));
        return {};
      },
      packets: (made) => made.filter((c) => c.outcome === 'refused').map((c) => rst(c, 61)),
    });
    expect(top).toMatchObject({ cause: 'connection-limit', origin: 'server' });
    expect(top.evidence[0]!.text).toMatch(/resets began at the 4th concurrent connection/);
  });

  it('packet-loss: a third of the echoes vanish', async () => {
    let n = 0;
    const { top } = await replay({
      echo: (r) =>
        r.ttl === undefined && r.size === undefined && n++ % 3 === 0 ? { kind: 'timeout', from: null } : {},
    });
    expect(top).toMatchObject({ cause: 'packet-loss', origin: 'path' });
  });

  it('firewall-drop: the host answers ICMP but SYNs vanish', async () => {
    const { top } = await replay({
      converse: () => ({ outcome: 'timeout', connectMs: null, phase: 'connect' }),
      packets: () => [],
    });
    // The fake cannot read this machine's firewall rules: the drop may be local, so no origin is named.
    expect(top).toMatchObject({ cause: 'firewall-drop', origin: 'unknown', phase: 'connect' });
    expect(top.settle.map((s) => s.kind)).toContain('privilege');
  });

  it('one lost SYN is not a firewall drop: the bare connection asked again connects, and the run goes on', async () => {
    const { report } = await replay({
      // Only the very first connection of the run goes unanswered (a SYN lost under load).
      converse: (_request, n) => (n === 0 ? { outcome: 'timeout', connectMs: null, phase: 'connect' } : {}),
      packets: () => [],
    });
    expect(report.diagnosis.verdict).toBe('healthy');
    const tcp = report.steps.flatMap((s) => s.probes).find((p) => p.id === 'tcp-connect')!;
    expect(tcp).toMatchObject({ assessment: 'warn' });
    expect(tcp.summary).toMatch(/^The first SYN to .* got no answer; asked again, it connected/);
  });

  it('mtu-blackhole: big DF echoes vanish silently', async () => {
    const { top } = await replay({
      echo: (r) => (r.size !== undefined && r.size > 1252 ? { kind: 'timeout', from: null } : {}),
      converse: (r) =>
        r.send ? { outcome: 'timeout', phase: 'request', bytesReceived: 0, response: null } : {},
    });
    expect(top).toMatchObject({ cause: 'mtu-blackhole', origin: 'path' });
  });

  it('host-unreachable: a router answers unreachable', async () => {
    const { top } = await replay({
      echo: (r) => (r.ttl === undefined || r.ttl >= 2 ? { kind: 'unreachable', from: '198.18.2.1' } : {}),
      converse: () => ({
        outcome: 'unreachable',
        connectMs: null,
        failure: { code: 'host_unreachable', message: 'host unreachable' },
      }),
    });
    expect(top).toMatchObject({ cause: 'host-unreachable', origin: 'path', hop: 2 });
  });
});

describe('a connect error this machine gives is a finding, never healthy', () => {
  /** What Node's net.connect gives for an IPv6 zone that names no interface, mapped as the TCP I/O maps it. */
  function einval(address: string) {
    const error = Object.assign(new Error(`connect EINVAL ${address}:80 - Local (:::0)`), {
      code: 'EINVAL',
      errno: -22,
      syscall: 'connect',
    });
    return {
      outcome: 'failed' as const,
      connectMs: null,
      phase: 'connect' as const,
      failure: failureFromError(error),
      events: [],
    };
  }

  it('every connection fails with EINVAL (fe80::1%eth0 where eth0 does not exist)', async () => {
    const { report, top } = await replay(
      { addresses: ['fe80::1'], converse: () => einval('fe80::1%eth0') },
      { target: 'http://[fe80::1]/' },
    );
    expect(report.diagnosis.verdict).toBe('inconclusive');
    expect(top.evidence.map((e) => e.text).join(' ')).toContain('connect EINVAL fe80::1%eth0:80');
  });

  it('the first connect works, the load and idle tests fail with EINVAL', async () => {
    const { report, top } = await replay(
      { converse: (r, i) => (r.readUntil === 'hold' && i > 0 ? einval(SERVER) : {}) },
      { idleMaxSeconds: 2 },
    );
    expect(report.diagnosis.verdict).toBe('inconclusive');
    const evidence = top.evidence.map((e) => e.text);
    expect(evidence).toContainEqual(
      expect.stringMatching(
        /^Concurrency: \d+ of \d+ connections failed on this machine before reaching the network: connect EINVAL /,
      ),
    );
    expect(top.evidence.find((e) => e.kind === 'local-error')?.figures).toMatchObject({
      code: 'unknown_failure',
    });
    expect(top.settle[0]?.text).toMatch(/^Fix the error this machine gave/);
  });
});

describe('runner', () => {
  it('emits the plan first, then each probe before its step ends, and ends with the report', async () => {
    const { events } = await replay({});
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)?.type).toBe('run-finished');
    const ids = new Set(events.map((e) => e.runId));
    expect(ids.size).toBe(1);
    const stepEnd = events.findIndex((e) => e.type === 'step-finished' && e.step.id === 'connectivity');
    const pingEnd = events.findIndex((e) => e.type === 'probe-finished' && e.probe.id === 'ping');
    expect(pingEnd).toBeGreaterThan(-1);
    expect(pingEnd).toBeLessThan(stepEnd);
  });

  it('skips steps that were not selected, with the reason', async () => {
    const { report } = await replay({}, { steps: ['identify', 'connectivity'] });
    const app = report.steps.find((s) => s.id === 'application')!;
    expect(app.status).toBe('skipped');
    expect(app.probes[0]?.skipReason).toBe('not among the steps this run was asked for');
  });

  it('cancelling keeps what was measured and marks the rest', async () => {
    const { io } = fakeIo({});
    const controller = new AbortController();
    const slow = {
      ...io,
      tcp: {
        converse: (_r: unknown, signal: AbortSignal) =>
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () =>
              reject(new NetError({ code: 'cancelled', message: 'cancelled' })),
            ),
          ),
      },
    };
    setTimeout(() => controller.abort(), 1500);
    const report = await runDiagnosis({
      options: options(),
      emit: () => {},
      signal: controller.signal,
      io: slow as never,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    expect(report.cancelled).toBe(true);
    const connectivity = report.steps.find((s) => s.id === 'connectivity')!;
    expect(connectivity.probes.find((p) => p.id === 'dns')?.status).toBe('complete');
    expect(connectivity.probes.find((p) => p.id === 'tcp-connect')).toMatchObject({
      status: 'failed',
      failure: { code: 'cancelled' },
    });
  });
});
