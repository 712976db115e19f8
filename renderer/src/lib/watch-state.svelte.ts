import type { RunEvent, WatchEvent } from '../../../electron/shared/run-event-info.js';
import type {
  WatchCatch,
  WatchCheck,
  WatchCounts,
  WatchRequest,
  WatchResult,
  WatchTimeline,
} from '../../../electron/shared/watch-info.js';
import { catchSender, watchSeconds } from '../../../electron/shared/watch-words.js';

/** Catches the view keeps (the newest); the result and its export hold them all. */
export const SHOWN_CATCHES = 500;

/**
 * A watch as the wizard shows it: its events (keyed by run id) folded into what the Watch view draws,
 * live, then the result. Events that arrive before watch:start answers are held, as RunState does.
 */
export class WatchState {
  runId = $state<string | null>(null);
  starting = $state(false);
  request = $state<WatchRequest | null>(null);
  addresses = $state<string[]>([]);
  seenBy = $state<WatchResult['seenBy'] | null>(null);
  captureNote = $state('');
  counts = $state<WatchCounts | null>(null);
  timeline = $state<WatchTimeline | null>(null);
  catches = $state<WatchCatch[]>([]);
  /** Catches no longer shown (the oldest), beyond SHOWN_CATCHES. */
  catchesHidden = $state(0);
  checks = $state<WatchCheck[]>([]);
  result = $state<WatchResult | null>(null);
  error = $state('');
  stopping = $state(false);
  /** A watch kept on this machine, opened again: its exports come from the kept copy (no packets). */
  kept = $state(false);
  /** The latest news for a screen reader (a reset caught, the end). */
  announcement = $state('');
  private held: RunEvent[] = [];

  get started(): boolean {
    return this.starting || this.runId !== null;
  }

  /** Watching: started, not yet ended. */
  get active(): boolean {
    return this.started && this.result === null && this.error === '';
  }

  prepare(request: WatchRequest): void {
    this.reset();
    this.starting = true;
    this.request = request;
  }

  adopt(runId: string): void {
    this.runId = runId;
    this.starting = false;
    const held = this.held;
    this.held = [];
    for (const event of held) this.handle(event);
  }

  /** watch:start failed: back to the start page. */
  abandon(): void {
    this.reset();
  }

  reset(): void {
    this.runId = null;
    this.starting = false;
    this.kept = false;
    this.request = null;
    this.addresses = [];
    this.seenBy = null;
    this.captureNote = '';
    this.counts = null;
    this.timeline = null;
    this.catches = [];
    this.catchesHidden = 0;
    this.checks = [];
    this.result = null;
    this.error = '';
    this.stopping = false;
    this.announcement = '';
    this.held = [];
  }

  handle(event: RunEvent): void {
    if (!event.type.startsWith('watch-')) return;
    if (this.runId === null) {
      if (this.starting) this.held.push(event);
      return;
    }
    if (event.runId !== this.runId) return;
    this.apply(event as WatchEvent);
  }

  private apply(event: WatchEvent): void {
    switch (event.type) {
      case 'watch-started':
        this.request = event.request;
        this.addresses = event.addresses;
        this.seenBy = event.seenBy;
        this.captureNote = event.captureNote;
        this.announcement = `Watching ${event.request.target}`;
        return;
      case 'watch-sample':
        this.counts = event.counts;
        this.timeline = event.timeline;
        return;
      case 'watch-catch':
        // A page restored from run:latest may meet a catch twice (in the log and live).
        if (this.catches.some((c) => c.connectionId === event.caught.connectionId)) return;
        this.catches.push(event.caught);
        if (this.catches.length > SHOWN_CATCHES) {
          this.catches.shift();
          this.catchesHidden++;
        }
        this.announcement = `Reset caught at ${watchSeconds(event.caught.at)}: ${catchSender(event.caught)}`;
        return;
      case 'watch-check':
        if (this.checks.some((c) => c.at === event.check.at)) return;
        this.checks.push(event.check);
        if (this.checks.length > SHOWN_CATCHES) this.checks.shift();
        return;
      case 'watch-finished':
        this.stopping = false;
        if (event.result) {
          this.result = event.result;
          this.counts = event.result.counts;
          this.timeline = event.result.timeline;
          this.catches = event.result.catches.slice(-SHOWN_CATCHES);
          this.catchesHidden = event.result.catches.length - this.catches.length;
          this.announcement = `Watch ended: ${event.result.counts.resets} reset${event.result.counts.resets === 1 ? '' : 's'} caught`;
        } else {
          this.error = event.error ?? 'the watch ended without a result';
          this.announcement = `Watch ended: ${this.error}`;
        }
        return;
    }
  }
}
