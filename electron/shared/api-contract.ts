import type { HistoryEntry, HistoryRecord } from './history-info.js';
import type { ProbeReport, Report } from './report-info.js';
import type { RunEvent } from './run-event-info.js';
import {
  isPathText,
  REQUEST_OPTIONS,
  runOption,
  withinBounds,
  type RequestOptions,
} from './run-options-info.js';
import { isStepId, type StepId } from './step-info.js';
import { WATCH_BOUNDS, type WatchRequest, type WatchResult } from './watch-info.js';

// The one contract between the wizard and the engine. Electron IPC, the browser mode's WebSocket and
// tests all carry these calls (`domain:verb`) and the RunEvents of `run:event`, keyed by run id.

/**
 * A run the wizard starts: the target as typed (host, host:port, [v6]:port or URL) and every option of
 * RUN_OPTIONS but the step list. logFile is a path on the machine that runs the engine (the server, in
 * browser mode).
 */
export interface StartRunRequest extends RequestOptions {
  target: string;
}

export type ExportFormat = 'html' | 'json' | 'md';
/** A watch exports as data, as a ticket's text, or as the packets around each catch (pcapng, for Wireshark). */
export type WatchExportFormat = 'html' | 'json' | 'md' | 'pcapng';

/** A file an export gives: text, or bytes as base64 (a pcapng). */
export interface ExportedFile {
  fileName: string;
  mime: string;
  content: string;
  encoding?: 'base64';
}

export type ExportResult =
  /** Browser mode: the renderer downloads the content. */
  | ({ kind: 'content' } & ExportedFile)
  /** Electron: the main process showed a save dialog and wrote the file (null path: cancelled). */
  | { kind: 'saved'; path: string | null };

export interface AppInfo {
  version: string;
  mode: 'electron' | 'browser';
  platform: string;
  privileged: boolean;
  privilegeNote: string;
  /** Whether log:choose opens a file dialog (Electron) or the path must be typed (browser mode). */
  canChooseFiles: boolean;
}

export interface TargetCheck {
  ok: boolean;
  /** The parsed target in words, or the one-line reason it is not valid. */
  message: string;
}

export interface ErrorTextCheck {
  target: string | null;
  client: string | null;
  isReset: boolean;
  explanation: string;
}

export interface ApiCalls {
  'app:info': { args: []; result: AppInfo };
  'target:check': { args: [target: string]; result: TargetCheck };
  'error:parse': { args: [text: string]; result: ErrorTextCheck };
  'run:start': { args: [request: StartRunRequest]; result: { runId: string } };
  'run:cancel': { args: [runId: string]; result: { cancelled: boolean } };
  'step:rerun': { args: [runId: string, stepId: StepId]; result: { started: boolean } };
  'report:get': { args: [runId: string]; result: Report | null };
  /** redact: hide addresses, host names and the user name (see report-redact.ts). */
  'report:export': { args: [runId: string, format: ExportFormat, redact?: boolean]; result: ExportResult };
  /**
   * The Markdown report's "In short" block under its title, as text for the clipboard (a ticket's first
   * lines), never a file: a live run's, or a kept one's (redact as report:export).
   */
  'report:summary': { args: [runId: string, redact?: boolean]; result: { markdown: string } };
  'log:choose': { args: []; result: { path: string | null } };
  /**
   * The latest run's or watch's events so far (its start first, progress compacted), or null: a page
   * that reloads (a browser's, or an Electron window's) draws it as it stands and follows its events on.
   */
  'run:latest': { args: []; result: { events: RunEvent[] } | null };
  /** A watch (`reset-doctor watch`): its catches, checks and timeline come as run events. */
  'watch:start': { args: [request: WatchRequest]; result: { runId: string } };
  /** Stops a watch, keeping everything caught so far (its watch-finished event follows). */
  'watch:stop': { args: [runId: string]; result: { stopped: boolean } };
  'watch:get': { args: [runId: string]; result: WatchResult | null };
  'watch:export': { args: [runId: string, format: WatchExportFormat]; result: ExportResult };
  /**
   * The runs kept on this machine (the app's, or serve's, data directory), newest first, and why files
   * of the folder were left out; empty where nothing is kept.
   */
  'history:list': { args: []; result: { entries: HistoryEntry[]; problems: string[] } };
  /** One kept run, whole (its report, or its watch result), to draw it again; null when not kept. */
  'history:get': { args: [id: string]; result: HistoryRecord | null };
  /** A kept run as a file: a diagnosis as html, json or md (redact as report:export); a watch as json or md. */
  'history:export': {
    args: [id: string, format: ExportFormat, redact?: boolean];
    result: ExportResult;
  };
}

export type ApiChannel = keyof ApiCalls;
export const API_CHANNELS: ApiChannel[] = [
  'app:info',
  'target:check',
  'error:parse',
  'run:start',
  'run:cancel',
  'step:rerun',
  'report:get',
  'report:export',
  'report:summary',
  'log:choose',
  'run:latest',
  'watch:start',
  'watch:stop',
  'watch:get',
  'watch:export',
  'history:list',
  'history:get',
  'history:export',
];
export const EVENT_CHANNEL = 'run:event';

/** What the renderer sees, whichever transport is behind it. */
export interface ResetDoctorApi {
  invoke<C extends ApiChannel>(channel: C, ...args: ApiCalls[C]['args']): Promise<ApiCalls[C]['result']>;
  /** Subscribes to run events; returns the unsubscribe function. */
  onEvent(listener: (event: RunEvent) => void): () => void;
}

export type { ProbeReport, Report, RunEvent };

// An error text to parse may be as long as the errorText a run accepts.
const MAX_TEXT: number = runOption('errorText').maxLength;
const FORMATS: ExportFormat[] = ['html', 'json', 'md'];

/**
 * Checks a call's arguments before anything acts on them: every transport runs this on every call, so a
 * compromised or buggy renderer cannot pass the engine something it does not expect.
 */
export function validateCall(channel: unknown, args: unknown): string | null {
  if (typeof channel !== 'string' || !(API_CHANNELS as string[]).includes(channel))
    return `unknown call ${String(channel)}`;
  if (!Array.isArray(args)) return 'arguments must be a list';
  const c = channel as ApiChannel;
  const text = (v: unknown, max = MAX_TEXT) => typeof v === 'string' && v.length <= max;
  const runId = (v: unknown) => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v);
  switch (c) {
    case 'app:info':
    case 'log:choose':
    case 'run:latest':
    case 'history:list':
      return args.length === 0 ? null : `${c} takes no arguments`;
    case 'target:check':
      return args.length === 1 && text(args[0], 2048) ? null : 'target:check takes one target text';
    case 'error:parse':
      return args.length === 1 && text(args[0]) ? null : 'error:parse takes one error text';
    case 'run:cancel':
    case 'report:get':
    case 'watch:stop':
    case 'watch:get':
    case 'history:get':
      return args.length === 1 && runId(args[0]) ? null : `${c} takes a run id`;
    case 'step:rerun':
      return args.length === 2 && runId(args[0]) && typeof args[1] === 'string' && isStepId(args[1])
        ? null
        : 'step:rerun takes a run id and a step id';
    case 'report:export':
    case 'history:export':
      return (args.length === 2 || (args.length === 3 && typeof args[2] === 'boolean')) &&
        runId(args[0]) &&
        FORMATS.includes(args[1] as ExportFormat)
        ? null
        : `${c} takes a run id, html, json or md, and whether to redact`;
    case 'report:summary':
      return (args.length === 1 || (args.length === 2 && typeof args[1] === 'boolean')) && runId(args[0])
        ? null
        : 'report:summary takes a run id, and whether to redact';
    case 'run:start':
      return args.length === 1 ? validateStart(args[0]) : 'run:start takes one request';
    case 'watch:start':
      return args.length === 1 ? validateWatch(args[0]) : 'watch:start takes one request';
    case 'watch:export':
      return args.length === 2 && runId(args[0]) && WATCH_FORMATS.includes(args[1] as WatchExportFormat)
        ? null
        : 'watch:export takes a run id, and html, json, md or pcapng';
  }
}

const WATCH_FORMATS: WatchExportFormat[] = ['html', 'json', 'md', 'pcapng'];

function validateWatch(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'watch:start takes a request object';
  const r = value as Record<string, unknown>;
  const fields = ['target', ...(Object.keys(WATCH_BOUNDS) as (keyof typeof WATCH_BOUNDS)[])];
  const extra = Object.keys(r).filter((k) => !fields.includes(k));
  if (extra.length) return `unexpected field ${extra[0]}`;
  if (typeof r.target !== 'string' || r.target.length > 2048) return 'target must be text';
  for (const [key, { min, max }] of Object.entries(WATCH_BOUNDS)) {
    const v = r[key];
    if (v === null) continue;
    const whole = key === 'until';
    if (typeof v !== 'number' || !(v >= min && v <= max) || (whole && !Number.isInteger(v)))
      return `${key} must be ${whole ? 'a whole number ' : ''}${min}..${max} or null`;
  }
  return null;
}

function validateStart(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'run:start takes a request object';
  const r = value as Record<string, unknown>;
  const allowed = ['target', ...REQUEST_OPTIONS.map((o) => o.key)];
  const extra = Object.keys(r).filter((k) => !allowed.includes(k));
  if (extra.length) return `unexpected field ${extra[0]}`;
  if (typeof r.target !== 'string' || r.target.length > 2048) return 'target must be text';
  for (const option of REQUEST_OPTIONS) {
    const v = r[option.key];
    // Only options that are off unless given take null; a missing field is refused like a wrong one.
    if (v === null && option.default === null) continue;
    if (option.kind === 'text' && (typeof v !== 'string' || v.length > option.maxLength))
      return `${option.key} must be text or null`;
    // Only the path's shape: whether it names a readable regular file is checked where the file is.
    if (option.kind === 'path' && (typeof v !== 'string' || !isPathText(option, v)))
      return `${option.key} must be a path (not empty, no NUL) or null`;
    if (
      (option.kind === 'number' || option.kind === 'integer') &&
      (typeof v !== 'number' || !withinBounds(option, v))
    ) {
      const what = option.kind === 'integer' ? 'a whole number ' : '';
      return `${option.key} must be ${what}${option.min}..${option.max}${option.default === null ? ' or null' : ''}`;
    }
  }
  return null;
}
