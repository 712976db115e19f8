import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../shared/run-event-info.js';
import { emptyWatchCounts } from '../shared/watch-info.js';
import { watchCatch } from '../../test/unit/watch-packets.js';
import { HelperWatchLedger } from './helper-watch-ledger.js';

const RUN = '11111111-2222-3333-4444-555555555555';

const caught = (n: number) => watchCatch(n, { at: n * 1000, lifetimeMs: 3000 });

const started: RunEvent = {
  type: 'watch-started',
  runId: RUN,
  at: '2026-12-06T10:00:00.000Z',
  request: { target: '198.18.4.2:80', forSeconds: null, until: null, everySeconds: null },
  addresses: ['198.18.4.2'],
  seenBy: 'capture',
  captureNote: 'Captures incoming TCP.',
};

describe('HelperWatchLedger', () => {
  it('ends a watch the helper left with what it had caught, and keeps it for watch:get', () => {
    const ledger = new HelperWatchLedger();
    ledger.follow(started);
    for (const n of [1, 2, 3]) ledger.follow({ type: 'watch-catch', runId: RUN, caught: caught(n) });
    ledger.follow({
      type: 'watch-sample',
      runId: RUN,
      counts: {
        ...emptyWatchCounts(),
        connections: 5,
        resets: 3,
        closed: 1,
        open: 1,
        programs: { java: { connections: 5, resets: 3 } },
      },
      timeline: {
        sliceMs: 1000,
        slices: [{ at: 0, opened: 5, closed: 1, resets: 3, open: 2, rttMs: 0.4, retransmits: 0 }],
      },
    });
    const [event, ...rest] = ledger.helperStopped('the engine helper was killed (SIGKILL)');
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ type: 'watch-finished', runId: RUN, error: null });
    const result = ledger.result(RUN)!;
    expect(result).toMatchObject({
      stoppedBy: 'interrupted',
      target: { host: '198.18.4.2', port: 80 },
      counts: { connections: 5, resets: 3 },
      catchesDropped: 0,
    });
    expect(result.catches.map((c) => c.localPort)).toEqual([40001, 40002, 40003]);
    // Three resets after the same 3 s idle: the pattern is found again from what was caught.
    expect(result.patterns.map((p) => p.kind)).toContain('after-idle');
    expect(result.captureNote).toContain('the engine helper was killed (SIGKILL)');
  });

  it('forgets a watch that finished, and answers nothing for it', () => {
    const ledger = new HelperWatchLedger();
    ledger.follow(started);
    ledger.follow({ type: 'watch-finished', runId: RUN, result: null, error: 'stopped' });
    expect(ledger.helperStopped('gone')).toEqual([]);
    expect(ledger.result(RUN)).toBeNull();
  });
});
