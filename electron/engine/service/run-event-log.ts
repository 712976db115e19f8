import type { RunEvent } from '../../shared/run-event-info.js';

/** Catches and checks kept for a restore: what the Watch view shows (its SHOWN_CATCHES). */
const MAX_WATCH_ITEMS = 500;
/** Events of one diagnosis kept: a run sends a few hundred, re-runs of steps add theirs. */
const MAX_EVENTS = 5000;

/**
 * The latest run's or watch's events, kept so a face that comes back (a browser page reloaded, a
 * dropped connection opened again) draws it as it stands and follows it on. Bounded: a probe's progress
 * is kept as its latest message only, a watch's seconds as the latest sample, its catches and checks as
 * the last MAX_WATCH_ITEMS.
 */
export class RunEventLog {
  private runId: string | null = null;
  private events: RunEvent[] = [];

  record(event: RunEvent): void {
    if (event.type === 'run-started' || event.type === 'watch-started') {
      this.runId = event.runId;
      this.events = [event];
      return;
    }
    if (event.runId !== this.runId) return;
    if (event.type === 'probe-progress') {
      const at = this.events.findLastIndex((e) => e.type === 'probe-progress' && e.probeId === event.probeId);
      // The latest progress of a probe stands for all of it, unless the probe has finished since.
      const finished = this.events.findLastIndex(
        (e) => e.type === 'probe-finished' && e.probe.id === event.probeId,
      );
      if (at >= 0 && at > finished) {
        this.events[at] = event;
        return;
      }
    }
    if (event.type === 'watch-sample') {
      const at = this.events.findIndex((e) => e.type === 'watch-sample');
      if (at >= 0) this.events.splice(at, 1);
    }
    this.events.push(event);
    if (event.type === 'watch-catch' || event.type === 'watch-check') this.trim(event.type);
    if (this.events.length > MAX_EVENTS) this.events.splice(1, this.events.length - MAX_EVENTS);
  }

  /** The latest run's or watch's events, its start first; null before any. */
  latest(): RunEvent[] | null {
    return this.runId === null ? null : [...this.events];
  }

  private trim(type: 'watch-catch' | 'watch-check'): void {
    const kept = this.events.filter((e) => e.type === type).length;
    if (kept <= MAX_WATCH_ITEMS) return;
    const oldest = this.events.findIndex((e) => e.type === type);
    this.events.splice(oldest, 1);
  }
}
