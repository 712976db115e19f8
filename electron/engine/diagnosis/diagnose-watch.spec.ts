import { describe, expect, it } from 'vitest';
import type { SenderState } from '../forensics/reset-signals.js';
import { emptyWatchCounts, type WatchCatch } from '../../shared/watch-info.js';
import { watchPatterns } from '../watch/watch-patterns.js';
import { diagnoseWatch } from './diagnose-watch.js';
import { watchCatch } from '../../../test/unit/watch-packets.js';

function caught(
  n: number,
  origin: 'server' | 'path' | null,
  over: Partial<WatchCatch> = {},
  senderState: SenderState | null = null,
): WatchCatch {
  return watchCatch(n, {
    seenBy: origin === null ? 'socket-table' : 'capture',
    verdict:
      origin === null
        ? null
        : {
            connection: `:${40000 + n}`,
            connectionId: `w${n}`,
            role: 'watched',
            at: n * 7000,
            family: 4,
            ttl: origin === 'path' ? 63 : 61,
            ipId: 0,
            window: 0,
            flags: 'R',
            optionsLength: 0,
            phase: 'transfer',
            hopsAway: origin === 'path' ? 1 : 3,
            origin,
            hop: origin === 'path' ? 2 : null,
            reason: origin === 'path' ? 'TTL 63 is nearer than the server' : 'TTL 61 matches the SYN-ACK',
            signals: [],
            confidence: 1,
            senderState,
            afterOwnClose: false,
          },
    ...over,
  });
}

function verdictOf(catches: WatchCatch[]) {
  const seenBy = catches.some((c) => c.verdict === null) ? 'socket-table' : 'capture';
  const d = diagnoseWatch({ catches, patterns: watchPatterns(catches), seenBy });
  return { d, lead: d?.findings[0] };
}

describe('a watch verdict over all its catches, by the diagnosis causes', () => {
  it('names no cause from a single reset', () => {
    expect(verdictOf([caught(1, 'server')]).d).toBeNull();
  });

  it.each([
    [2.2, 'server'],
    [3, 'server'],
    [7, 'path'],
  ] as const)(
    'resets after the same %s s idle, sent by the %s: an idle timeout measured from real traffic',
    (seconds, origin) => {
      const catches = [1, 2, 3].map((n) =>
        caught(n, origin, { idleMs: seconds * 1000 + n * 20 }, origin === 'server' ? 'no-socket' : null),
      );
      const { d, lead } = verdictOf(catches);
      expect(d?.verdict).toBe('idle-timeout');
      expect(lead).toMatchObject({ origin, idleTimeoutSeconds: seconds });
      if (origin === 'path') expect(lead?.hop).toBe(2);
    },
  );

  it('resets at random idle times past a middlebox timer: an idle timeout between the silences survived and reset', () => {
    const catches = [4.2, 6.8, 9.1].map((s, i) =>
      caught(i + 1, 'path', { idleMs: s * 1000, at: 20_000 * (i + 1) + i * 777 }),
    );
    const d = diagnoseWatch({
      catches,
      patterns: watchPatterns(catches, { survived: { ...emptyWatchCounts().survived, longestIdleMs: 3000 } }),
      seenBy: 'capture',
    });
    expect(d?.verdict).toBe('idle-timeout');
    expect(d?.findings[0]).toMatchObject({ origin: 'path', hop: 2, idleTimeoutSeconds: 3.6 });
  });

  it('resets mid-exchange from hop 2: a device on the path resets, not an idle timer', () => {
    const catches = [1, 2, 3].map((n) => caught(n, 'path', { idleMs: 20 + n * 400 }));
    const { d, lead } = verdictOf(catches);
    expect(d?.verdict).toBe('firewall-reset');
    expect(lead).toMatchObject({ origin: 'path', hop: 2 });
  });

  it('resets the server application sends mid-exchange: the application, not the path', () => {
    const catches = [1, 2, 3].map((n) =>
      caught(n, 'server', { idleMs: 10 + n * 400, bytesIn: 500 }, 'aborted'),
    );
    const { d, lead } = verdictOf(catches);
    expect(['application-error', 'server-reset']).toContain(d?.verdict);
    expect(lead?.origin).toBe('server');
  });

  it('without capture: the idle timeout is measured, its sender never claimed', () => {
    const catches = [1, 2, 3].map((n) => caught(n, null, { idleMs: 3000 }));
    const { d, lead } = verdictOf(catches);
    expect(d?.verdict).toBe('idle-timeout');
    expect(lead?.origin).toBe('unknown');
  });

  it('without capture and without a pattern: inconclusive, never healthy', () => {
    const catches = [1, 2, 3].map((n) => caught(n, null, { idleMs: n * 900 }));
    const { d } = verdictOf(catches);
    expect(d?.verdict).toBe('inconclusive');
    expect(d?.findings[0]?.candidates ?? []).not.toContain('healthy');
    expect(d?.findings[0]?.evidence[0]?.text).toMatch(/3 watched connections ended by a reset.*not seen/);
  });

  it.each([2, 3])(
    'every %ith connection reset by the server: one bad backend in N, the period in the verdict',
    (period) => {
      const catches = [1, 2, 3].map((k) =>
        caught(k, 'server', { order: k * period, idleMs: 15, bytesIn: 0 }, 'aborted'),
      );
      const patterns = watchPatterns(catches);
      const d = diagnoseWatch({
        catches,
        patterns,
        seenBy: 'capture',
        counts: { connections: 3 * period + 1 },
      });
      expect(d?.verdict).toBe('application-error');
      expect(d?.findings[0]).toMatchObject({
        origin: 'server',
        intermittency: { pattern: 'every-nth', period, failed: 3, total: 3 * period + 1 },
      });
      expect(d?.findings[0]?.remedies[0]).toContain(`${period} backends`);
    },
  );

  it.each([3, 5])(
    'connections turned away by the server above %i open at once: a connection limit, at the server',
    (limit) => {
      const catches = [1, 2, 3, 4].map((k) =>
        caught(k, 'server', { concurrent: limit + 1 + (k % 2), bytesIn: 0, lifetimeMs: 1, idleMs: 1 }),
      );
      const survived = { ...emptyWatchCounts().survived, connections: 9, mostConcurrent: limit };
      const patterns = watchPatterns(catches, { survived });
      expect(patterns.map((p) => p.kind)).toContain('under-concurrency');
      const d = diagnoseWatch({ catches, patterns, seenBy: 'capture' });
      expect(d?.verdict).toBe('connection-limit');
      expect(d?.findings[0]?.origin).toBe('server');
      expect(d?.findings[0]?.remedies.join(' ')).toContain(`${limit} connections`);
    },
  );

  describe('silences: connections the target left unanswered', () => {
    const silent = (n: number, idleMs: number | null, connecting = false): WatchCatch =>
      caught(n, null, {
        how: 'silence',
        seenBy: 'capture',
        idleMs,
        bytesIn: 0,
        silence: { silentMs: 3400, retransmits: 4, connecting },
      });

    it.each([3100, 6200])(
      'after the same %s ms idle: an idle timeout whose device dropped, nobody named',
      (idleMs) => {
        const catches = [1, 2, 3].map((n) => silent(n, idleMs + n * 50));
        const patterns = watchPatterns(catches);
        expect(patterns).toEqual([expect.objectContaining({ kind: 'after-idle', ended: 'silence' })]);
        const d = diagnoseWatch({ catches, patterns, seenBy: 'capture' });
        expect(d?.verdict).toBe('idle-timeout');
        const lead = d!.findings[0]!;
        expect(lead.origin).toBe('unknown');
        expect(Math.abs(lead.idleTimeoutSeconds! - idleMs / 1000)).toBeLessThan(0.5);
        expect(lead.remedies[0]).toMatch(/drops their next packets/);
      },
    );

    it('at no common idle time: dropped requests, a firewall drop, where unknown', () => {
      const catches = [silent(1, 200), silent(2, 9000), silent(3, null, true)];
      const d = diagnoseWatch({ catches, patterns: watchPatterns(catches), seenBy: 'capture' });
      // A rule or loss: the watch measured neither (no ping, no rules read), so it says what would settle it.
      expect(d?.verdict).toBe('inconclusive');
      expect(d?.findings[0]?.candidates).toEqual(expect.arrayContaining(['firewall-drop', 'packet-loss']));
      expect(d?.findings[0]?.origin).toBe('unknown');
      expect(d?.findings[0]?.settle.map((s) => s.text).join(' ')).toMatch(/Run a diagnosis/);
      const text = d?.findings.flatMap((f) => f.evidence.map((e) => e.text)).join(' ') ?? '';
      expect(text).toMatch(/left unanswered while this machine retransmitted/);
    });

    it.each([
      [0, 'firewall-drop'],
      [6, 'packet-loss'],
    ] as const)(
      'at no common idle time, with pings beside the checks (%s of 20 lost): %s',
      (lost, verdict) => {
        const catches = [silent(1, 200), silent(2, 9000), silent(3, 400)];
        const checks = Array.from({ length: 20 }, (_, i) => ({
          at: i * 1000,
          outcome: 'complete' as const,
          ms: 3,
          status: 200,
          localPort: 50000 + i,
          ping: i < lost ? { answered: false, rttMs: null } : { answered: true, rttMs: 0.4 },
        }));
        const d = diagnoseWatch({ catches, patterns: watchPatterns(catches), seenBy: 'capture', checks });
        expect(d?.verdict).toBe(verdict);
        // Where the packets die is never seen from a silence.
        expect(d?.findings[0]?.origin).not.toBe('server');
        if (verdict === 'firewall-drop') expect(d?.findings[0]?.origin).toBe('unknown');
      },
    );

    it("resets after idle with silences beside them: the idle pattern stays the resets'", () => {
      const catches = [1, 2, 3].map((n) => caught(n, 'server', { idleMs: 3000 })).concat([silent(4, 9000)]);
      const patterns = watchPatterns(catches);
      expect(patterns.find((p) => p.kind === 'after-idle')).toMatchObject({ ended: 'reset', seconds: 3 });
    });
  });
});
