import { createReadStream, type ReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { FailureInfo } from '../../shared/failure-info.js';
import { fileErrorWords } from '../net/errno-failure.js';
import { extractClientEndpoint } from '../parsers/log-format-fields.js';
import { isRecordDateLine } from '../parsers/log-format-shapes.js';
import {
  classifyLogLine,
  detectLogFormat,
  extractTimestamp,
  LOG_CANDIDATE_PATTERNS,
  LOG_CATEGORIES,
  type LogCategory,
} from '../parsers/log-line-parser.js';
import { LineCandidateAutomaton, type CandidateSink } from '../parsers/line-candidate-automaton.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import {
  correlate,
  logTime,
  WINDOW_SLACK_MS,
  type CorrelatedLine,
  type RunWindow,
} from './log-correlation.js';
import { openLogFile } from './log-file-check.js';
import {
  decodeLine,
  isBinaryLine,
  LineSplitter,
  MAX_LINE_BYTES,
  type LineSink,
} from './log-line-splitter.js';
import { runConversations } from './run-conversations.js';

export interface LogMatch {
  /** 1-based. */
  lineNumber: number;
  timestamp: string | null;
  category: LogCategory;
  /** The line, trimmed to 300 characters. */
  text: string;
  /** The client the line names (nginx "client:", the access log's first field, HAProxy, Envoy, PostgreSQL). */
  clientAddress: string | null;
  /** The client's port, where the line gives one (HAProxy, Apache, Envoy, PostgreSQL, "->addr:port"). */
  clientPort: number | null;
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
  /**
   * The kept matches, and those nearest the run, scored against it (by time, and by the client ports the
   * run's connections used), most relevant first, at most MAX_MATCHES.
   */
  correlated: CorrelatedLine[];
  /** The few correlated lines that plausibly concern this run, at most 8; empty when none does. */
  linesThatMatter: CorrelatedLine[];
  /**
   * The first failure inside the analysis itself (a bug, not the file's fault), in one line, or null.
   * What was collected around it still stands: the lines it hit are passed over, the rest is read.
   */
  analysisProblem: string | null;
}

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
/**
 * Besides the first and latest matches, the scan keeps this many of those nearest the run in time, so a
 * log that goes on long after the run (or has many matches) still shows the lines written during it.
 */
export const NEAR_RUN_MATCHES = 100;
/** Only matches within a day of the run are candidates for that. */
const NEAR_RUN_MAX_MS = 24 * 3600 * 1000;
/**
 * A chunk whose last line is older than this before the run cannot hold a line near it, whatever zone
 * its times are in (zones span 26 hours): its matches' times are not even parsed.
 */
const FAR_CHUNK_MS = 26 * 3600 * 1000 + NEAR_RUN_MAX_MS;

const SKIP_REASON =
  'No server log given: a log from the server (nginx, Apache, HAProxy, journald or the application’s own) is searched for resets, timeouts and restarts.';

export const logScanProbe: ProbeDefinition<LogScanData> = {
  id: 'log-scan',
  title: 'Server log scan',
  run: (ctx) => runLogScan(ctx),
};

/** How the scan reads; the defaults are the probe's, the others let tests hold the two ways to each other. */
export interface LogScanTuning {
  /** Read and classify every line (the reference), instead of only the candidates a block scan finds. */
  everyLine?: boolean;
  /** Bytes per read: small reads put line and block boundaries everywhere. */
  chunkBytes?: number;
}

export async function runLogScan(
  ctx: ProbeContext,
  tuning: LogScanTuning = {},
): Promise<ProbeOutcome<LogScanData>> {
  const file = ctx.env.options.logFile;
  if (file === null) return { status: 'skipped', reason: SKIP_REASON, enables: { option: 'logFile' } };
  if (ctx.signal.aborted) return { status: 'failed', failure: cancelledFailure(0, 0, null) };
  // The run was checked before it started; the file may have changed since (or a step is re-run).
  const opened = await openLogFile(file);
  if ('problem' in opened) return { status: 'failed', failure: cannotRead(file, opened.problem) };
  return scanLog(ctx, file, opened.handle, opened.size, tuning);
}

// ---------------------------------------------------------------------------------------------------------
// Opening

function cannotRead(file: string, reason: string): FailureInfo {
  return { code: 'bad_input', message: `Cannot read the log file ${file}: ${reason}` };
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
  tuning: LogScanTuning,
): Promise<ProbeOutcome<LogScanData>> {
  const scanner = new LogScanner(Date.now() - ctx.env.now(), tuning.everyLine ?? false);
  const splitter = new LineSplitter(scanner);
  const progress = new ProgressGate(ctx, size);
  // No further than the size it had when opened: a log written faster than it is read would never end.
  const stream: ReadStream | null =
    size > 0
      ? createReadStream(file, {
          fd: handle,
          start: 0,
          end: size - 1,
          highWaterMark: tuning.chunkBytes ?? READ_CHUNK_BYTES,
          signal: ctx.signal,
        })
      : null;
  if (stream === null) await handle.close();
  let bytesRead = 0;
  let readError: unknown = null;
  try {
    for await (const chunk of (stream ?? []) as AsyncIterable<Buffer>) {
      if (ctx.signal.aborted) break;
      bytesRead += chunk.length;
      splitter.push(chunk);
      scanner.chunkEnd();
      progress.maybeReport(bytesRead, scanner);
    }
  } catch (error) {
    // Only I/O errors (which carry a code) are the file's fault. A bug in the scan stops the reading, but
    // what was read so far still stands: it is reported with the reason, like any other analysis failure.
    if (!ctx.signal.aborted && errorCode(error) === null) scanner.stopped(error);
    else readError = error;
  } finally {
    // Breaking out of the loop already destroys the stream; this also covers a throw from the scan.
    stream?.destroy();
  }
  const run = (): RunWindow => runWindow(ctx);
  if (ctx.signal.aborted) {
    const data = scanner.finish(file, size, bytesRead, run);
    return { status: 'failed', failure: cancelledFailure(data.linesRead, bytesRead, size), data };
  }
  if (readError !== null) {
    const data = scanner.finish(file, size, bytesRead, run);
    const failure = cannotRead(file, `${fileErrorWords(readError)} after ${formatBytes(bytesRead)}`);
    return { status: 'failed', failure, data };
  }
  try {
    splitter.end();
  } catch (error) {
    scanner.stopped(error);
  }
  scanner.chunkEnd();
  const data = scanner.finish(file, size, bytesRead, run);
  return { status: 'complete', summary: summarize(data), assessment: assess(data), data };
}

/**
 * The run as far as this probe can see it when it finishes: from the run's start until now, and the local
 * ports of every connection the run made so far (the step runs after the application step, so they are
 * there). This machine's address as the server sees it is unknown (NAT), so lines are matched by port.
 * Log times without a zone are read in this machine's zone.
 */
function runWindow(ctx: ProbeContext): RunWindow {
  const now = Date.now();
  const ports = runConversations(ctx.results)
    .map(({ conversation }) => conversation.localPort)
    .filter((port): port is number => port !== null);
  return {
    startedAtIso: new Date(now - ctx.env.now()).toISOString(),
    finishedAtIso: new Date(now).toISOString(),
    clientAddresses: [],
    localPorts: [...new Set(ports)],
    logUtcOffsetMinutes: null,
  };
}

/** `size` is null when the file was never opened. */
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
// Scanning

interface PendingMatch {
  lineNumber: number;
  category: LogCategory;
  /** The whole (capped) line: its timestamp is only parsed if the match is kept to the end. */
  line: string;
  /** For a line inside a multi-line record (a Windows event's description): the record's date line. */
  recordDate: string | null;
  /** Parsed once, when first needed; undefined until then. */
  timestamp?: string | null;
}

interface Stamp {
  lineNumber: number;
  timestamp: string;
}

/** The line being read by the block scan: where it starts in its block, for the lines above it. */
interface BlockCursor {
  bytes: Buffer;
  start: number;
}

/** Built on first use, and kept: its states, learnt from the text, serve every later scan. */
let candidates: LineCandidateAutomaton | null = null;

class LogScanner implements LineSink {
  linesRead = 0;
  longLines = 0;
  binaryLines = 0;
  readonly counts = emptyCounts();
  private readonly keeper = new MatchKeeper<PendingMatch>();
  private readonly nearRun: NearRunKeeper;
  /** This chunk's matches, until chunkEnd() decides whether they may be near the run. */
  private chunkMatches: PendingMatch[] = [];
  private readonly sample: string[] = [];
  private format: string | null = null;
  private readonly tailLines: string[] = new Array<string>(TAIL_LINES).fill('');
  /** 0: the slot holds no line yet (a log shorter than TAIL_LINES, or one whose blank lines skip it). */
  private readonly tailNumbers: number[] = new Array<number>(TAIL_LINES).fill(0);
  private first: Stamp | null = null;
  private last: Stamp | null = null;
  /** The first failure inside the analysis (a bug, never the file's fault), in one line. */
  private problem: string | null = null;
  /** Set while the block scan reads a candidate line. */
  private cursor: BlockCursor | null = null;

  /** `runStartedAt`: epoch ms. `everyLine`: read every line as the reference does, no block scan. */
  constructor(
    private readonly runStartedAt: number,
    private readonly everyLine: boolean,
  ) {
    this.nearRun = new NearRunKeeper(NEAR_RUN_MATCHES);
  }

  /**
   * Complete lines, as bytes. While the format and the first time are still being looked for, every line
   * is read; after that one pass over the block's bytes (LOG_CANDIDATE_PATTERNS) finds the lines that may
   * report something, only those are decoded and read, and the others are counted.
   */
  block(bytes: Buffer): void {
    let start = 0;
    while (this.wantsEveryLine()) {
      const end = lineEnd(bytes, start);
      const { text: line, truncated } = decodeLine(bytes, start, end);
      this.line(line, truncated);
      if (end === bytes.length) return;
      start = end + 1;
    }
    candidates ??= new LineCandidateAutomaton(LOG_CANDIDATE_PATTERNS);
    const sink: CandidateSink = {
      passed: (count, long) => {
        this.linesRead += count;
        this.longLines += long;
      },
      candidate: (from, end) => this.readCandidate(bytes, from, end),
    };
    candidates.scan(bytes, start, sink, MAX_LINE_BYTES);
    this.keepTail(bytes);
  }

  private wantsEveryLine(): boolean {
    if (this.everyLine || this.format === null) return true;
    return this.first === null && this.linesRead < FIRST_TIMESTAMP_LINES;
  }

  private readCandidate(bytes: Buffer, start: number, end: number): void {
    const { text, truncated } = decodeLine(bytes, start, end);
    this.cursor = { bytes, start };
    try {
      this.line(text, truncated);
    } finally {
      this.cursor = null;
    }
  }

  /** The block's last lines into the tail ring, as reading each line would have put them there. */
  private keepTail(bytes: Buffer): void {
    let end = bytes.length;
    for (let back = 0; back < TAIL_LINES; back += 1) {
      const start = lineStart(bytes, end);
      const line = usableLine(decodeLine(bytes, start, end).text);
      const lineNumber = this.linesRead - back;
      if (line !== null) {
        this.tailLines[lineNumber % TAIL_LINES] = line;
        this.tailNumbers[lineNumber % TAIL_LINES] = lineNumber;
      }
      if (start === 0) return;
      end = start - 1;
    }
  }

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
    // A line the analysis trips over is passed over, said once, and the scan goes on with the next. Its
    // kind and its time are separate tries, so a failure to read the one does not lose the other.
    try {
      this.classify(text, lineNumber);
    } catch (error) {
      this.noteProblem(`at line ${formatCount(lineNumber)}`, error);
    }
    try {
      if (this.format === null) this.addSample(text);
      if (this.first === null && lineNumber <= FIRST_TIMESTAMP_LINES) this.observe(lineNumber, text);
    } catch (error) {
      this.noteProblem(`at line ${formatCount(lineNumber)}`, error);
    }
  }

  private classify(text: string, lineNumber: number): void {
    const category = classifyLogLine(text);
    if (category === null) return;
    this.counts[category] += 1;
    const match: PendingMatch = {
      lineNumber,
      category,
      line: text,
      recordDate: this.recordDateBefore(lineNumber),
    };
    this.keeper.add(match);
    this.chunkMatches.push(match);
  }

  /** Brings the last timestamp up to the end of what has been read so far, then sorts out this chunk's matches. */
  chunkEnd(): void {
    try {
      this.chunkEndUnguarded();
    } catch (error) {
      this.chunkMatches = [];
      this.noteProblem(`after line ${formatCount(this.linesRead)}`, error);
    }
  }

  private chunkEndUnguarded(): void {
    const order = this.tailNumbers
      .map((lineNumber, slot) => ({ lineNumber, slot }))
      .sort((a, b) => b.lineNumber - a.lineNumber);
    for (const { lineNumber, slot } of order) {
      if (lineNumber === 0 || (this.last !== null && lineNumber <= this.last.lineNumber)) break;
      if (this.observe(lineNumber, this.tailLines[slot] ?? '')) break;
    }
    this.keepNearRun();
  }

  /**
   * What the scan collected. Each part is worked out on its own, so a failure in one (a bug) leaves the
   * others standing: matches without their times or clients, or without the correlation with the run.
   */
  finish(file: string, sizeBytes: number, bytesRead: number, run: () => RunWindow): LogScanData {
    const matches = this.guard(
      'reading the matches',
      () => this.keeper.list().map((pending) => this.toMatch(pending)),
      () => this.keeper.list().map(bareMatch),
    );
    const seen = new Set(matches.map((m) => m.lineNumber));
    const near = this.guard(
      'reading the matches near the run',
      () =>
        this.nearRun
          .list()
          .filter((pending) => !seen.has(pending.lineNumber))
          .map((pending) => this.toMatch(pending)),
      () => [],
    );
    const { correlated, linesThatMatter } = this.guard(
      'correlating the matches with the run',
      () => correlate([...matches, ...near], run()),
      () => ({ correlated: [], linesThatMatter: [] }),
    );
    return {
      file,
      format:
        this.format ??
        this.guard(
          'guessing the format',
          () => detectLogFormat(this.sample),
          () => 'plain',
        ),
      sizeBytes,
      bytesRead,
      linesRead: this.linesRead,
      longLines: this.longLines,
      binaryLines: this.binaryLines,
      counts: { ...this.counts },
      matches,
      firstTimestamp: this.first?.timestamp ?? null,
      lastTimestamp: this.last?.timestamp ?? null,
      correlated: correlated.slice(0, MAX_MATCHES),
      linesThatMatter,
      analysisProblem: this.problem,
    };
  }

  /** Something outside the analysis stopped it (the reading loop's own bug): said like the others. */
  stopped(error: unknown): void {
    this.noteProblem(`after line ${formatCount(this.linesRead)}`, error);
  }

  private guard<T>(what: string, work: () => T, fallback: () => T): T {
    try {
      return work();
    } catch (error) {
      this.noteProblem(what, error);
      return fallback();
    }
  }

  private noteProblem(where: string, error: unknown): void {
    this.problem ??= `the analysis failed ${where}: ${oneLine(error)}`;
  }

  /**
   * Offers this chunk's matches to the near-run keeper. A chunk that ends more than a day (plus any zone
   * difference) before the run is passed over without parsing a single time: in the common case of an old
   * log, that is every chunk.
   */
  private keepNearRun(): void {
    const matches = this.chunkMatches;
    if (matches.length === 0) return;
    this.chunkMatches = [];
    const chunkEnd = this.last === null ? null : logTime(this.last.timestamp, null);
    if (chunkEnd !== null && chunkEnd.epochMs < this.runStartedAt - FAR_CHUNK_MS) return;
    const start = this.runStartedAt - WINDOW_SLACK_MS;
    const end = Date.now() + WINDOW_SLACK_MS;
    for (const match of matches) {
      const timestamp = this.timestampOf(match);
      const at = timestamp === null ? null : logTime(timestamp, null);
      if (at === null) continue;
      const distance = at.epochMs < start ? start - at.epochMs : Math.max(0, at.epochMs - end);
      if (distance <= NEAR_RUN_MAX_MS) this.nearRun.offer(match, distance);
    }
  }

  /**
   * The nearest line before a match, among the last TAIL_LINES, that carries the time of the record the
   * match is in (a Windows event's Date: field, the timestamped line above a stack trace). Looked for only
   * when a line matches, so the lines that report nothing pay nothing for it. A blank or binary line ends
   * the record. The lines above come from the block being scanned, else from the tail ring.
   */
  private recordDateBefore(lineNumber: number): string | null {
    const cursor = this.cursor;
    /** The newline that ends the line above, in the cursor's block; below 0 once above the block. */
    let end = cursor === null ? -1 : cursor.start - 1;
    for (let back = 1; back < TAIL_LINES && lineNumber - back >= 1; back += 1) {
      let text: string | null;
      if (cursor !== null && end >= 0) {
        const start = lineStart(cursor.bytes, end);
        text = usableLine(decodeLine(cursor.bytes, start, end).text);
        end = start - 1;
      } else {
        const slot = (lineNumber - back) % TAIL_LINES;
        text = this.tailNumbers[slot] === lineNumber - back ? (this.tailLines[slot] ?? null) : null;
      }
      if (text === null) return null;
      if (isRecordDateLine(text)) return text;
    }
    return null;
  }

  private addSample(text: string): void {
    this.sample.push(text.slice(0, 2000));
    if (this.sample.length === FORMAT_SAMPLE_LINES) this.format = detectLogFormat(this.sample);
  }

  /** The line's own time, else its record's (a Windows event's description under its Date: line). */
  private timestampOf(match: PendingMatch): string | null {
    if (match.timestamp !== undefined) return match.timestamp;
    let timestamp = extractTimestamp(match.line);
    if (timestamp === null && match.recordDate !== null) timestamp = extractTimestamp(match.recordDate);
    match.timestamp = timestamp;
    return timestamp;
  }

  private toMatch(pending: PendingMatch): LogMatch {
    const { lineNumber, category, line } = pending;
    const timestamp = this.timestampOf(pending);
    if (timestamp !== null) this.record({ lineNumber, timestamp });
    const client = extractClientEndpoint(line);
    return {
      lineNumber,
      timestamp,
      category,
      text: matchText(line),
      clientAddress: client?.address ?? null,
      clientPort: client?.port ?? null,
    };
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

/** Where the line starting at `start` ends: its newline, or the end of the block. */
function lineEnd(bytes: Buffer, start: number): number {
  const newline = bytes.indexOf(0x0a, start);
  return newline === -1 ? bytes.length : newline;
}

/** Where the line ending at `end` (its newline, or the end of the block) starts. */
function lineStart(bytes: Buffer, end: number): number {
  return end === 0 ? 0 : bytes.lastIndexOf(0x0a, end - 1) + 1;
}

/** The line as the tail ring keeps it: null for a blank or binary line, which it does not. */
function usableLine(line: string): string | null {
  return line.length === 0 || isBinaryLine(line) ? null : line;
}

/** The `capacity` matches nearest the run in time (ties: the earlier line), in file order. */
class NearRunKeeper {
  private readonly kept: { match: PendingMatch; distance: number }[] = [];

  constructor(private readonly capacity: number) {}

  offer(match: PendingMatch, distance: number): void {
    if (this.kept.length < this.capacity) {
      this.kept.push({ match, distance });
      return;
    }
    let worst = 0;
    for (let i = 1; i < this.kept.length; i += 1) {
      if ((this.kept[i]?.distance ?? 0) > (this.kept[worst]?.distance ?? 0)) worst = i;
    }
    if (distance < (this.kept[worst]?.distance ?? 0)) this.kept[worst] = { match, distance };
  }

  list(): PendingMatch[] {
    return this.kept.map(({ match }) => match).sort((a, b) => a.lineNumber - b.lineNumber);
  }
}

function emptyCounts(): Record<LogCategory, number> {
  return Object.fromEntries(LOG_CATEGORIES.map((c) => [c, 0])) as Record<LogCategory, number>;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes are noise in a report
const ANSI_ESCAPE = /\u001b\[[0-9;]*[A-Za-z]/g;

/** A kept match as it stands when its time and client could not be read. */
function bareMatch(pending: PendingMatch): LogMatch {
  const { lineNumber, category, line } = pending;
  return {
    lineNumber,
    timestamp: null,
    category,
    text: matchText(line),
    clientAddress: null,
    clientPort: null,
  };
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split('\n')[0]?.trim() ?? '';
  return first === '' ? 'unknown error' : first.slice(0, 200);
}

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

/** A quiet log whose analysis failed somewhere is not vouched for: it warns. */
function assess({ counts, analysisProblem }: LogScanData): 'ok' | 'warn' | 'fail' {
  if (counts.reset > 0 || counts.crash > 0 || counts.limit > 0) return 'fail';
  if (counts.timeout > 0 || counts.upstream > 0 || analysisProblem !== null) return 'warn';
  return 'ok';
}

/** How much of the line that matters most the summary quotes. */
const SUMMARY_QUOTE_CHARS = 120;

function summarize(data: LogScanData): string {
  const { counts } = data;
  const found = [
    plural(counts.reset, 'reset', 'resets'),
    plural(counts.crash, 'crash/restart', 'crashes/restarts'),
    plural(counts.timeout, 'timeout', 'timeouts'),
    plural(counts.upstream, 'upstream error', 'upstream errors'),
    // Named only when there are some, so summaries of logs without any read as before.
    counts.limit > 0 ? plural(counts.limit, 'connection limit hit', 'connection limit hits') : '',
  ]
    .filter((part) => part !== '')
    .join(', ');
  const skipped = [
    data.binaryLines > 0 ? `${plural(data.binaryLines, 'binary line', 'binary lines')} skipped` : '',
    data.longLines > 0 ? `${plural(data.longLines, 'line', 'lines')} cut at 64 KiB` : '',
  ].filter((part) => part !== '');
  const tail = skipped.length > 0 ? ` (${skipped.join(', ')})` : '';
  const problem = data.analysisProblem === null ? '' : `; incomplete: ${data.analysisProblem}`;
  return `Read ${plural(data.linesRead, 'line', 'lines')} (${data.format}): ${found}${tail}${topLine(data)}${problem}`;
}

/** "; most relevant to this run: line 12 (reset; at 10:11:12, during the run …): «text»", or "". */
function topLine(data: LogScanData): string {
  const top = data.linesThatMatter[0];
  if (top === undefined) return '';
  const text =
    top.text.length <= SUMMARY_QUOTE_CHARS ? top.text : `${top.text.slice(0, SUMMARY_QUOTE_CHARS - 1)}…`;
  return `; most relevant to this run: line ${formatCount(top.lineNumber)} (${top.category}; ${top.why}): ${text}`;
}

// Made on first use: building a NumberFormat loads ICU data (about 20 ms), which every CLI start paid.
let countFormat: Intl.NumberFormat | undefined;

function formatCount(value: number): string {
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(value);
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
