import type { WatchCounts, WatchPathSample, WatchSlice, WatchTimeline } from '../../shared/watch-info.js';

/** Slices kept: a picture's worth of bars. Past it, neighbours merge and slices last twice as long. */
export const MAX_SLICES = 120;
const FIRST_SLICE_MS = 1000;

/**
 * Connections over a watch's time, from its running counts sampled at intervals: what opened, closed and
 * was reset in each slice, the most open at once, and the path's RTT and retransmissions (from the socket
 * table's looks, when there were any). Bounded (MAX_SLICES), so a week's watch takes the
 * room of two minutes', at a coarser grain.
 */
export class TimelineRecorder {
  private sliceMs = FIRST_SLICE_MS;
  private readonly slices: WatchSlice[] = [];
  private last = { at: 0, connections: 0, closed: 0, resets: 0 };

  sample(
    at: number,
    counts: Pick<WatchCounts, 'connections' | 'closed' | 'resets' | 'open'>,
    path: WatchPathSample = { rttMs: null, retransmits: 0 },
  ): void {
    // What changed since the last sample happened between the two: it goes to the slice of their middle
    // (sampled at each second's end, a second's news is that second's).
    const middle = (this.last.at + at) / 2;
    const start = Math.floor(middle / this.sliceMs) * this.sliceMs;
    let slice = this.slices[this.slices.length - 1];
    if (slice && slice.at > start) {
      // Merged into a coarser slice since: it is still the latest.
    } else if (!slice || slice.at !== start) {
      slice = { at: start, opened: 0, closed: 0, resets: 0, open: 0, rttMs: null, retransmits: 0 };
      this.slices.push(slice);
    }
    // Counts only grow; a socket-table watch may restate them, never below what was sampled.
    slice.opened += Math.max(0, counts.connections - this.last.connections);
    slice.closed += Math.max(0, counts.closed - this.last.closed);
    slice.resets += Math.max(0, counts.resets - this.last.resets);
    slice.open = Math.max(slice.open, counts.open);
    slice.rttMs = higher(slice.rttMs, path.rttMs);
    slice.retransmits += path.retransmits;
    this.last = { at, connections: counts.connections, closed: counts.closed, resets: counts.resets };
    if (this.slices.length > MAX_SLICES) this.coarsen();
  }

  get timeline(): WatchTimeline {
    return { sliceMs: this.sliceMs, slices: this.slices.map((s) => ({ ...s })) };
  }

  private coarsen(): void {
    this.sliceMs *= 2;
    const merged: WatchSlice[] = [];
    for (const s of this.slices) {
      const at = Math.floor(s.at / this.sliceMs) * this.sliceMs;
      const into = merged[merged.length - 1];
      if (into && into.at === at) {
        into.opened += s.opened;
        into.closed += s.closed;
        into.resets += s.resets;
        into.open = Math.max(into.open, s.open);
        into.rttMs = higher(into.rttMs, s.rttMs);
        into.retransmits += s.retransmits;
      } else merged.push({ ...s, at });
    }
    this.slices.splice(0, this.slices.length, ...merged);
  }
}

/** The higher of two RTTs, either of which may be unread: a slice shows its worst round trip. */
function higher(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
