import { emptyWatchCounts } from '../../shared/watch-info.js';
import { mkdir, open, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { HISTORY_SCHEMA, type HistoryEntry, type HistoryRecord } from '../../shared/history-info.js';
import { writeFileAtomic } from '../report/report-writer.js';
import { firstLine } from '../net/errno-failure.js';

/**
 * Where serve keeps runs by default: the user's data directory, as the XDG base directories have it on
 * Linux (the desktop app uses Electron's userData instead).
 */
export function defaultHistoryDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const data =
    env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(data, 'reset-doctor', 'history');
}

/** Runs kept: the newest; older ones are removed as new ones come. */
export const KEEP_RUNS = 100;
/** A kept file larger than this is not read (a report is a few hundred kB; a watch's result less). */
const MAX_RECORD_BYTES = 32 * 1024 * 1024;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE = /^([0-9a-f-]{36})\.json$/;

/**
 * The runs kept on this machine: one JSON file per run (`<run id>.json`: its entry and its report or
 * watch result) in a folder of the app's data directory, written whole or not at all, the newest
 * KEEP_RUNS kept. The folder is listed on each call (another window or process may keep runs there too)
 * and each new file read once; a file that is not a record (hand-edited, cut short, someone else's) is
 * left alone and left out, with a note.
 */
export class RunHistory {
  /** The entries read so far, by id: a file is read once, unless it is written again here. */
  private readonly entries = new Map<string, HistoryEntry>();
  /** Files that did not read as a record: not read again (their note stays). */
  private readonly unreadable = new Set<string>();
  /** Why files of the folder were left out, one line each (the latest few). */
  readonly problems: string[] = [];

  constructor(
    readonly dir: string,
    private readonly keep = KEEP_RUNS,
  ) {}

  /** Keeps a finished run (again, when a step was re-run: the newer report replaces the older). */
  async save(record: HistoryRecord): Promise<void> {
    if (!ID.test(record.entry.id)) throw new Error(`not a run id: ${record.entry.id}`);
    const entries = await this.load();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file(record.entry.id), JSON.stringify(record));
    this.unreadable.delete(record.entry.id);
    entries.delete(record.entry.id);
    entries.set(record.entry.id, record.entry);
    const old = this.newestFirst(entries).slice(this.keep);
    for (const entry of old) {
      entries.delete(entry.id);
      await rm(this.file(entry.id), { force: true });
    }
  }

  /** The kept runs, newest first. */
  async list(): Promise<HistoryEntry[]> {
    return this.newestFirst(await this.load());
  }

  /**
   * One kept run, whole; null when it is not kept (removed, or never was) or no longer reads as one (a
   * report that breaks the report schema, a watch without its parts): the wizard is never handed it.
   */
  async get(id: string): Promise<HistoryRecord | null> {
    if (!ID.test(id) || !(await this.load()).has(id)) return null;
    const record = await this.read(id);
    if (!record) return null;
    if ('report' in record) {
      // Loaded here, not at start-up: the validator (Ajv) is only needed to reopen a report.
      const { validateReport } = await import('../report/report-schema.js');
      const check = validateReport(record.report);
      if (!check.valid) return this.note(`${id}.json: its report breaks the schema (${check.errors[0]})`);
      return record;
    }
    if (!isWatch(record.watch)) return this.note(`${id}.json: its watch result is incomplete`);
    // Kept by an earlier version: the parts added since read as empty.
    return {
      ...record,
      watch: {
        ...record.watch,
        hopSearch: record.watch.hopSearch ?? null,
        counts: { ...emptyWatchCounts(), ...record.watch.counts },
      },
    };
  }

  private newestFirst(entries: Map<string, HistoryEntry>): HistoryEntry[] {
    return [...entries.values()].sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  }

  private file(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private async load(): Promise<Map<string, HistoryEntry>> {
    let names: string[] = [];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.note(`${this.dir}: ${firstLine((error as Error).message)}`);
    }
    const ids = new Set(names.flatMap((name) => FILE.exec(name)?.[1] ?? []).filter((id) => ID.test(id)));
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
    for (const id of ids) {
      if (this.entries.has(id) || this.unreadable.has(id)) continue;
      const record = await this.read(id);
      if (record) this.entries.set(id, record.entry);
      else this.unreadable.add(id);
    }
    return this.entries;
  }

  /** A record, checked: its size before it is read, its shape and its id after. */
  private async read(id: string): Promise<HistoryRecord | null> {
    const name = `${id}.json`;
    try {
      const handle = await open(this.file(id), 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile()) return this.note(`${name}: not a regular file`);
        if (info.size > MAX_RECORD_BYTES)
          return this.note(`${name}: larger than ${MAX_RECORD_BYTES >> 20} MiB`);
        const value: unknown = JSON.parse(await handle.readFile('utf8'));
        return isRecord(value, id) ? value : this.note(`${name}: not a kept run`);
      } finally {
        await handle.close();
      }
    } catch (error) {
      return this.note(`${name}: ${firstLine((error as Error).message)}`);
    }
  }

  private note(problem: string): null {
    this.problems.push(problem);
    if (this.problems.length > 20) this.problems.shift();
    return null;
  }
}

/** The shape a record must have before the wizard is given it (the files are outside input). */
function isRecord(value: unknown, id: string): value is HistoryRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const entry = r.entry as Record<string, unknown> | undefined;
  if (r.schema !== HISTORY_SCHEMA || typeof entry !== 'object' || entry === null) return false;
  const texts = ['target', 'startedAt', 'finishedAt', 'headline'].every((k) => typeof entry[k] === 'string');
  const nullable = (k: string, type: string) => entry[k] === null || typeof entry[k] === type;
  const figures =
    nullable('verdict', 'string') && nullable('confidence', 'number') && nullable('hop', 'number');
  if (entry.id !== id || !texts || !figures || !nullable('origin', 'string')) return false;
  const body = entry.kind === 'diagnosis' ? r.report : entry.kind === 'watch' ? r.watch : undefined;
  return typeof body === 'object' && body !== null;
}

/** A watch result with the parts the wizard draws (the engine wrote it; a hand-edited one may not have them). */
function isWatch(value: unknown): boolean {
  const w = value as Record<string, unknown>;
  const counts = w.counts as Record<string, unknown> | null;
  const timeline = w.timeline as Record<string, unknown> | null;
  const target = w.target as Record<string, unknown> | null;
  return (
    Array.isArray(w.catches) &&
    Array.isArray(w.checks) &&
    Array.isArray(w.patterns) &&
    typeof counts === 'object' &&
    counts !== null &&
    typeof counts.survived === 'object' &&
    typeof timeline === 'object' &&
    timeline !== null &&
    Array.isArray(timeline.slices) &&
    typeof target === 'object' &&
    target !== null &&
    Array.isArray(target.addresses) &&
    typeof w.captureNote === 'string'
  );
}
