import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { conversation, fakeIo, options, SERVER } from '../../../test/unit/fake-io.js';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import type { Conversation, ConversationEvent, ConversationRequest } from '../net/conversation-types.js';
import { parseTarget } from '../parsers/target-parser.js';
import { keepAliveSeconds } from '../diagnosis/causes/idle-timeout.js';
import { diagnoseFacts } from '../diagnosis/diagnose.js';
import { conv, facts as baseFacts, judged, requestData, tcpData } from '../../../test/unit/facts-fixture.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';
import {
  classify,
  estimate,
  firstRoundGaps,
  idleProbe,
  naiveSearch,
  narrowingGaps,
  type IdleData,
  type IdleTrial,
} from './idle-probe.js';

/**
 * Who forgets an idle connection, and after how many seconds: the server closes it by itself (RST or
 * FIN, with nothing sent); a path device forgets it and resets (or drops) the next packet.
 */
type IdleWorld =
  | { kind: 'server'; seconds: number; close?: 'reset' | 'closed' }
  | { kind: 'path'; seconds: number; silent?: boolean }
  | { kind: 'none' };

const RESPONSE_TIMEOUT_MS = 1000;

/** A timed fake of the TCP I/O (on vitest's fake clock): each conversation plays out `world`. */
function idleWorldIo(world: IdleWorld) {
  const requests: ConversationRequest[] = [];
  let open = 0;
  let maxOpen = 0;
  const base = fakeIo({});
  const io = {
    ...base.io,
    tcp: {
      converse(request: ConversationRequest, signal: AbortSignal): Promise<Conversation> {
        requests.push(request);
        open += 1;
        maxOpen = Math.max(maxOpen, open);
        const startedAt = Date.now();
        const gapMs = request.idleBeforeSendMs ?? 0;
        const events: ConversationEvent[] = [
          { at: startedAt, kind: 'connect-start' },
          { at: startedAt, kind: 'connected' },
        ];
        return new Promise((resolve) => {
          const end = (over: Partial<Conversation>) => {
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            open -= 1;
            resolve(conversation(request, { startedAt, endedAt: Date.now(), events, ...over }));
          };
          const onAbort = () =>
            end({ outcome: 'failed', failure: { code: 'cancelled', message: 'cancelled' } });
          signal.addEventListener('abort', onAbort, { once: true });
          const sent = () => events.push({ at: startedAt + gapMs, kind: 'sent' });
          let timer: ReturnType<typeof setTimeout>;
          if (world.kind === 'server' && gapMs >= world.seconds * 1000) {
            timer = setTimeout(() => {
              const outcome = world.close ?? 'reset';
              events.push({ at: Date.now(), kind: outcome === 'reset' ? 'reset' : 'fin' });
              end({
                outcome,
                phase: 'idle',
                failure: {
                  code: outcome === 'reset' ? 'connection_reset' : 'connection_closed',
                  message: 'closed',
                },
              });
            }, world.seconds * 1000);
          } else if (world.kind === 'path' && gapMs >= world.seconds * 1000) {
            if (world.silent) {
              timer = setTimeout(() => {
                sent();
                end({
                  outcome: 'timeout',
                  phase: 'request',
                  failure: { code: 'generic_timeout', message: 'no answer' },
                });
              }, gapMs + RESPONSE_TIMEOUT_MS);
            } else {
              timer = setTimeout(() => {
                sent();
                end({
                  outcome: 'reset',
                  phase: 'request',
                  failure: { code: 'connection_reset', message: 'reset' },
                });
              }, gapMs);
            }
          } else {
            timer = setTimeout(() => {
              sent();
              end({ outcome: 'complete' });
            }, gapMs);
          }
        });
      },
    },
  };
  return { io, requests, maxOpen: () => maxOpen };
}

/** Runs the probe against `world` on the fake clock; returns its data and what it asked for. */
async function measureIdle(world: IdleWorld, idleMax: number) {
  const { io, requests, maxOpen } = idleWorldIo(world);
  const env = {
    options: options({ idleMaxSeconds: idleMax }),
    target: parseTarget('http://web.lab.test/'),
    io,
    now: () => Date.now(),
  };
  const ctx = probeContext(env, {
    dns: { addresses: [{ address: SERVER, family: 4 }] },
    'tcp-connect': { attempts: [{ outcome: 'complete' }] },
  });
  const progress: { at: number; fraction: number | null | undefined }[] = [];
  ctx.progress = (_message, fraction) => progress.push({ at: Date.now(), fraction });
  const started = Date.now();
  const running = idleProbe.run(ctx);
  await vi.runAllTimersAsync();
  const outcome = completed(await running);
  return {
    outcome,
    data: outcome.data,
    requests,
    maxOpen: maxOpen(),
    wallSeconds: (Date.now() - started) / 1000,
    started,
    progress,
  };
}

function within(measured: number | null, truth: number): boolean {
  return measured !== null && Math.abs(measured - truth) <= Math.max(1, 0.1 * truth);
}

/** Each round waits at most its longest gap (plus one response timeout), never the sum of its gaps. */
function expectRoundsBounded(data: IdleData) {
  for (const r of data.rounds) {
    expect(r.seconds).toBeLessThanOrEqual(Math.max(...r.gaps) + RESPONSE_TIMEOUT_MS / 1000 + 0.01);
    expect(Math.max(...r.gaps)).toBeLessThanOrEqual(data.maxSeconds);
  }
}

describe('idle probe', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('narrows a path timeout over further rounds, each inside the previous bracket', async () => {
    const { outcome, data, maxOpen } = await measureIdle({ kind: 'path', seconds: 7 }, 12);
    expect(data.side).toBe('path');
    expect(within(data.idleTimeoutSeconds, 7), `measured ${data.idleTimeoutSeconds}`).toBe(true);
    expect(data.lowerSeconds!).toBeLessThan(7);
    expect(data.upperSeconds!).toBeGreaterThanOrEqual(7);
    expect(data.precisionSeconds!).toBeLessThanOrEqual(1);
    // Round 1 brackets 7 s between 6.9 and 9.1 s (too wide for ±1 s); round 2 narrows inside it.
    expect(data.rounds.length).toBe(2);
    const [first, second] = data.rounds;
    const r1 = estimate(data.trials.filter((t) => t.round === 1));
    for (const g of second!.gaps) {
      expect(g).toBeGreaterThan(r1.lower!);
      expect(g).toBeLessThan(r1.upper!);
    }
    expect(first!.gaps.length).toBeGreaterThan(5);
    expect(maxOpen).toBe(first!.gaps.length);
    expectRoundsBounded(data);
    // Longer gaps were stopped when a shorter one failed, not waited out.
    const stopped = data.trials.filter((t) => t.result === 'stopped');
    expect(stopped.length).toBeGreaterThan(0);
    expect(Math.min(...stopped.map((t) => t.gapSeconds))).toBeGreaterThan(data.upperSeconds!);
    expect(data.trials.filter((t) => t.result === 'reset-on-send').length).toBeGreaterThan(0);
    expect(data.trials.some((t) => t.result === 'closed-by-peer')).toBe(false);
    expect(data.searchSeconds).toBeLessThan(data.naive.waitSeconds);
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toMatch(/reset on the next packet.*a middlebox forgets them/);
  });

  it('says how far the search is each second, with a time left no longer than a round can wait', async () => {
    const { data, started, progress } = await measureIdle({ kind: 'path', seconds: 7 }, 12);
    // A tick each second of waiting, not only when a connection comes back (the longest waits ~12 s).
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(data.searchSeconds) - data.rounds.length);
    const roundOneEnd = started + data.rounds[0]!.seconds * 1000;
    for (const { at, fraction } of progress) {
      expect(fraction).toBeGreaterThanOrEqual(0);
      expect(fraction).toBeLessThanOrEqual(1);
      if (!fraction) continue;
      // What a progress bar shows as time left: elapsed × (1 − f) / f.
      const leftMs = ((at - started) * (1 - fraction)) / fraction;
      expect(leftMs).toBeLessThanOrEqual(data.maxSeconds * 1000 + 1);
      // Round 1 never looks done before it is (a late answer aside); stopped gaps may end it sooner.
      if (at <= roundOneEnd) expect(at + leftMs).toBeGreaterThanOrEqual(roundOneEnd - RESPONSE_TIMEOUT_MS);
    }
    const first = progress.filter((p) => p.at <= roundOneEnd).map((p) => p.fraction!);
    expect(first).toEqual([...first].sort((a, b) => a - b));
    expect(first.length).toBeGreaterThan(3);
  });

  it('times a server that closes idle connections directly, in one round, without waiting out longer gaps', async () => {
    const { data, outcome } = await measureIdle({ kind: 'server', seconds: 3 }, 8);
    expect(data.side).toBe('server');
    expect(data.idleTimeoutSeconds).toBe(3);
    expect(data.rounds.length).toBe(1);
    // The server closes every longer gap at 3 s: the round lasts 3 s, not 8.
    expect(data.rounds[0]!.seconds).toBe(3);
    const closed = data.trials.filter((t) => t.result === 'closed-by-peer');
    expect(closed.length).toBeGreaterThan(2);
    expect(closed.every((t) => t.gapSeconds >= 3 && t.closedAfterSeconds === 3)).toBe(true);
    expect(data.trials.filter((t) => t.result === 'survived').every((t) => t.gapSeconds < 3)).toBe(true);
    expect(outcome.summary).toMatch(/^The server closes connections idle for 3 s/);
  });

  it('tells a server that closes with a FIN from a path device that drops silently', async () => {
    const fin = await measureIdle({ kind: 'server', seconds: 6, close: 'closed' }, 10);
    expect(fin.data.side).toBe('server');
    expect(fin.data.idleTimeoutSeconds).toBe(6);
    const silent = await measureIdle({ kind: 'path', seconds: 5, silent: true }, 10);
    expect(silent.data.side).toBe('path');
    expect(within(silent.data.idleTimeoutSeconds, 5)).toBe(true);
    expect(silent.data.trials.some((t) => t.result === 'no-answer')).toBe(true);
    expect(silent.outcome.summary).toMatch(/get no answer on the next packet/);
  });

  it('reports no timeout when every gap up to --idle-max survives, after one wait of --idle-max', async () => {
    const { data, outcome, requests } = await measureIdle({ kind: 'none' }, 8);
    expect(data.idleTimeoutSeconds).toBeNull();
    expect(data.side).toBeNull();
    expect(data.rounds.length).toBe(1);
    expect(data.searchSeconds).toBe(8);
    expect(Math.max(...requests.map((r) => r.idleBeforeSendMs ?? 0))).toBe(8000);
    expect(outcome.assessment).toBe('ok');
    expect(outcome.summary).toMatch(/^Connections idle up to 8 s survived/);
  });

  it.each([
    ['path', 1.3, 10],
    ['path', 4, 8],
    ['path', 13, 60],
    ['path', 37, 60],
    ['path', 95, 120],
    ['path', 350, 600],
    ['path', 40, 3600],
    ['server', 2.5, 8],
    ['server', 75, 120],
  ] as const)(
    '%s timeout of %s s with --idle-max %s: within the ±10 per cent / ±1 s goal',
    async (kind, seconds, max) => {
      const { data } = await measureIdle({ kind, seconds }, max);
      expect(data.side).toBe(kind);
      expect(within(data.idleTimeoutSeconds, seconds), `measured ${data.idleTimeoutSeconds}`).toBe(true);
      expect(data.rounds.length).toBeLessThanOrEqual(4);
      expectRoundsBounded(data);
      // Never more than one --idle-max wait for the first round, and the rest shrink with the bracket.
      const total = data.rounds.reduce((s, r) => s + r.seconds, 0);
      expect(total).toBeLessThanOrEqual(2 * max + 2);
      expect(data.searchSeconds).toBeLessThan(data.naive.waitSeconds);
    },
  );

  it('skips unless --idle-max is given, naming the option that turns it on', async () => {
    const ctx = probeContext({ options: options(), target: parseTarget('web.lab.test:80') });
    expect(await idleProbe.run(ctx)).toEqual({
      status: 'skipped',
      reason: 'off: the idle test holds connections idle to measure an idle timeout',
      enables: { option: 'idleMaxSeconds' },
    });
  });
});

describe('idle probe arithmetic', () => {
  const c = (over: Partial<Conversation>) =>
    conversation(
      {
        address: SERVER,
        port: 80,
        family: 4,
        readUntil: 'http-response',
        connectTimeoutMs: 1,
        responseTimeoutMs: 1,
      },
      over,
    );
  const trial = (
    gapSeconds: number,
    result: IdleTrial['result'],
    closedAfterSeconds: number | null = null,
  ): IdleTrial => ({
    round: 1,
    gapSeconds,
    result,
    closedAfterSeconds,
    idleSeconds: null,
    conversation: c({}),
  });

  it('times a close from the end of the handshake (TLS included), not from the SYN', () => {
    const conv = c({
      startedAt: 0,
      endedAt: 3300,
      outcome: 'reset',
      events: [
        { at: 0, kind: 'connect-start' },
        { at: 100, kind: 'connected' },
        { at: 300, kind: 'tls-done' },
      ],
    });
    expect(classify(1, 5, conv)).toMatchObject({ result: 'closed-by-peer', closedAfterSeconds: 3 });
    const sent = c({
      outcome: 'reset',
      events: [
        { at: 1, kind: 'connected' },
        { at: 2, kind: 'sent' },
      ],
    });
    expect(classify(1, 5, sent).result).toBe('reset-on-send');
  });

  it('brackets on the idle time each connection really had, when its timer fired late', () => {
    const late = c({
      outcome: 'reset',
      events: [
        { at: 0, kind: 'connected' },
        { at: 7050, kind: 'sent' },
      ],
    });
    const trial69 = classify(1, 6.9, late);
    expect(trial69).toMatchObject({ result: 'reset-on-send', gapSeconds: 6.9, idleSeconds: 7.05 });
    expect(estimate([trial(5.24, 'survived'), trial69])).toMatchObject({ lower: 5.24, upper: 7.05 });
  });

  it('counts a send that raced the server close as the server, and an earlier reset as the path', () => {
    // The gap-5.99 request left just before the server's 6 s reset arrived.
    const race = estimate([
      trial(4.64, 'survived'),
      trial(5.99, 'reset-on-send'),
      trial(6.08, 'closed-by-peer', 6.04),
      trial(7.74, 'closed-by-peer', 6.02),
      trial(10, 'closed-by-peer', 6),
    ]);
    expect(race).toMatchObject({ side: 'server', timeout: 6.02 });
    const pathFirst = estimate([
      trial(3, 'survived'),
      trial(4, 'reset-on-send'),
      trial(8, 'closed-by-peer', 6),
    ]);
    expect(pathFirst).toMatchObject({ side: 'path', lower: 3, upper: 4, timeout: 3.5, precision: 0.5 });
  });

  it('spreads round 1 geometrically up to --idle-max and narrows strictly inside the bracket', () => {
    const first = firstRoundGaps(60);
    expect(first.at(-1)).toBe(60);
    expect(first[0]).toBe(1);
    const ratios = first.slice(1).map((g, i) => g / first[i]!);
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeLessThan(0.02);
    const inside = narrowingGaps(24.3, 38.1);
    expect(inside.every((g) => g > 24.3 && g < 38.1)).toBe(true);
    // Spaced finely enough for ±10 % of 24.3 s in one more round.
    expect((38.1 - 24.3) / (inside.length + 1)).toBeLessThanOrEqual(2 * 0.9 * 2.43);
  });

  it('prices the one-at-a-time search at the earliest timeout the data allow, in max(1 s, 10 %) steps', () => {
    // Path, 3.17 s survived and 4 s reset: tries 1, 2, 3 survive, the 4 s one is reset: 1+2+3+4 s.
    const path = estimate([trial(3.17, 'survived'), trial(4, 'reset-on-send')]);
    expect(naiveSearch(path, 8)).toEqual({ stepSeconds: 1, tries: 4, waitSeconds: 10 });
    // Server closing at 3.01 s: tries 1 and 2 survive, the 3 s one is closed at 3.01 s.
    const server = estimate([trial(2.52, 'survived'), trial(4, 'closed-by-peer', 3.01)]);
    expect(naiveSearch(server, 8)).toEqual({ stepSeconds: 1, tries: 3, waitSeconds: 6.01 });
    // ≈ 40.9 s: 4.1 s steps, the tenth (41 s) is the first above the 37.8 s that survived.
    const long = estimate([trial(37.8, 'survived'), trial(44.06, 'reset-on-send')]);
    expect(naiveSearch(long, 60)).toEqual({ stepSeconds: 4.1, tries: 10, waitSeconds: 225.5 });
    // Nothing failed: the scan to --idle-max, 1 + 2 + … + 8 s.
    expect(naiveSearch(estimate([trial(8, 'survived')]), 8)).toEqual({
      stepSeconds: 1,
      tries: 8,
      waitSeconds: 36,
    });
  });
});

describe('idle diagnosis', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The idle data, a fresh request that worked, and the idle connections' resets as captured. */
  const idleTimeoutRule = (idle: IdleData, resets: Partial<ResetVerdict>[] = []) => {
    const rsts = resets.map((r) => {
      const trial = idle.trials.find((t) => `idle ${t.gapSeconds} s` === r.connection)!;
      return judged(trial.conversation, r.origin!, { role: 'idle', hop: r.hop ?? null });
    });
    const d = diagnoseFacts(
      baseFacts({
        idle,
        tcp: tcpData(conv({ outcome: 'complete', at: 300, bytes: 0 })),
        request: requestData(conv({ outcome: 'complete', at: 5 })),
        resets: rsts,
        captured: rsts.length > 0,
      }),
    );
    return d.findings.filter((f) => f.cause === 'idle-timeout');
  };

  it('keeps alive at 2/3 of the timeout, rounded down, at least 1 s, always below it', () => {
    expect(keepAliveSeconds(4)).toBe(2);
    expect(keepAliveSeconds(7.27)).toBe(4);
    expect(keepAliveSeconds(350)).toBe(233);
    expect(keepAliveSeconds(1.3)).toBe(1);
    expect(keepAliveSeconds(0.9)).toBeLessThan(0.9);
  });

  it('a middlebox: evidence names each gap and what happened, the remedy gives TCP keep-alive and pool settings', async () => {
    const { data } = await measureIdle({ kind: 'path', seconds: 7 }, 12);
    const label = `idle ${data.trials.find((t) => t.result === 'reset-on-send')!.gapSeconds} s`;
    const [finding] = idleTimeoutRule(data, [{ connection: label, origin: 'path', hop: 2 }]);
    expect(finding).toMatchObject({ cause: 'idle-timeout', origin: 'path', hop: 2, phase: 'idle' });
    expect(finding!.idleTimeoutSeconds).toBe(data.idleTimeoutSeconds);
    const evidence = finding!.evidence.map((e) => e.text).join('\n');
    for (const t of data.trials) expect(evidence).toContain(String(t.gapSeconds));
    expect(evidence).toMatch(/Survived: the request sent after .* s idle was answered/);
    expect(evidence).toMatch(/Reset when the request was sent after .* s idle/);
    expect(evidence).toMatch(/Not waited out/);
    expect(evidence).toContain(`between ${data.lowerSeconds} s`);
    expect(evidence).toContain(`would have waited ≈ ${data.naive.waitSeconds} s`);
    expect(finding!.evidence.map((e) => e.probe)).toContain('idle-timeout');
    const k = keepAliveSeconds(data.idleTimeoutSeconds!);
    const remedies = finding!.remedies!.join('\n');
    expect(remedies).toMatch(/hop 2/);
    expect(remedies).toContain(`TCP_KEEPIDLE=${k}`);
    expect(remedies).toContain(`net.ipv4.tcp_keepalive_time=${k}`);
    expect(remedies).toContain(`keepAliveMsecs: ${k * 1000}`);
    expect(remedies).toContain(`IdleConnTimeout: ${k} * time.Second`);
    expect(remedies).toContain(`KeepAlive: ${k} * time.Second`);
    expect(remedies).toContain(`jdk.httpclient.keepalive.timeout=${k}`);
    expect(remedies).toContain(`keepalive_timeout ${k}s`);
    expect(remedies).toMatch(new RegExp(`socket_options=.*TCP_KEEPIDLE, ${k}\\).*Retry`));
    expect(remedies).toMatch(/raise the idle timeout of .*hop 2/i);
  });

  it('the server: closes are timed and attributed to it, the remedy is a pool idle timeout below it', async () => {
    const { data } = await measureIdle({ kind: 'server', seconds: 6 }, 10);
    const label = `idle ${data.trials.find((t) => t.result === 'closed-by-peer')!.gapSeconds} s`;
    const [finding] = idleTimeoutRule(data, [{ connection: label, origin: 'server', hop: null }]);
    expect(finding).toMatchObject({ cause: 'idle-timeout', origin: 'server', idleTimeoutSeconds: 6 });
    expect(finding!.hop).toBeUndefined();
    const evidence = finding!.evidence.map((e) => e.text).join('\n');
    expect(evidence).toMatch(/were reset \(RST\) by the other end after 6 s idle, before their gap ended/);
    const remedies = finding!.remedies!.join('\n');
    expect(remedies).toMatch(/^The server closes connections idle for 6 s/);
    expect(remedies).toContain('timeout: 4000');
    expect(remedies).toContain('IdleConnTimeout: 4 * time.Second');
    expect(remedies).toMatch(/TCP keep-alive does not help/);
    expect(remedies).not.toContain('TCP_KEEPIDLE');
  });

  it('a path device that resets idle connections by itself is blamed at its hop, not the server', async () => {
    const { data } = await measureIdle({ kind: 'server', seconds: 3 }, 8);
    const label = `idle ${data.trials.find((t) => t.result === 'closed-by-peer')!.gapSeconds} s`;
    const [finding] = idleTimeoutRule(data, [{ connection: label, origin: 'path', hop: 1 }]);
    expect(finding).toMatchObject({ origin: 'path', hop: 1 });
    expect(finding!.remedies![0]).toMatch(
      /^A device on the path \(hop 1.*resets connections idle for 3 s on its own/,
    );
  });

  it('no finding without a measured timeout', async () => {
    const { data } = await measureIdle({ kind: 'none' }, 4);
    expect(idleTimeoutRule(data)).toEqual([]);
  });
});
