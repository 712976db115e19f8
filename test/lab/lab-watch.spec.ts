/**
 * `reset-doctor watch` in the lab: it runs in the client namespace while a lab client plays the person's
 * application (curl, a process watch did not start), and must catch each reset with its sender.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WatchResult } from '../../electron/shared/watch-info.js';
import { AS_NOBODY, cliCommand } from './lab-cli.js';
import { httpGet, tcpSession } from './lab-client.js';
import { onPathInjector, ordinal, stringRule, web } from './lab-scenario-kit.js';
import { connectionCap } from './lab-scenarios-load.js';
import { forgetfulFirewall } from './lab-scenarios-idle.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();
const KEYWORD = 'forbidden-word';

/** Starts watch, lets its capture open, runs `traffic`, and returns watch's exit code and its JSON. */
async function watchWhile(
  lab: Lab,
  target: string,
  args: string[],
  traffic: () => Promise<void>,
  options: { asNobody?: boolean } = {},
): Promise<{ code: number | null; result: WatchResult; stderr: string }> {
  const command = [...cliCommand(), 'watch', target, '--json', ...args];
  const child = options.asNobody
    ? lab.spawn(lab.names.client, 'setpriv', [...AS_NOBODY, ...command])
    : lab.spawn(lab.names.client, command[0]!, command.slice(1));
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Its traffic once watch says it is watching (its capture open), not after a guess at how long that takes.
  for (let waited = 0; !stderr.includes('Watching ') && waited < 15_000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  await traffic();
  const code = await exited;
  try {
    return { code, result: JSON.parse(stdout) as WatchResult, stderr };
  } catch {
    throw new Error(`watch printed no JSON (exit ${code}): ${stderr.slice(0, 500)}`);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'rd-lab-watch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tshark = spawnSync('tshark', ['--version']).status === 0;

/** Three connections opened a little apart and left idle: the server resets each after its timeout. */
async function idleSessions(lab: Lab, seconds: number): Promise<void> {
  await Promise.all(
    [0, 400, 900].map(async (delay) => {
      await new Promise((r) => setTimeout(r, delay));
      await tcpSession(lab, '198.18.4.2', 80, { waitMs: (seconds + 2) * 1000 });
    }),
  );
}

/** One request per gap, each on its own connection sent after that long idle, then `waitMs` for the answer. */
async function requestsAfter(lab: Lab, gaps: readonly number[], waitMs: number): Promise<void> {
  await Promise.all(
    gaps.map((gap) =>
      tcpSession(lab, '198.18.4.2', 80, {
        send: 'GET / HTTP/1.0\\r\\nHost: web.lab.test\\r\\n\\r\\n',
        sendAfterMs: gap * 1000,
        waitMs: gap * 1000 + waitMs,
      }),
    ),
  );
}

describe.skipIf(unavailable !== null)(`lab: watch${unavailable ? ` — skipped: ${unavailable}` : ''}`, () => {
  let lab: Lab | null = null;
  afterEach(async () => {
    await lab?.destroy();
    lab = null;
  });

  for (const every of [2, 3])
    it(`catches every reset a bad backend (every ${ordinal(every)} connection) sends to another program, names the server and the period`, async () => {
      lab = await createLab();
      await lab.startServer('reset-every-nth', { port: 80, every });
      const l = lab;
      const { code, result } = await watchWhile(
        l,
        'http://web.lab.test/',
        ['--until', '3', '--for', '20'],
        async () => {
          for (let i = 0; i < 3 * every; i++) await httpGet(l, 'http://web.lab.test/', { timeoutMs: 3000 });
        },
      );
      expect(code).toBe(1);
      expect(result.stoppedBy).toBe('count');
      expect(result.catches).toHaveLength(3);
      for (const c of result.catches) expect(c.verdict).toMatchObject({ origin: 'server' });
      expect(result.catches.map((c) => c.order)).toEqual([every, 2 * every, 3 * every]);
      expect(result.patterns.find((p) => p.kind === 'one-sender')).toMatchObject({ origin: 'server' });
      expect(result.patterns.find((p) => p.kind === 'every-nth')).toMatchObject({ period: every });
      expect(result.counts.connections).toBeGreaterThanOrEqual(3 * every - 1);
      // The verdict over the catches: the application behind the server's address (one bad backend), never
      // the path, never an idle timer.
      expect(result.diagnosis?.verdict).toBe('application-error');
      expect(result.diagnosis?.findings[0]).toMatchObject({
        origin: 'server',
        intermittency: { pattern: 'every-nth', period: every },
      });
    }, 40_000);

  // A client that opens more connections at once than the server's firewall lets in: two waves of
  // limit + 2, each held open for a while.
  for (const limit of [3, 5])
    it(`names a limit of ${limit} connections at once from the socket table's count, and the server that enforces it`, async () => {
      lab = await createLab();
      await web(lab);
      await connectionCap(lab, limit);
      const l = lab;
      const wave = () =>
        Promise.all(
          Array.from({ length: limit + 2 }, async (_, i) => {
            await new Promise((r) => setTimeout(r, i * 200));
            await tcpSession(l, '198.18.4.2', 80, { waitMs: 2500 });
          }),
        );
      const { code, result } = await watchWhile(l, '198.18.4.2:80', ['--for', '13'], async () => {
        await wave();
        await new Promise((r) => setTimeout(r, 500));
        await wave();
      });
      expect(code).toBe(1);
      const summary = JSON.stringify(result.catches.map((c) => [c.order, c.concurrent]));
      expect(result.catches, summary).toHaveLength(4);
      for (const c of result.catches)
        expect(c, summary).toMatchObject({
          concurrent: limit + 1,
          bytesIn: 0,
          verdict: { origin: 'server' },
        });
      expect(result.counts.survived.mostConcurrent).toBe(limit);
      expect(result.patterns.find((p) => p.kind === 'under-concurrency')).toMatchObject({
        atLeast: limit + 1,
        survived: limit,
      });
      expect(result.diagnosis?.verdict).toBe('connection-limit');
      expect(result.diagnosis?.findings[0]?.origin).toBe('server');
    }, 40_000);

  it('checks the target itself with --every when no program talks to it, and judges the resets of its checks', async () => {
    lab = await createLab();
    await lab.startServer('reset-every-nth', { port: 80, every: 3 });
    const { code, result } = await watchWhile(
      lab,
      'http://web.lab.test/',
      ['--every', '1', '--for', '5'],
      () => Promise.resolve(),
    );
    expect(code).toBe(1);
    expect(result.checks.length).toBeGreaterThanOrEqual(4);
    const reset = result.checks.filter((c) => c.outcome === 'reset');
    const answered = result.checks.filter((c) => c.outcome === 'complete');
    expect(reset.length).toBeGreaterThanOrEqual(1);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    for (const check of reset) {
      const caught = result.catches.find((c) => c.localPort === check.localPort);
      expect(caught?.verdict, JSON.stringify(result.catches)).toMatchObject({ origin: 'server' });
    }
  }, 40_000);

  /** Router `router` resets requests with the keyword; curl sends five, two of them with it. */
  async function keywordResets(router: number, args: string[]) {
    lab = await createLab();
    await web(lab);
    await stringRule(lab, router, 80, KEYWORD, 'reset');
    const l = lab;
    const run = await watchWhile(l, 'http://web.lab.test/', ['--for', '6', ...args], async () => {
      // IPv4: the router's rule is (the lab's name resolves to both families, curl prefers IPv6).
      for (const path of ['/', `/${KEYWORD}`, '/a', `/${KEYWORD}/b`, '/c'])
        await httpGet(l, `http://web.lab.test${path}`, { timeoutMs: 3000, curlArgs: ['-4'] });
    });
    expect(run.code).toBe(1);
    expect(run.result.stoppedBy).toBe('time');
    expect(run.result.catches.length).toBeGreaterThanOrEqual(2);
    for (const c of run.result.catches) expect(c.verdict).toMatchObject({ origin: 'path', hop: router });
    expect(run.result.diagnosis?.verdict).toBe('firewall-reset');
    // TTL 64 is router 1's or this machine's own firewall: without reading the local rules (a diagnosis
    // does), the verdict over the catches names the path but not the hop.
    const lead = run.result.diagnosis?.findings[0];
    expect(lead?.origin).toBe('path');
    expect(lead?.hop).toBe(router === 1 ? undefined : router);
    return run.result;
  }

  // The checks' own request carries the keyword: the router resets them, and the watch places it by TTL.
  for (const router of [1, 2]) {
    it(`after the path resets its checks, replays their request by TTL and places router ${router}, with its address`, async () => {
      lab = await createLab();
      await web(lab);
      await stringRule(lab, router, 80, KEYWORD, 'reset');
      const { code, result } = await watchWhile(
        lab,
        `http://198.18.4.2/${KEYWORD}`,
        ['--every', '1', '--for', '6'],
        () => Promise.resolve(),
      );
      expect(code).toBe(1);
      expect(result.catches.length).toBeGreaterThanOrEqual(2);
      // Only the checks: the search's own replays, reset as meant, are never caught.
      for (const c of result.catches)
        expect(c).toMatchObject({
          how: 'reset',
          owner: { process: "this watch's check" },
          verdict: { origin: 'path' },
        });
      expect(result.hopSearch, JSON.stringify(result.hopSearch)).toMatchObject({
        verdict: 'located',
        hop: router,
        exact: true,
        hopAddress: expect.stringMatching(/^198\.18\./),
      });
      expect(result.diagnosis?.verdict).toBe('firewall-reset');
      expect(result.diagnosis?.findings[0]).toMatchObject({ origin: 'path', hop: router });
    }, 40_000);
  }

  for (const router of [1, 2]) {
    it(`names router ${router} for the resets it forges on a keyword, among answered requests`, async () => {
      await keywordResets(router, []);
    }, 40_000);
  }

  for (const [ttl, what] of [
    ['64', 'its own TTL: hop 2 named'],
    ['62', "the server's TTL forged: the burst and the server's late answer give it away"],
  ] as const) {
    it(`names the path for an injector's burst of resets, ${what}`, async () => {
      lab = await createLab();
      await web(lab);
      await onPathInjector(lab, KEYWORD, ['--ttl', ttl]);
      const l = lab;
      const { code, result } = await watchWhile(l, '198.18.4.2:80', ['--for', '5'], async () => {
        for (const path of ['/', `/slow?ms=50&${KEYWORD}`, '/a'])
          await httpGet(l, `http://198.18.4.2${path}`, { timeoutMs: 3000 });
      });
      expect(code).toBe(1);
      expect(result.catches).toHaveLength(1);
      expect(result.catches[0]!.verdict).toMatchObject({
        origin: 'path',
        ...(ttl === '64' ? { hop: 2 } : {}),
      });
    }, 40_000);
  }

  // A firewall that drops requests with a keyword: the connection opens, its request is never answered.
  for (const every of [null, 1]) {
    it(`catches the requests a firewall drops on a keyword as silences${every ? ', and with pings beside --every checks names a firewall drop' : ', and without a ping leaves a rule or loss undecided'}`, async () => {
      lab = await createLab();
      await web(lab);
      await stringRule(lab, 2, 80, KEYWORD, 'drop');
      const l = lab;
      const args = ['--for', '9', ...(every ? ['--every', String(every)] : [])];
      const { code, result } = await watchWhile(l, 'http://198.18.4.2/', args, async () => {
        await Promise.all(
          ['/', `/${KEYWORD}`, '/a', `/${KEYWORD}/b`, '/c'].map((path) =>
            httpGet(l, `http://198.18.4.2${path}`, { timeoutMs: 6000 }),
          ),
        );
      });
      expect(code).toBe(1);
      const silences = result.catches.filter((c) => c.how === 'silence');
      expect(silences, JSON.stringify(result.catches)).toHaveLength(2);
      for (const c of silences)
        expect(c).toMatchObject({
          verdict: null,
          owner: { process: 'curl' },
          silence: { connecting: false },
        });
      expect(result.patterns.some((p) => p.kind === 'after-idle')).toBe(false);
      const lead = result.diagnosis?.findings[0];
      expect(lead?.origin).toBe('unknown');
      if (every) {
        expect(result.checks.length).toBeGreaterThanOrEqual(5);
        expect(result.checks.every((c) => c.ping?.answered === true)).toBe(true);
        expect(result.diagnosis?.verdict).toBe('firewall-drop');
      } else {
        expect(result.diagnosis?.verdict).toBe('inconclusive');
        expect(lead?.candidates).toEqual(expect.arrayContaining(['firewall-drop', 'packet-loss']));
      }
    }, 40_000);
  }

  it('catches a FIN a device on the path sends in the server name (the application reads EOF), and names hop 2', async () => {
    lab = await createLab();
    await web(lab);
    await onPathInjector(lab, KEYWORD, ['--fin']);
    const l = lab;
    const { code, result } = await watchWhile(l, '198.18.4.2:80', ['--for', '5'], async () => {
      for (const path of ['/', `/${KEYWORD}`, '/a', `/b/${KEYWORD}`])
        await httpGet(l, `http://198.18.4.2${path}`, { timeoutMs: 3000 });
    });
    expect(code).toBe(1);
    expect(result.catches.map((c) => c.how)).toEqual(['fin', 'fin']);
    for (const c of result.catches) expect(c.verdict).toMatchObject({ origin: 'path', hop: 2 });
    expect(result.counts).toMatchObject({ resets: 0, pathCloses: 2 });
    // The answered requests' own FINs (the server's, TTL as its SYN-ACK) are not caught.
    expect(result.counts.closed).toBeGreaterThanOrEqual(4);
  }, 40_000);

  it.skipIf(!tshark)(
    `writes the packets around each reset as pcapng: tshark finds each reset at the frames named, with the verdict${tshark ? '' : ' — skipped: tshark is not installed (apt-get install tshark)'}`,
    async () => {
      const pcapFile = join(tmp, 'watch.pcapng');
      const reportFile = join(tmp, 'watch.html');
      const result = (await keywordResets(2, ['--pcap', pcapFile, '--report', reportFile])) as WatchResult & {
        pcap: { file: string; frames: Record<string, { first: number; last: number }> };
      };
      expect(result.pcap.file).toBe(pcapFile);
      const read = await lab!.exec(lab!.names.client, 'tshark', [
        '-r',
        pcapFile,
        '-Y',
        'tcp.flags.reset == 1',
        '-T',
        'fields',
        '-E',
        'separator=|',
        '-e',
        'frame.number',
        '-e',
        'ip.ttl',
        '-e',
        'frame.comment',
      ]);
      expect(read.code, read.stderr).toBe(0);
      const rows = read.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('|'));
      expect(rows).toHaveLength(result.catches.length);
      for (const [i, c] of result.catches.entries()) {
        expect(Number(rows[i]![0])).toBe(result.pcap.frames[c.connectionId]!.last);
        expect(Number(rows[i]![1])).toBe(c.verdict?.ttl);
        expect(rows[i]![2]).toContain('device on the path (hop 2)');
      }
      // The HTML report beside it: the wizard's timeline, a mark per catch, each catch's frames.
      const html = readFileSync(reportFile, 'utf8');
      expect(html).toMatch(/<figure class="timeline svelte-[a-z0-9]+"><svg /);
      expect(html.match(/<circle class="mark path /g)).toHaveLength(result.catches.length);
      for (const c of result.catches) {
        const f = result.pcap.frames[c.connectionId]!;
        expect(html).toContain(`<td>${f.first}–${f.last}</td>`);
      }
    },
    40_000,
  );

  for (const seconds of [3, 5]) {
    it(`measures a ${seconds} s idle timeout from the connections another program left idle`, async () => {
      lab = await createLab();
      await lab.startServer('idle-close', { port: 80, idleSeconds: seconds });
      const l = lab;
      const { code, result } = await watchWhile(l, '198.18.4.2:80', ['--until', '3', '--for', '20'], () =>
        idleSessions(l, seconds),
      );
      expect(code).toBe(1);
      expect(result.catches).toHaveLength(3);
      const idle = result.patterns.find((p) => p.kind === 'after-idle');
      expect(idle, JSON.stringify(result.catches.map((c) => c.idleMs))).toBeDefined();
      expect(Math.abs(idle!.seconds - seconds)).toBeLessThanOrEqual(Math.max(0.5, seconds * 0.1));
      expect(result.patterns.find((p) => p.kind === 'one-sender')).toMatchObject({ origin: 'server' });
      // They lived long enough for the socket table to name the program that held them.
      for (const c of result.catches)
        expect(c.owner).toMatchObject({ process: 'node', pid: expect.any(Number) });
      expect(result.diagnosis?.verdict).toBe('idle-timeout');
      const lead = result.diagnosis?.findings[0];
      expect(lead?.origin).toBe('server');
      expect(Math.abs((lead?.idleTimeoutSeconds ?? 0) - seconds)).toBeLessThanOrEqual(
        Math.max(0.5, seconds * 0.1),
      );
    }, 40_000);
  }

  // A client that idles at random gaps before each request: the firewall resets only those past its timer.
  for (const [timeout, gaps] of [
    [3, [1.2, 2.1, 4.4, 5.6, 6.9]],
    [5, [1.6, 3.7, 6.3, 7.2, 8.4]],
  ] as const) {
    it(`brackets a firewall's ${timeout} s idle timeout from a client idling at random gaps, and names hop 2`, async () => {
      lab = await createLab();
      await forgetfulFirewall(lab, timeout);
      const l = lab;
      const longest = Math.max(...gaps);
      const { code, result } = await watchWhile(
        l,
        '198.18.4.2:80',
        ['--for', String(Math.ceil(longest) + 4)],
        () => requestsAfter(l, gaps, 2000),
      );
      const expected = gaps.filter((g) => g > timeout).length;
      expect(code).toBe(1);
      expect(result.catches, JSON.stringify(result.catches.map((c) => c.idleMs))).toHaveLength(expected);
      for (const c of result.catches) expect(c.verdict).toMatchObject({ origin: 'path', hop: 2 });
      const idle = result.patterns.find((p) => p.kind === 'after-idle');
      expect(idle, JSON.stringify(result.patterns)).toBeDefined();
      // Between the longest gap answered and the shortest reset one, measured from real traffic.
      expect(idle!.lower).toBeGreaterThanOrEqual(Math.max(...gaps.filter((g) => g < timeout)) - 0.3);
      expect(idle!.lower!).toBeLessThanOrEqual(timeout);
      expect(idle!.seconds).toBeGreaterThanOrEqual(timeout);
      expect(result.diagnosis?.verdict).toBe('idle-timeout');
      expect(result.diagnosis?.findings[0]).toMatchObject({ origin: 'path', hop: 2 });
    }, 40_000);
  }

  // The same firewall dropping, not resetting: the client's request after the gap is never answered.
  for (const [timeout, gaps] of [
    [3, [1.1, 2.2, 4.6, 5.4, 6.6]],
    [5, [1.4, 3.6, 6.8, 7.7, 8.9]],
  ] as const) {
    it(`catches the silences a firewall that forgets idle connections after ${timeout} s leaves, and brackets its timeout without naming who dropped`, async () => {
      lab = await createLab();
      await forgetfulFirewall(lab, timeout, 'drop');
      const l = lab;
      const longest = Math.max(...gaps);
      const { code, result, stderr } = await watchWhile(
        l,
        '198.18.4.2:80',
        ['--for', String(Math.ceil(longest) + 7)],
        () => requestsAfter(l, gaps, 5500),
      );
      const dropped = gaps.filter((g) => g > timeout);
      expect(code, stderr).toBe(1);
      const silences = result.catches.filter((c) => c.how === 'silence');
      expect(silences, JSON.stringify(result.catches)).toHaveLength(dropped.length);
      expect(result.catches.filter((c) => c.how !== 'silence')).toEqual([]);
      expect(result.counts.silences).toBe(dropped.length);
      for (const c of silences) {
        // Nobody is named: a silence has no packet to judge.
        expect(c).toMatchObject({ verdict: null, seenBy: 'capture', owner: { process: 'node' } });
        expect(c.silence!.silentMs).toBeGreaterThanOrEqual(3000);
        expect(c.silence!.connecting).toBe(false);
      }
      // Each silence's idle gap, estimated from the retransmission timer, within a second of the client's.
      const idle = silences.map((c) => c.idleMs! / 1000).sort((a, b) => a - b);
      idle.forEach((gap, i) => expect(Math.abs(gap - dropped[i]!)).toBeLessThan(1));
      const pattern = result.patterns.find((p) => p.kind === 'after-idle');
      expect(pattern, JSON.stringify(result.patterns)).toMatchObject({ ended: 'silence' });
      expect(pattern!.lower!).toBeGreaterThanOrEqual(Math.max(...gaps.filter((g) => g < timeout)) - 0.3);
      expect(pattern!.lower!).toBeLessThanOrEqual(timeout);
      expect(pattern!.seconds).toBeGreaterThanOrEqual(timeout - 0.5);
      expect(result.diagnosis?.verdict).toBe('idle-timeout');
      // Dropped on the way or at the target: where, a silence cannot tell.
      expect(result.diagnosis?.findings[0]?.origin).toBe('unknown');
      expect(result.diagnosis?.findings[0]?.remedies[0]).toMatch(/drops their next packets/);
    }, 60_000);
  }

  it('without raw sockets, catches the silences from the socket table, and the idle time before them', async () => {
    lab = await createLab();
    await forgetfulFirewall(lab, 3, 'drop');
    const l = lab;
    const { code, result } = await watchWhile(
      l,
      '198.18.4.2:80',
      ['--until', '3', '--for', '25'],
      () =>
        Promise.all(
          [0, 300, 700].map(async (delay) => {
            await new Promise((r) => setTimeout(r, delay));
            await tcpSession(l, '198.18.4.2', 80, {
              send: 'GET / HTTP/1.0\\r\\nHost: web.lab.test\\r\\n\\r\\n',
              sendAfterMs: 4500,
              waitMs: 10_000,
            });
          }),
        ).then(() => undefined),
      { asNobody: true },
    );
    expect(code).toBe(1);
    expect(result.seenBy).toBe('socket-table');
    expect(result.catches).toHaveLength(3);
    for (const c of result.catches)
      expect(c).toMatchObject({ how: 'silence', seenBy: 'socket-table', verdict: null });
    const pattern = result.patterns.find((p) => p.kind === 'after-idle');
    expect(pattern, JSON.stringify(result.catches.map((c) => c.idleMs))).toMatchObject({ ended: 'silence' });
    expect(Math.abs(pattern!.seconds - 4.5)).toBeLessThanOrEqual(1);
    expect(result.diagnosis?.verdict).toBe('idle-timeout');
    expect(result.diagnosis?.findings[0]?.origin).toBe('unknown');
  }, 40_000);

  it('without raw sockets, records the resets from the socket table and names no sender', async () => {
    lab = await createLab();
    await lab.startServer('idle-close', { port: 80, idleSeconds: 3 });
    const l = lab;
    const { code, result } = await watchWhile(
      l,
      '198.18.4.2:80',
      ['--until', '3', '--for', '20'],
      () => idleSessions(l, 3),
      { asNobody: true },
    );
    expect(code).toBe(1);
    expect(result.seenBy).toBe('socket-table');
    expect(result.captureNote).toMatch(/^No packet capture/);
    expect(result.catches).toHaveLength(3);
    for (const c of result.catches) expect(c).toMatchObject({ seenBy: 'socket-table', verdict: null });
    // The idle timeout still shows, measured within a look of the table; the sender is never claimed.
    const idle = result.patterns.find((p) => p.kind === 'after-idle');
    expect(idle, JSON.stringify(result.catches.map((c) => c.idleMs))).toBeDefined();
    expect(Math.abs(idle!.seconds - 3)).toBeLessThanOrEqual(0.5);
    expect(result.patterns.some((p) => p.kind === 'one-sender')).toBe(false);
    // The verdict measures the timeout and never claims who sent the resets it did not see.
    expect(result.diagnosis?.verdict).toBe('idle-timeout');
    expect(result.diagnosis?.findings[0]?.origin).toBe('unknown');
  }, 40_000);
});
