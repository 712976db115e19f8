import { randomUUID } from 'node:crypto';
import type { WatchExportFormat } from '../../shared/api-contract.js';
import type { RunEvent } from '../../shared/run-event-info.js';
import type { WatchRequest, WatchResult } from '../../shared/watch-info.js';
import { InputError } from '../input-error.js';
import { ApiError } from './api-error.js';
import { firstLine } from '../net/errno-failure.js';
import { parseTarget } from '../parsers/target-parser.js';
import { renderWatchMarkdown } from '../report/watch-markdown.js';
import { runWatch, type WatchDeps } from '../watch/run-watch.js';

/** What tests replace in a watch: the capture stream, DNS, `ss`, the checks' sockets. */
export type WatchOverrides = Partial<Pick<WatchDeps, 'stream' | 'dns' | 'system' | 'tcp'>>;

interface WatchEntry {
  controller: AbortController;
  result: WatchResult | null;
  running: boolean;
  unlisten: () => void;
}

/** Finished watches kept for an export. */
const KEEP_WATCHES = 5;

/**
 * The watches a wizard started (the CLI's `watch`, live): each catch, check and second of the timeline
 * goes out as a run event keyed by its run id, and the result stays for an export. Watches take the
 * same places as diagnosis runs (`slots`): each holds a capture.
 */
export class WatchService {
  private readonly watches = new Map<string, WatchEntry>();

  constructor(
    private readonly emit: (event: RunEvent) => void,
    private readonly slots: { claim(): void; release(): void },
    private readonly overrides: WatchOverrides = {},
  ) {}

  /** Starts a watch; a target that cannot be watched is refused here, in one line. */
  start(request: WatchRequest, owner?: AbortSignal): { runId: string } {
    try {
      parseTarget(request.target);
    } catch (error) {
      if (error instanceof InputError) throw new ApiError(error.message);
      throw error;
    }
    this.slots.claim();
    const runId = randomUUID();
    const controller = new AbortController();
    const stop = () => controller.abort();
    owner?.addEventListener('abort', stop, { once: true });
    const entry: WatchEntry = {
      controller,
      result: null,
      running: true,
      unlisten: () => owner?.removeEventListener('abort', stop),
    };
    this.watches.set(runId, entry);
    const emit = this.emit;
    void runWatch(request, {
      ...this.overrides,
      signal: controller.signal,
      onStarted: (info) =>
        emit({ type: 'watch-started', runId, at: new Date().toISOString(), target: request.target, ...info }),
      onCatch: (caught) => emit({ type: 'watch-catch', runId, caught }),
      onCheck: (check) => emit({ type: 'watch-check', runId, check }),
      onSample: (counts, timeline) => emit({ type: 'watch-sample', runId, counts, timeline }),
    })
      .then(
        (result) => {
          entry.result = result;
          emit({ type: 'watch-finished', runId, result, error: null });
        },
        (error: unknown) => {
          const message =
            error instanceof InputError
              ? error.message
              : `the watch stopped: ${firstLine((error as Error)?.message)}`;
          emit({ type: 'watch-finished', runId, result: null, error: message });
        },
      )
      .finally(() => {
        entry.running = false;
        entry.unlisten();
        this.slots.release();
        this.forgetOld();
      });
    return { runId };
  }

  stop(runId: string): { stopped: boolean } {
    const entry = this.watches.get(runId);
    if (!entry?.running) return { stopped: false };
    entry.controller.abort();
    return { stopped: true };
  }

  result(runId: string): WatchResult | null {
    return this.watches.get(runId)?.result ?? null;
  }

  /** The watch as a file: JSON (everything, for tools) or Markdown (for a ticket). */
  exportWatch(runId: string, format: WatchExportFormat): ExportedFile {
    const result = this.result(runId);
    if (!result) throw new ApiError('the watch has not finished yet: stop it first');
    return watchExportFile(result, format);
  }

  dispose(): void {
    for (const entry of this.watches.values()) entry.controller.abort();
  }

  private forgetOld() {
    const finished = [...this.watches].filter(([, e]) => !e.running).map(([id]) => id);
    while (this.watches.size > KEEP_WATCHES && finished.length > 0) this.watches.delete(finished.shift()!);
  }
}

export interface ExportedFile {
  fileName: string;
  mime: string;
  content: string;
}

/** A watch's result as the file an export gives. */
export function watchExportFile(result: WatchResult, format: WatchExportFormat): ExportedFile {
  const stamp = result.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  const host = result.target.host.replace(/[^a-z0-9.-]+/gi, '_');
  return {
    fileName: `reset-doctor-watch-${host}-${stamp}.${format}`,
    mime: format === 'json' ? 'application/json' : 'text/markdown',
    content: format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderWatchMarkdown(result),
  };
}
