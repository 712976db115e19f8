import { randomUUID } from 'node:crypto';
import type { ExportedFile, WatchExportFormat } from '../../shared/api-contract.js';
import type { CapturedPacket } from '../net/capture-types.js';
import { watchPcap } from '../watch/watch-pcap.js';
import type { RunEvent } from '../../shared/run-event-info.js';
import type { WatchRequest, WatchResult } from '../../shared/watch-info.js';
import { InputError } from '../input-error.js';
import { ApiError } from './api-error.js';
import { firstLine } from '../net/errno-failure.js';
import { parseTarget } from '../parsers/target-parser.js';
import { loadExportPictures } from '../report/export-pictures-loader.js';
import { renderWatchHtml } from '../report/watch-html.js';
import { renderWatchMarkdown } from '../report/watch-markdown.js';
import { runWatch, type WatchDeps } from '../watch/run-watch.js';

/** What tests replace in a watch: the capture stream, DNS, `ss`, the checks' sockets. */
export type WatchOverrides = Partial<Pick<WatchDeps, 'stream' | 'dns' | 'system' | 'tcp'>>;

interface WatchEntry {
  controller: AbortController;
  result: WatchResult | null;
  /** The packets around each kept catch, for the pcapng export (the first MAX_EVIDENCE catches'). */
  evidence: Map<string, CapturedPacket[]>;
  running: boolean;
  unlisten: () => void;
}

/** Finished watches kept for an export. */
const KEEP_WATCHES = 5;
/** Catches whose packets are kept for the pcapng: about 25 packets of 128 bytes each, some 3 MB per watch. */
const MAX_EVIDENCE = 1000;

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
      evidence: new Map(),
      running: true,
      unlisten: () => owner?.removeEventListener('abort', stop),
    };
    this.watches.set(runId, entry);
    const emit = this.emit;
    void runWatch(request, {
      ...this.overrides,
      signal: controller.signal,
      onStarted: (info) =>
        emit({ type: 'watch-started', runId, at: new Date().toISOString(), request, ...info }),
      onCatch: (caught) => emit({ type: 'watch-catch', runId, caught }),
      onEvidence: (connectionId, packets) => {
        if (entry.evidence.size < MAX_EVIDENCE) entry.evidence.set(connectionId, packets);
      },
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

  /** The watch as a file: JSON (everything, for tools), HTML or Markdown (for a ticket), or its packets. */
  exportWatch(runId: string, format: WatchExportFormat): Promise<ExportedFile> {
    const result = this.result(runId);
    if (!result) throw new ApiError('the watch has not finished yet: stop it first');
    return watchExportFile(result, format, this.watches.get(runId)!.evidence);
  }

  dispose(): void {
    for (const entry of this.watches.values()) entry.controller.abort();
  }

  private forgetOld() {
    const finished = [...this.watches].filter(([, e]) => !e.running).map(([id]) => id);
    while (this.watches.size > KEEP_WATCHES && finished.length > 0) this.watches.delete(finished.shift()!);
  }
}

/**
 * A watch's result as the file an export gives; the pcapng needs the packets the watch kept, the HTML the
 * pictures built from the wizard's components.
 */
export async function watchExportFile(
  result: WatchResult,
  format: WatchExportFormat,
  evidence: Map<string, CapturedPacket[]> | null,
): Promise<ExportedFile> {
  const stamp = result.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  const host = result.target.host.replace(/[^a-z0-9.-]+/gi, '_');
  if (format === 'pcapng') {
    if (result.seenBy !== 'capture')
      throw new ApiError('no packets to export: the watch read the socket table, without packet capture');
    if (evidence === null)
      throw new ApiError('no packets to export: they were kept by the engine helper, which stopped');
    return {
      fileName: `reset-doctor-watch-${host}-${stamp}.pcapng`,
      mime: 'application/x-pcapng',
      content: watchPcap(result, evidence).file.toString('base64'),
      encoding: 'base64',
    };
  }
  const fileName = `reset-doctor-watch-${host}-${stamp}.${format}`;
  if (format === 'json')
    return { fileName, mime: 'application/json', content: `${JSON.stringify(result, null, 2)}\n` };
  // The ticket formats name each catch's frames in the pcapng, when the packets were kept.
  const frames = evidence && result.seenBy === 'capture' ? watchPcap(result, evidence).frames : {};
  return format === 'html'
    ? { fileName, mime: 'text/html', content: renderWatchHtml(result, await loadExportPictures(), frames) }
    : { fileName, mime: 'text/markdown', content: renderWatchMarkdown(result, frames) };
}
