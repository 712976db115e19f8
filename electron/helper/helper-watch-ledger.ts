import type { RunEvent, WatchEvent } from '../shared/run-event-info.js';
import {
  emptyWatchCounts,
  type WatchCatch,
  type WatchCheck,
  type WatchCounts,
  type WatchResult,
  type WatchTimeline,
} from '../shared/watch-info.js';
import { parseTarget } from '../engine/parsers/target-parser.js';
import { watchPatterns } from '../engine/watch/watch-patterns.js';
import { diagnoseWatch } from '../engine/diagnosis/diagnose-watch.js';

type Started = Extract<WatchEvent, { type: 'watch-started' }>;

interface FollowedWatch {
  started: Started;
  catches: WatchCatch[];
  checks: WatchCheck[];
  counts: WatchCounts;
  timeline: WatchTimeline;
}

/** What a followed watch keeps, as the engine does (run-watch.ts): past it, catches are counted. */
const MAX_KEPT = 5000;
const KEEP_RESULTS = 5;

/**
 * The parent's record of the watches in the engine helper, from their events: when the helper dies, each
 * watch it left ends with what it had caught (its catches, checks, counts and timeline, the patterns
 * found again), so the Watch view and its export keep them.
 */
export class HelperWatchLedger {
  private readonly watches = new Map<string, FollowedWatch>();
  private readonly interrupted = new Map<string, WatchResult>();

  follow(event: RunEvent): void {
    if (event.type === 'watch-started') {
      this.watches.set(event.runId, {
        started: event,
        catches: [],
        checks: [],
        counts: emptyWatchCounts(),
        timeline: { sliceMs: 1000, slices: [] },
      });
      return;
    }
    const watch = this.watches.get(event.runId);
    if (!watch) return;
    if (event.type === 'watch-catch' && watch.catches.length < MAX_KEPT) watch.catches.push(event.caught);
    else if (event.type === 'watch-check' && watch.checks.length < MAX_KEPT) watch.checks.push(event.check);
    else if (event.type === 'watch-sample') {
      watch.counts = event.counts;
      watch.timeline = event.timeline;
    } else if (event.type === 'watch-finished') this.watches.delete(event.runId);
  }

  /** The helper is gone: a watch-finished event for each watch it left, with what it had caught. */
  helperStopped(reason: string): RunEvent[] {
    const events: RunEvent[] = [];
    for (const [runId, watch] of this.watches) {
      const result = rebuild(watch, reason);
      if (result) this.interrupted.set(runId, result);
      events.push({
        type: 'watch-finished',
        runId,
        result,
        error: result ? null : `the watch ended early: ${reason}`,
      });
    }
    this.watches.clear();
    for (const runId of [...this.interrupted.keys()].slice(0, -KEEP_RESULTS)) this.interrupted.delete(runId);
    return events;
  }

  result(runId: string): WatchResult | null {
    return this.interrupted.get(runId) ?? null;
  }
}

function rebuild(watch: FollowedWatch, reason: string): WatchResult | null {
  const { started } = watch;
  let target;
  try {
    target = parseTarget(started.request.target);
  } catch {
    return null;
  }
  // The catches kept are resets, a path's FINs and silences; the counts' resets only the first.
  const kept = watch.catches.filter((c) => c.how === 'reset').length;
  const resets = Math.max(watch.counts.resets, kept);
  const patterns = watchPatterns(watch.catches, watch.counts);
  return {
    target: { input: target.input, host: target.host, port: target.port, addresses: started.addresses },
    startedAt: started.at,
    finishedAt: new Date().toISOString(),
    stoppedBy: 'interrupted',
    catches: watch.catches,
    checks: watch.checks,
    catchesDropped: resets - kept,
    counts: { ...watch.counts, resets },
    patterns,
    timeline: watch.timeline,
    diagnosis: diagnoseWatch({
      catches: watch.catches,
      patterns,
      seenBy: started.seenBy,
      counts: watch.counts,
      checks: watch.checks,
    }),
    seenBy: started.seenBy,
    captureNote: `${started.captureNote} The watch ended early: ${reason}; this is what it had caught.`,
    ownersNote: null,
    hopSearch: null,
  };
}
