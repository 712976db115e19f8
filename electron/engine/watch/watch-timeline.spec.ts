import { describe, expect, it } from 'vitest';
import { MAX_SLICES, TimelineRecorder } from './watch-timeline.js';

describe('TimelineRecorder', () => {
  it("turns running counts into what happened in each slice, with the path's worst round trip and its retransmissions", () => {
    const t = new TimelineRecorder();
    t.sample(200, { connections: 2, closed: 0, resets: 0, open: 2 }, { rttMs: 0.4, retransmits: 0 });
    t.sample(900, { connections: 3, closed: 1, resets: 0, open: 2 }, { rttMs: 2.5, retransmits: 1 });
    t.sample(1500, { connections: 3, closed: 1, resets: 1, open: 1 }, { rttMs: null, retransmits: 0 });
    expect(t.timeline).toEqual({
      sliceMs: 1000,
      slices: [
        { at: 0, opened: 3, closed: 1, resets: 0, open: 2, rttMs: 2.5, retransmits: 1 },
        { at: 1000, opened: 0, closed: 0, resets: 1, open: 1, rttMs: null, retransmits: 0 },
      ],
    });
  });

  it('stays within MAX_SLICES over a long watch, keeping every connection and reset', () => {
    const t = new TimelineRecorder();
    let connections = 0;
    let resets = 0;
    const hours = 6;
    for (let at = 0; at < hours * 3_600_000; at += 1000) {
      connections += 2;
      if (at % 60_000 === 0) resets++;
      // Once an hour a spike of the round trip, with a retransmission.
      const spike = at % 3_600_000 === 1_800_000;
      t.sample(
        at,
        { connections, closed: 0, resets, open: 5 },
        { rttMs: spike ? 250 : 1 + (at % 7), retransmits: spike ? 1 : 0 },
      );
    }
    const { sliceMs, slices } = t.timeline;
    expect(slices.length).toBeLessThanOrEqual(MAX_SLICES);
    expect(slices.length).toBeGreaterThan(MAX_SLICES / 2);
    expect(sliceMs).toBeGreaterThan((hours * 3_600_000) / MAX_SLICES);
    expect(slices.reduce((n, s) => n + s.opened, 0)).toBe(connections);
    expect(slices.reduce((n, s) => n + s.resets, 0)).toBe(resets);
    expect(slices.reduce((n, s) => n + s.retransmits, 0)).toBe(hours);
    expect(slices.filter((s) => s.rttMs === 250)).toHaveLength(hours);
    expect(slices.every((s, i) => i === 0 || s.at - slices[i - 1]!.at === sliceMs)).toBe(true);
  });
});
