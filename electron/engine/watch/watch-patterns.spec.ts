import { describe, expect, it } from 'vitest';
import type { ResetVerdict } from '../../shared/reset-data-info.js';
import { watchPatterns } from './watch-patterns.js';
import { emptyWatchCounts, type WatchCatch, type WatchSurvived } from '../../shared/watch-info.js';

function caught(
  at: number,
  idleMs: number,
  origin: ResetVerdict['origin'] = 'server',
  hop: number | null = null,
): WatchCatch {
  return {
    how: 'reset',
    connectionId: `w${at}`,
    at,
    address: '198.18.4.2',
    port: 80,
    localPort: 40000 + at,
    lifetimeMs: idleMs + 10,
    idleMs,
    bytesIn: 100,
    bytesOut: 310,
    order: null,
    concurrent: null,
    sawOpen: true,
    seenBy: 'capture',
    owner: null,
    verdict: { origin, hop } as ResetVerdict,
  };
}

describe('watchPatterns', () => {
  it.each([
    [3000, 4200],
    [5500, 7100],
  ])(
    'brackets an idle timeout from resets at varied idle times: connections came through %i ms, none past %i ms',
    (survived, shortest) => {
      const catches = [shortest, shortest + 2600, shortest + 4900].map((idle, i) =>
        caught(20_000 * (i + 1) + i * 777, idle, 'path', 2),
      );
      const [idle] = watchPatterns(catches, {
        survived: { ...emptyWatchCounts().survived, longestIdleMs: survived },
      });
      expect(idle).toMatchObject({ kind: 'after-idle', lower: survived / 1000, seconds: shortest / 1000 });
      expect(idle!.text).toContain(`an idle timeout between ${survived / 1000} and ${shortest / 1000} s`);
    },
  );

  it('claims no idle timeout when a connection came through a silence as long as a reset one, or none did', () => {
    const catches = [4200, 6800, 9100].map((idle, i) => caught(20_000 * (i + 1) + i * 777, idle));
    for (const survived of [5000, 0, 800])
      expect(
        watchPatterns(catches, {
          survived: { ...emptyWatchCounts().survived, longestIdleMs: survived },
        }).some((p) => p.kind === 'after-idle'),
      ).toBe(false);
  });

  it('names an idle timeout measured from the connections themselves', () => {
    const patterns = watchPatterns([caught(1000, 5000), caught(9000, 5200), caught(12000, 4900)]);
    expect(patterns.find((p) => p.kind === 'after-idle')).toMatchObject({ seconds: 5 });
    expect(patterns.find((p) => p.kind === 'periodic')).toBeUndefined();
    expect(patterns.find((p) => p.kind === 'one-sender')).toMatchObject({ origin: 'server' });
  });

  it('names resets on a timer, and a device on the path that sent them all', () => {
    const patterns = watchPatterns([
      caught(10_000, 50, 'path', 2),
      caught(20_100, 3000, 'path', 2),
      caught(29_900, 10, 'path', 2),
    ]);
    expect(patterns.map((p) => p.kind).sort()).toEqual(['one-sender', 'periodic']);
    expect(patterns.find((p) => p.kind === 'one-sender')?.text).toContain('hop 2');
  });

  it('claims nothing from two catches, or from senders that differ', () => {
    expect(watchPatterns([caught(1000, 5000), caught(2000, 5000)])).toEqual([]);
    const mixed = watchPatterns([
      caught(1000, 10, 'server'),
      caught(5000, 4000, 'path', 1),
      caught(5100, 20, 'unknown'),
    ]);
    expect(mixed).toEqual([]);
  });

  it('names the one program whose connections were reset while others were not', () => {
    const hit = [caught(1000, 10), caught(4000, 10), caught(5500, 10)].map((c) => ({
      ...c,
      owner: { process: 'java', pid: 41 },
    }));
    const programs = { java: { connections: 12, resets: 3 }, curl: { connections: 9, resets: 0 } };
    expect(watchPatterns(hit, { programs }).find((p) => p.kind === 'one-program')).toMatchObject({
      program: 'java',
      text: expect.stringContaining('curl (9)'),
    });
    // Without another program to compare with, it is not a pattern of the program.
    expect(
      watchPatterns(hit, { programs: { java: programs.java } }).some((p) => p.kind === 'one-program'),
    ).toBe(false);
  });

  const survived = (over: Partial<WatchSurvived>): { survived: WatchSurvived } => ({
    survived: { ...emptyWatchCounts().survived, connections: 12, ...over },
  });
  const at = (n: number, over: Partial<WatchCatch>) => ({ ...caught(1000 * n + 37 * n * n, 5), ...over });

  it.each([2, 3, 5])(
    'names every %ith connection reset (one bad backend of N), and nothing when a step differs',
    (n) => {
      const hit = [1, 2, 3].map((k) => at(k, { order: k * n }));
      expect(watchPatterns(hit).find((p) => p.kind === 'every-nth')).toMatchObject({ period: n });
      const uneven = [1, 2, 3].map((k) => at(k, { order: k * n + (k === 2 ? 1 : 0) }));
      expect(watchPatterns(uneven).some((p) => p.kind === 'every-nth')).toBe(false);
      // The first reset later than N: a connection at the same place before it came through.
      const late = [1, 2, 3].map((k) => at(k, { order: (k + 1) * n }));
      expect(watchPatterns(late).some((p) => p.kind === 'every-nth')).toBe(false);
      // Connections older than the watch have no place in the order.
      expect(watchPatterns(hit.map((c) => ({ ...c, order: null }))).some((p) => p.kind === 'every-nth')).toBe(
        false,
      );
    },
  );

  it.each([
    [3, [4, 5, 4]],
    [5, [6, 7, 6, 8]],
  ])(
    'names a limit of %i connections at once: resets turned away at once above it, connections at it came through',
    (limit, concurrent) => {
      const hit = concurrent.map((c, k) => at(k + 1, { concurrent: c, bytesIn: 0, lifetimeMs: 2 }));
      const [p] = watchPatterns(hit, survived({ mostConcurrent: limit })).filter(
        (q) => q.kind === 'under-concurrency',
      );
      expect(p).toMatchObject({ atLeast: limit + 1, survived: limit });
      expect(p!.text).toContain(`a limit of ${limit} connections at once`);
      // A connection that came through with as many open, a reset after an answer or after a while, or
      // no count: no limit claimed.
      for (const [catches, over] of [
        [hit, { mostConcurrent: limit + 1 }],
        [hit.map((c, k) => (k === 0 ? { ...c, bytesIn: 90 } : c)), { mostConcurrent: limit }],
        [hit.map((c, k) => (k === 0 ? { ...c, lifetimeMs: 4000 } : c)), { mostConcurrent: limit }],
        [hit.map((c, k) => (k === 0 ? { ...c, concurrent: null } : c)), { mostConcurrent: limit }],
        [hit, { mostConcurrent: limit, connections: 2 }],
      ] as const)
        expect(watchPatterns(catches, survived(over)).some((q) => q.kind === 'under-concurrency')).toBe(
          false,
        );
    },
  );

  it.each([
    ['in', 64_000, 20_000],
    ['out', 1_048_576, 400_000],
  ] as const)(
    'names a size limit: every reset past %s %i bytes, connections up to %i came through',
    (way, limit, most) => {
      const hit = [0, 1, 2].map((k) =>
        at(k + 1, way === 'in' ? { bytesIn: limit + k * 1000 } : { bytesOut: limit + k * 1000 }),
      );
      const figure = way === 'in' ? 'mostBytesIn' : 'mostBytesOut';
      const [p] = watchPatterns(hit, survived({ [figure]: most })).filter((q) => q.kind === 'past-bytes');
      expect(p).toMatchObject({ direction: way, atLeast: limit, survived: most });
      for (const over of [{ [figure]: limit }, { [figure]: 0 }, { [figure]: most, connections: 1 }])
        expect(watchPatterns(hit, survived(over)).some((q) => q.kind === 'past-bytes')).toBe(false);
    },
  );
});
