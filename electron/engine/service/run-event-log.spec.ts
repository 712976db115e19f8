import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../shared/run-event-info.js';
import { emptyWatchCounts } from '../../shared/watch-info.js';
import { watchCatch } from '../../../test/unit/watch-packets.js';
import { RunEventLog } from './run-event-log.js';

const A = '00000000-0000-0000-0000-00000000000a';
const B = '00000000-0000-0000-0000-00000000000b';

function progress(runId: string, probeId: string, message: string): RunEvent {
  return {
    type: 'probe-progress',
    runId,
    stepId: 'connectivity',
    probeId,
    message,
    fraction: null,
    partial: null,
  };
}

describe('RunEventLog', () => {
  it("keeps the latest run's events, a probe's progress as its latest message", () => {
    const log = new RunEventLog();
    expect(log.latest()).toBeNull();
    log.record({ type: 'run-started', runId: A, at: 't', target: 'web.lab.test', plan: { steps: [] } });
    for (let i = 1; i <= 10; i++) log.record(progress(A, 'ping', `echo ${i}/10`));
    log.record(progress(A, 'traceroute', 'hop 1'));
    log.record(progress(B, 'ping', 'another run'));
    expect(log.latest()!.map((e) => (e.type === 'probe-progress' ? e.message : e.type))).toEqual([
      'run-started',
      'echo 10/10',
      'hop 1',
    ]);
    log.record({ type: 'run-started', runId: B, at: 't', target: 'other.lab.test', plan: { steps: [] } });
    expect(log.latest()).toHaveLength(1);
  });

  it("keeps a watch's latest sample and its last 500 catches, whatever its length", () => {
    const log = new RunEventLog();
    log.record({
      type: 'watch-started',
      runId: A,
      at: 't',
      request: { target: 'web.lab.test', forSeconds: null, until: null, everySeconds: null },
      addresses: ['198.18.4.2'],
      seenBy: 'capture',
      captureNote: '',
    });
    const counts = {
      ...emptyWatchCounts(),
    };
    for (let i = 1; i <= 3600; i++) {
      log.record({
        type: 'watch-sample',
        runId: A,
        counts: { ...counts, connections: i },
        timeline: { sliceMs: 1000, slices: [] },
      });
      if (i % 4 === 0) log.record({ type: 'watch-catch', runId: A, caught: watchCatch(i) });
    }
    const events = log.latest()!;
    expect(events[0]!.type).toBe('watch-started');
    const samples = events.filter((e) => e.type === 'watch-sample');
    expect(samples).toHaveLength(1);
    expect(samples[0]).toMatchObject({ counts: { connections: 3600 } });
    const catches = events.flatMap((e) => (e.type === 'watch-catch' ? [e.caught.localPort] : []));
    expect(catches).toHaveLength(500);
    expect(catches.at(-1)).toBe(40000 + 3600);
  });
});
