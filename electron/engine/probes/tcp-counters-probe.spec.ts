import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../shared/report-info.js';
import { NetError, type CommandResult, type SystemIo } from '../net/engine-io.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import type { RunEnvironment } from '../runner/run-environment.js';
import {
  COUNTERS_TIMEOUT_MS,
  createTcpCountersProbes,
  readTcpCounters,
  tcpCountersBeforeProbe,
  tcpCountersProbe,
  type TcpCountersData,
  type TcpCountersProbes,
} from './tcp-counters-probe.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../parsers/fixtures/sockets/${name}`, import.meta.url), 'utf8');
}

type Reply = Partial<CommandResult> | NetError;

/** A machine whose command outputs change when `later()` is called: the readings before and after. */
function fakeSystem(phases: Record<string, Reply>[]): { system: SystemIo; calls: string[]; later(): void } {
  const calls: string[] = [];
  let phase = 0;
  const system: SystemIo = {
    async which() {
      return '/usr/bin/tool';
    },
    async run(file, args, options) {
      expect(options.timeoutMs).toBe(COUNTERS_TIMEOUT_MS);
      const line = [file, ...args].join(' ');
      calls.push(line);
      const reply = phases[Math.min(phase, phases.length - 1)]?.[line];
      if (reply === undefined)
        throw new NetError({ code: 'tool_missing', message: `${file} is not installed` });
      if (reply instanceof NetError) throw reply;
      return { code: 0, stdout: '', stderr: '', ...reply };
    },
  };
  return { system, calls, later: () => (phase += 1) };
}

/** A run's results: what the probes already reported, as the runner would keep them. */
function context(system: SystemIo, reports: Map<string, ProbeReport>, clock = { now: 0 }): ProbeContext {
  const env = { io: { system }, now: () => clock.now } as unknown as RunEnvironment;
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    env,
    results: {
      get: <D>(probe: ProbeDefinition<D>) => reports.get(probe.id) as ProbeReport<D> | undefined,
      data: <D>(probe: ProbeDefinition<D>): D | null => {
        const report = reports.get(probe.id);
        return report?.status === 'complete' ? (report.data as D) : null;
      },
    },
  };
}

function record<D>(
  reports: Map<string, ProbeReport>,
  probe: ProbeDefinition<D>,
  outcome: ProbeOutcome<D>,
): void {
  reports.set(probe.id, {
    id: probe.id,
    title: probe.title,
    status: outcome.status,
    durationMs: 1,
    summary: outcome.status === 'complete' ? outcome.summary : '',
    skipReason: outcome.status === 'skipped' ? outcome.reason : undefined,
    data: outcome.data ?? null,
  });
}

function complete<D>(outcome: ProbeOutcome<D>): Extract<ProbeOutcome<D>, { status: 'complete' }> {
  if (outcome.status !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome;
}

/** Runs the pair as a run would: the first probe, the traffic (`later`), then the second probe. */
async function runPair(
  probes: TcpCountersProbes,
  fake: ReturnType<typeof fakeSystem>,
): Promise<{ first: ProbeOutcome<unknown>; last: ProbeOutcome<TcpCountersData> }> {
  const reports = new Map<string, ProbeReport>();
  const clock = { now: 120 };
  const ctx = context(fake.system, reports, clock);
  const first = await probes.tcpCountersBeforeProbe.run(ctx);
  record(reports, probes.tcpCountersBeforeProbe, first);
  fake.later();
  clock.now = 9120;
  const last = await probes.tcpCountersProbe.run(ctx);
  return { first, last };
}

const LINUX = [
  {
    'cat /proc/net/snmp': { stdout: fixture('linux-snmp-before.txt') },
    'cat /proc/net/netstat': { stdout: fixture('linux-netstat-before.txt') },
  },
  {
    'cat /proc/net/snmp': { stdout: fixture('linux-snmp-after.txt') },
    'cat /proc/net/netstat': { stdout: fixture('linux-netstat-after.txt') },
  },
];

describe('TCP counter probes', () => {
  it('are the probes named in the checklist', () => {
    expect([tcpCountersBeforeProbe.id, tcpCountersBeforeProbe.title]).toEqual([
      'tcp-counters-before',
      'TCP counters at the start',
    ]);
    expect([tcpCountersProbe.id, tcpCountersProbe.title]).toEqual([
      'tcp-counters',
      'TCP counters during the run',
    ]);
  });

  it('on Linux report the resets a run caused (recorded /proc/net files)', async () => {
    const fake = fakeSystem(LINUX);
    const { first, last } = await runPair(createTcpCountersProbes({ platform: 'linux' }), fake);
    expect(fake.calls).toEqual([
      'cat /proc/net/snmp',
      'cat /proc/net/netstat',
      'cat /proc/net/snmp',
      'cat /proc/net/netstat',
    ]);
    expect(first).toMatchObject({
      status: 'complete',
      assessment: 'ok',
      summary:
        'Noted the TCP counters (/proc/net/snmp, /proc/net/netstat): 0 resets, 0 retransmitted segments so far',
      data: { platform: 'linux', atMs: 120 },
    });
    const outcome = complete(last);
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      'During the run (machine-wide): 2 connections reset while established, 4 resets sent, 3 failed connection attempts, 0 segments retransmitted, 0 aborts on timeout',
    );
    expect(outcome.data.highlights).toEqual([
      '2 established connections were reset (EstabResets)',
      '4 resets were sent (OutRsts)',
      '3 connection attempts failed (AttemptFails)',
      '1 connection was aborted with data pending (TCPAbortOnData)',
    ]);
    expect(outcome.data.delta).toMatchObject({
      estabResets: 2,
      outRsts: 4,
      attemptFails: 3,
      abortOnData: 1,
      activeOpens: 5,
    });
    expect(outcome.data.before.counters.outRsts).toBe(0);
    expect(outcome.data.after.counters.outRsts).toBe(4);
    expect(outcome.data.elapsedMs).toBe(9000);
  });

  it('are ok when nothing bearing on resets moved', async () => {
    const same = LINUX[1] ?? {};
    const { last } = await runPair(createTcpCountersProbes({ platform: 'linux' }), fakeSystem([same, same]));
    const outcome = complete(last);
    expect(outcome.assessment).toBe('ok');
    expect(outcome.data.highlights).toEqual([]);
    expect(Object.values(outcome.data.delta).every((n) => n === 0)).toBe(true);
  });

  it('on Windows add up netstat -s for IPv4 and IPv6', async () => {
    const fake = fakeSystem([
      {
        'netstat.exe -s -p tcp': { stdout: fixture('windows-netstat-s-before.txt') },
        'netstat.exe -s -p tcpv6': { stdout: fixture('windows-netstat-s-v6-before.txt') },
      },
      {
        'netstat.exe -s -p tcp': { stdout: fixture('windows-netstat-s-after.txt') },
        'netstat.exe -s -p tcpv6': { stdout: fixture('windows-netstat-s-v6-after.txt') },
      },
    ]);
    const { first, last } = await runPair(createTcpCountersProbes({ platform: 'win32' }), fake);
    expect(first).toMatchObject({
      summary:
        'Noted the TCP counters (netstat -s -p tcp, netstat -s -p tcpv6): 4150 resets, 10077 retransmitted segments so far',
    });
    const outcome = complete(last);
    expect(outcome.summary).toBe(
      'During the run (machine-wide): 8 connections reset, 3 failed connection attempts, 18 segments retransmitted',
    );
    expect(outcome.data.highlights).toEqual([
      '8 connections were reset (Reset Connections)',
      '3 connection attempts failed (Failed Connection Attempts)',
      '18 segments were retransmitted',
    ]);
    expect(outcome.data.after.currentConnections).toBe(46);
    expect(outcome.assessment).toBe('warn');
  });

  it('on macOS report drops and retransmit timeouts', async () => {
    const fake = fakeSystem([
      { 'netstat -s -p tcp': { stdout: fixture('macos-netstat-s-before.txt') } },
      { 'netstat -s -p tcp': { stdout: fixture('macos-netstat-s-after.txt') } },
    ]);
    const { last } = await runPair(createTcpCountersProbes({ platform: 'darwin' }), fake);
    const outcome = complete(last);
    expect(outcome.summary).toBe(
      'During the run (machine-wide): 3 connections dropped, 1 failed connection attempt, 12 segments retransmitted, 1 abort on timeout',
    );
    expect(outcome.data.highlights).toEqual([
      '3 connections were dropped (connections closed … drops)',
      '1 connection attempt failed (embryonic connections dropped)',
      '1 connection was given up after retransmitting (abort on timeout)',
      '12 segments were retransmitted',
    ]);
    expect(outcome.data.delta.timeouts).toBe(6);
  });

  it('skip the second reading when the first was skipped, with its reason', async () => {
    const fake = fakeSystem(LINUX);
    const { first, last } = await runPair(createTcpCountersProbes({ platform: 'sunos' }), fake);
    expect(first).toEqual({
      status: 'skipped',
      reason: 'Reading TCP counters on sunos is not supported; it works on Linux, Windows and macOS.',
    });
    expect(last).toEqual({
      status: 'skipped',
      reason:
        'No TCP counters to compare with: Reading TCP counters on sunos is not supported; it works on Linux, Windows and macOS.',
    });
    expect(fake.calls).toEqual([]);
  });

  it('skip the second reading when the first never ran', async () => {
    const fake = fakeSystem(LINUX);
    const outcome = await createTcpCountersProbes({ platform: 'linux' }).tcpCountersProbe.run(
      context(fake.system, new Map()),
    );
    expect(outcome).toEqual({
      status: 'skipped',
      reason: 'No TCP counters to compare with: they were not read at the start of the run',
    });
    expect(fake.calls).toEqual([]);
  });

  it('are skipped with the reason when reading fails', async () => {
    const fake = fakeSystem([
      { 'cat /proc/net/snmp': { code: 1, stderr: 'cat: /proc/net/snmp: No such file or directory\n' } },
    ]);
    const outcome = await createTcpCountersProbes({ platform: 'linux' }).tcpCountersBeforeProbe.run(
      context(fake.system, new Map()),
    );
    expect(outcome).toEqual({
      status: 'skipped',
      reason:
        'The TCP counters could not be read: cat /proc/net/snmp exited with code 1: cat: /proc/net/snmp: No such file or directory',
    });
  });

  it('read the Tcp group alone when /proc/net/netstat is missing', async () => {
    const fake = fakeSystem([{ 'cat /proc/net/snmp': { stdout: fixture('linux-snmp-after.txt') } }]);
    const counters = await readTcpCounters(context(fake.system, new Map()), 'linux');
    expect(counters?.source).toBe('/proc/net/snmp');
    expect(counters?.counters).toMatchObject({ estabResets: 2, outRsts: 4 });
    expect(await readTcpCounters(context(fake.system, new Map()), 'aix')).toBeNull();
  });

  it('pass cancellation on', async () => {
    const cancelled = new NetError({ code: 'cancelled', message: 'cancelled' });
    const fake = fakeSystem([{ 'netstat -s -p tcp': cancelled }]);
    await expect(
      createTcpCountersProbes({ platform: 'darwin' }).tcpCountersBeforeProbe.run(
        context(fake.system, new Map()),
      ),
    ).rejects.toBe(cancelled);
  });
});
