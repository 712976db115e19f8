import { createReadStream, type ReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { FailureInfo } from '../../shared/failure-info.js';
import {
  classifyLogLine,
  detectLogFormat,
  extractTimestamp,
  LOG_CATEGORIES,
  type LogCategory,
} from '../parsers/log-line-parser.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';

export interface LogMatch {
  /** 1-based. */
  lineNumber: number;
  timestamp: string | null;
  category: LogCategory;
  /** The line, trimmed to 300 characters. */
  text: string;
}

export interface LogScanData {
  file: string;
  format: string;
  sizeBytes: number;
  bytesRead: number;
  linesRead: number;
  /** Lines longer than MAX_LINE_BYTES: only their start was looked at. */
  longLines: number;
  /** Lines of NUL or mostly non-printable bytes (a rotated-in binary, a gzip), skipped. */
  binaryLines: number;
  counts: Record<LogCategory, number>;
  /** In file order: the first few of each category and the latest ones, at most MAX_MATCHES. */
  matches: LogMatch[];
  firstTimestamp: string | null;
  lastTimestamp: string | null;
}

export const MAX_LINE_BYTES = 64 * 1024;
export const MAX_MATCHES = 40;
export const FIRST_MATCHES_PER_CATEGORY = 5;
export const MATCH_TEXT_CHARS = 300;

/** Big reads keep the per-chunk overhead of the stream small next to the line work. */
const READ_CHUNK_BYTES = 1024 * 1024;
const PROGRESS_EVERY_BYTES = 64 * 1024 * 1024;
const PROGRESS_EVERY_MS = 250;
/** How many leading text lines feed the format guess. */
const FORMAT_SAMPLE_LINES = 50;
/** Looking for the first timestamp on every line of a log that has none would cost a lot for nothing. */
const FIRST_TIMESTAMP_LINES = 1000;
/** The last timestamp is looked for among the last lines of each chunk (a stack trace may end it). */
const TAIL_LINES = 16;
/** More control bytes than this share of a line marks it as binary, not text with a stray escape. */
const BINARY_SHARE = 0.3;

const SKIP_REASON =
  'No server log given: pass --log FILE (an nginx, Apache, HAProxy, journald or application log from the server) to look for resets, timeouts and restarts.';

export const logScanProbe: ProbeDefinition<LogScanData> = {
  id: 'log-scan',
  title: 'Server log scan',
  async run(ctx) {
    const file = ctx.env.options.logFile;
    if (file === null) return { status: 'skipped', reason: SKIP_REASON };
    if (ctx.signal.aborted) return { status: 'failed', failure: cancelledFailure(0, 0, null) };
    const opened = await openLog(file);
    if ('failure' in opened) return { status: 'failed', failure: opened.failure };
    return scanLog(ctx, file, opened.handle, opened.size);
  },
};

// ---------------------------------------------------------------------------------------------------------
// Opening

type Opened = { handle: FileHandle; size: number } | { failure: FailureInfo };

async function openLog(file: string): Promise<Opened> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(file, 'r');
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      await handle.close();
      return { failure: cannotRead(file, 'it is a directory') };
    }
    // Pipes and /proc files report size 0: progress then has no fraction.
    return { handle, size: stat.isFile() ? stat.size : 0 };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    return { failure: cannotRead(file, shortReason(error)) };
  }
}

function cannotRead(file: string, reason: string): FailureInfo {
  return { code: 'bad_input', message: `Cannot read the log file ${file}: ${reason}` };
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

function shortReason(error: unknown): string {
  const code = errorCode(error);
  if (code !== null) return REASONS[code] ?? code;
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || !('code' in error)) return null;
  return typeof error.code === 'string' ? error.code : null;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

async function scanLog(
  ctx: ProbeContext,
  file: string,
  handle: FileHandle,
  size: number,
): Promise<ProbeOutcome<LogScanData>> {
  const scanner = new LogScanner();
  const splitter = new LineSplitter((line, truncated) => scanner.line(line, truncated));
  const progress = new ProgressGate(ctx, size);
  const stream: ReadStream = createReadStream(file, {
    fd: handle,
    highWaterMark: READ_CHUNK_BYTES,
    signal: ctx.signal,
  });
  let bytesRead = 0;
  let readError: unknown = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (ctx.signal.aborted) break;
      bytesRead += chunk.length;
      splitter.push(chunk);
      scanner.chunkEnd();
      progress.maybeReport(bytesRead, scanner);
    }
  } catch (error) {
    // Only I/O errors (which carry a code) are the file's fault; a bug in the scan goes to the runner.
    if (!ctx.signal.aborted && errorCode(error) === null) throw error;
    readError = error;
  } finally {
    // Breaking out of the loop already destroys the stream; this also covers a throw from the scan.
    stream.destroy();
  }
  if (ctx.signal.aborted) {
    const data = scanner.finish(file, size, bytesRead);
    return { status: 'failed', failure: cancelledFailure(data.linesRead, bytesRead, size), data };
  }
  if (readError !== null) {
    const data = scanner.finish(file, size, bytesRead);
    const failure = cannotRead(file, `${shortReason(readError)} after ${formatBytes(bytesRead)}`);
    return { status: 'failed', failure, data };
  }
  splitter.end();
  scanner.chunkEnd();
  const data = scanner.finish(file, size, bytesRead);
  return { status: 'complete', summary: summarize(data), assessment: assess(data.counts), data };
}

/** `size` is null when the file was never opened, 0 when its size is unknown (a pipe). */
function cancelledFailure(lines: number, bytesRead: number, size: number | null): FailureInfo {
  const where =
    size === null ? '' : ` (${formatBytes(bytesRead)}${size > 0 ? ` of ${formatBytes(size)}` : ''})`;
  return { code: 'cancelled', message: `Log scan cancelled after ${formatCount(lines)} lines${where}` };
}

/** Keeps the UI informed without flooding it: one report per 250 ms or per 64 MiB, whichever comes first. */
class ProgressGate {
  private lastBytes = 0;
  private lastAt: number;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly size: number,
  ) {
    this.lastAt = ctx.env.now();
  }

  maybeReport(bytesRead: number, scanner: LogScanner): void {
    const at = this.ctx.env.now();
    if (bytesRead - this.lastBytes < PROGRESS_EVERY_BYTES && at - this.lastAt < PROGRESS_EVERY_MS) return;
    this.lastBytes = bytesRead;
    this.lastAt = at;
    const of = this.size > 0 ? ` of ${formatBytes(this.size)}` : '';
    const fraction = this.size > 0 ? Math.min(1, bytesRead / this.size) : null;
    const message = `Scanned ${formatBytes(bytesRead)}${of}, ${formatCount(scanner.linesRead)} lines`;
    this.ctx.progress(message, fraction, { linesRead: scanner.linesRead, counts: { ...scanner.counts } });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Line splitting

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines. Unlike readline it never holds more than `maxBytes` of one line: a
 * longer line is cut there (and flagged) and the rest of it is dropped up to the next newline, so a
 * single multi-GB line cannot exhaust memory. A trailing "\r" is removed.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private overflow = false;

  constructor(
    private readonly onLine: (line: string, truncated: boolean) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      if (this.heldBytes === 0 && !this.overflow && newline - start <= this.maxBytes) {
        this.onLine(withoutCr(chunk.toString('utf8', start, newline)), false);
      } else {
        this.hold(chunk.subarray(start, newline));
        this.emitHeld();
      }
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.heldBytes > 0 || this.overflow) this.emitHeld();
  }

  private hold(part: Buffer): void {
    const room = this.maxBytes - this.heldBytes;
    if (part.length > room) this.overflow = true;
    const kept = part.length > room ? part.subarray(0, room) : part;
    if (kept.length === 0) return;
    // A copy, so a held tail does not pin the whole read buffer it came from.
    this.held.push(Buffer.from(kept));
    this.heldBytes += kept.length;
  }

  private emitHeld(): void {
    let bytes = Buffer.concat(this.held, this.heldBytes);
    if (this.overflow) bytes = bytes.subarray(0, utf8Boundary(bytes));
    const truncated = this.overflow;
    this.held = [];
    this.heldBytes = 0;
    this.overflow = false;
    this.onLine(withoutCr(bytes.toString('utf8')), truncated);
  }
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/** Where to cut so that a cap landing inside a multi-byte character does not leave half of it. */
function utf8Boundary(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead > 0 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  const first = bytes[lead] ?? 0;
  const width = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead + width > bytes.length ? lead : bytes.length;
}

// eslint-disable-next-line no-control-regex -- finding control bytes is the point
const SUSPECT_CHAR = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\ufffd]/;

/** NUL, or mostly control bytes and invalid UTF-8. Tabs, form feeds and ANSI colour escapes are text. */
export function isBinaryLine(line: string): boolean {
  if (!SUSPECT_CHAR.test(line)) return false;
  if (line.includes('\u0000')) return true;
  let suspect = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b)) {
      suspect += 1;
    }
  }
  return suspect > line.length * BINARY_SHARE;
}

// ---------------------------------------------------------------------------------------------------------
// Scanning

interface PendingMatch {
  lineNumber: number;
  category: LogCategory;
  /** The whole (capped) line: its timestamp is only parsed if the match is kept to the end. */
  line: string;
}

interface Stamp {
  lineNumber: number;
  timestamp: string;
}

class LogScanner {
  linesRead = 0;
  longLines = 0;
  binaryLines = 0;
  readonly counts = emptyCounts();
  private readonly keeper = new MatchKeeper<PendingMatch>();
  private readonly sample: string[] = [];
  private format: string | null = null;
  private readonly tailLines: string[] = [];
  private readonly tailNumbers: number[] = [];
  private first: Stamp | null = null;
  private last: Stamp | null = null;

  line(text: string, truncated: boolean): void {
    this.linesRead += 1;
    if (truncated) this.longLines += 1;
    if (text.length === 0) return;
    if (isBinaryLine(text)) {
      this.binaryLines += 1;
      return;
    }
    const lineNumber = this.linesRead;
    const slot = lineNumber % TAIL_LINES;
    this.tailLines[slot] = text;
    this.tailNumbers[slot] = lineNumber;
    if (this.format === null) this.addSample(text);
    if (this.first === null && lineNumber <= FIRST_TIMESTAMP_LINES) this.observe(lineNumber, text);
    const category = classifyLogLine(text);
    if (category === null) return;
    this.counts[category] += 1;
    this.keeper.add({ lineNumber, category, line: text });
  }

  /** Brings the last timestamp up to the end of what has been read so far. */
  chunkEnd(): void {
    const order = this.tailNumbers
      .map((lineNumber, slot) => ({ lineNumber, slot }))
      .sort((a, b) => b.lineNumber - a.lineNumber);
    for (const { lineNumber, slot } of order) {
      if (this.last !== null && lineNumber <= this.last.lineNumber) return;
      if (this.observe(lineNumber, this.tailLines[slot] ?? '')) return;
    }
  }

  finish(file: string, sizeBytes: number, bytesRead: number): LogScanData {
    const matches = this.keeper.list().map((pending) => this.toMatch(pending));
    return {
      file,
      format: this.format ?? detectLogFormat(this.sample),
      sizeBytes,
      bytesRead,
      linesRead: this.linesRead,
      longLines: this.longLines,
      binaryLines: this.binaryLines,
      counts: { ...this.counts },
      matches,
      firstTimestamp: this.first?.timestamp ?? null,
      lastTimestamp: this.last?.timestamp ?? null,
    };
  }

  private addSample(text: string): void {
    this.sample.push(text.slice(0, 2000));
    if (this.sample.length === FORMAT_SAMPLE_LINES) this.format = detectLogFormat(this.sample);
  }

  private toMatch({ lineNumber, category, line }: PendingMatch): LogMatch {
    const timestamp = extractTimestamp(line);
    if (timestamp !== null) this.record({ lineNumber, timestamp });
    return { lineNumber, timestamp, category, text: matchText(line) };
  }

  private observe(lineNumber: number, text: string): boolean {
    const timestamp = extractTimestamp(text);
    if (timestamp === null) return false;
    this.record({ lineNumber, timestamp });
    return true;
  }

  private record(stamp: Stamp): void {
    if (this.first === null || stamp.lineNumber < this.first.lineNumber) this.first = stamp;
    if (this.last === null || stamp.lineNumber > this.last.lineNumber) this.last = stamp;
  }
}

function emptyCounts(): Record<LogCategory, number> {
  return Object.fromEntries(LOG_CATEGORIES.map((c) => [c, 0])) as Record<LogCategory, number>;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are noise in a report
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

function matchText(line: string): string {
  const text = line.replace(ANSI_ESCAPE, '').trim();
  return text.length <= MATCH_TEXT_CHARS ? text : `${text.slice(0, MATCH_TEXT_CHARS - 1)}…`;
}

/**
 * Bounded memory for any number of matches: a ring of the latest MAX_MATCHES, plus the first
 * FIRST_MATCHES_PER_CATEGORY of each category so the report shows when trouble started as well as
 * how it is now.
 */
export class MatchKeeper<M extends { category: LogCategory; lineNumber: number }> {
  private readonly recent: M[] = [];
  private next = 0;
  private readonly firsts: M[] = [];
  private readonly firstCounts = emptyCounts();

  add(match: M): void {
    if (this.firstCounts[match.category] < FIRST_MATCHES_PER_CATEGORY) {
      this.firstCounts[match.category] += 1;
      this.firsts.push(match);
    }
    this.recent[this.next] = match;
    this.next = (this.next + 1) % MAX_MATCHES;
  }

  /** At most MAX_MATCHES, in file order: every kept first, then as many of the latest as fit. */
  list(): M[] {
    const ordered = [...this.recent.slice(this.next), ...this.recent.slice(0, this.next)];
    const isFirst = new Set(this.firsts);
    const latest = ordered.filter((match) => !isFirst.has(match));
    const room = MAX_MATCHES - this.firsts.length;
    const kept = [...this.firsts, ...latest.slice(Math.max(0, latest.length - room))];
    return kept.sort((a, b) => a.lineNumber - b.lineNumber);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Summary

function assess(counts: Record<LogCategory, number>): 'ok' | 'warn' | 'fail' {
  if (counts.reset > 0 || counts.crash > 0) return 'fail';
  if (counts.timeout > 0 || counts.upstream > 0) return 'warn';
  return 'ok';
}

function summarize(data: LogScanData): string {
  const { counts } = data;
  const found = [
    plural(counts.reset, 'reset', 'resets'),
    plural(counts.crash, 'crash/restart', 'crashes/restarts'),
    plural(counts.timeout, 'timeout', 'timeouts'),
    plural(counts.upstream, 'upstream error', 'upstream errors'),
  ].join(', ');
  const skipped = [
    data.binaryLines > 0 ? `${plural(data.binaryLines, 'binary line', 'binary lines')} skipped` : '',
    data.longLines > 0 ? `${plural(data.longLines, 'line', 'lines')} cut at 64 KiB` : '',
  ].filter((part) => part !== '');
  const tail = skipped.length > 0 ? ` (${skipped.join(', ')})` : '';
  return `Read ${plural(data.linesRead, 'line', 'lines')} (${data.format}): ${found}${tail}`;
}

const COUNT_FORMAT = new Intl.NumberFormat('en-US');

function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
