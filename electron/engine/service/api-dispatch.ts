import {
  validateCall,
  type ApiCalls,
  type ApiChannel,
  type ExportedFile,
  type ExportResult,
} from '../../shared/api-contract.js';
import { printable } from '../../shared/printable-text.js';
import type { RunEvent } from '../../shared/run-event-info.js';
import { firstLine } from '../net/errno-failure.js';
import { ApiError, type RunService } from './run-service.js';

export interface DispatchHooks {
  mode: 'electron' | 'browser';
  /** Electron: a file dialog. Browser mode has none (the path is typed). */
  chooseLog?: () => Promise<string | null>;
  /** Electron: a save dialog that writes the file; returns the path or null when cancelled. */
  saveExport?: (file: ExportedFile) => Promise<string | null>;
  /** Browser mode: ends when the caller's WebSocket closes; the runs it started end with it. */
  owner?: AbortSignal;
  /** The latest run's events (the face's RunEventLog: serve's, an Electron window's), for a page that reloads. */
  latestRun?: () => RunEvent[] | null;
}

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: string };

/** Where a face's calls go: the engine in this process, or the engine helper (helper/helper-calls.ts). */
export type CallHandler = (channel: unknown, args: unknown, hooks: DispatchHooks) => Promise<DispatchResult>;

export function localCalls(service: RunService): CallHandler {
  return (channel, args, hooks) => dispatch(service, channel, args, hooks);
}

/** An answer is one line a person reads: a call name made of a megabyte of text is not echoed whole. */
const MAX_ERROR = 300;

/**
 * Every call from a renderer, whatever the transport, comes through here: arguments are validated
 * first, and errors leave as one line a person can read. It never throws.
 */
export async function dispatch(
  service: RunService,
  channel: unknown,
  args: unknown,
  hooks: DispatchHooks,
): Promise<DispatchResult> {
  try {
    const problem = validateCall(channel, args);
    if (problem) return { ok: false, error: clip(printable(`refused: ${problem}`)) };
    return { ok: true, result: await call(service, channel as ApiChannel, args as unknown[], hooks) };
  } catch (error) {
    const message =
      error instanceof ApiError ? error.message : `internal error: ${firstLine((error as Error)?.message)}`;
    // A message may echo what was sent (a target, a path): one line, with nothing that steers a terminal.
    return { ok: false, error: clip(printable(message)) };
  }
}

/** run:latest: the face keeps the events (it saw them all), so a helper's face answers it too. */
export function latestOf(hooks: DispatchHooks): ApiCalls['run:latest']['result'] {
  const events = hooks.latestRun?.() ?? null;
  return events === null ? null : { events };
}

function clip(line: string): string {
  return line.length > MAX_ERROR ? `${line.slice(0, MAX_ERROR - 1)}…` : line;
}

async function call(
  service: RunService,
  channel: ApiChannel,
  args: unknown[],
  hooks: DispatchHooks,
): Promise<unknown> {
  const a = args as never[];
  switch (channel) {
    case 'app:info':
      return service.info(hooks.mode);
    case 'target:check':
      return service.checkTarget(a[0]!);
    case 'error:parse':
      return service.parseError(a[0]!);
    case 'run:start':
      return service.start(a[0]!, hooks.owner);
    case 'run:cancel':
      return service.cancel(a[0]!);
    case 'step:rerun':
      return service.rerun(a[0]!, a[1]!);
    case 'report:get':
      return service.report(a[0]!);
    case 'report:export':
      return exported(await service.exportReport(a[0]!, a[1]!, a[2] === true), hooks);
    case 'report:summary':
      return service.summary(a[0]!, a[1] === true);
    case 'log:choose':
      return {
        path: hooks.chooseLog ? await hooks.chooseLog() : null,
      } satisfies ApiCalls['log:choose']['result'];
    case 'run:latest':
      return latestOf(hooks);
    case 'watch:start':
      return service.watches.start(a[0]!, hooks.owner);
    case 'watch:stop':
      return service.watches.stop(a[0]!);
    case 'watch:get':
      return service.watches.result(a[0]!);
    case 'watch:export': {
      const file = await service.watches.exportWatch(a[0]!, a[1]!);
      return exported(file, hooks);
    }
    case 'history:list':
    case 'history:get':
    case 'history:export':
      // The face keeps the runs (face-history.ts), wherever the engine runs: a call that reaches the
      // engine came from a face that keeps none.
      if (channel === 'history:list') return { entries: [], problems: [] };
      if (channel === 'history:get') return null;
      throw new ApiError('no runs are kept here');
  }
}

/** An export's file: saved through Electron's dialog, or handed to the browser to download. */
export async function exported(file: ExportedFile, hooks: DispatchHooks): Promise<ExportResult> {
  if (hooks.saveExport) return { kind: 'saved', path: await hooks.saveExport(file) };
  return { kind: 'content', ...file };
}
