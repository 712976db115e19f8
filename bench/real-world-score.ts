/**
 * Scores the text parsers on a labelled real-world set (`shared/real-world/` layout: error-texts.jsonl and
 * log-lines.jsonl, every entry copied from a public issue tracker). Used by bench/text-bench.ts, which
 * prints the figures, and by the regression spec, which holds the parsers to the goals on the half of the
 * set kept in the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase } from '../electron/shared/cause-info.js';
import { parseErrorText, type ErrorTextInfo } from '../electron/engine/parsers/error-text-parser.js';
import { classifyLogLine, detectLogFormat } from '../electron/engine/parsers/log-line-parser.js';

export interface ErrorTextEntry {
  id: string;
  source: string;
  text: string;
  client: string | null;
  /** connect, tls, send, receive, or unknown / null when the text does not show it. */
  phase: string | null;
  target: string | null;
  target_alt?: string[];
  is_reset: boolean;
  kind: 'reset' | 'drop' | 'other';
}

export interface LogLineEntry {
  id: string;
  source: string;
  format: string;
  format_alt?: string[];
  line: string;
  category: string | null;
  alt_categories?: string[];
  should_flag: boolean;
  group: string;
}

export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function readSet(dir: string): { texts: ErrorTextEntry[]; lines: LogLineEntry[] } {
  return {
    texts: readJsonl<ErrorTextEntry>(join(dir, 'error-texts.jsonl')),
    lines: readJsonl<LogLineEntry>(join(dir, 'log-lines.jsonl')),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Error texts

/**
 * The labels name a program freely ("Node.js axios", "docker pull (Go)", "Redis (redis-py)"). The parser's
 * client is right when the label names it, its runtime or one of its libraries: these are the words each
 * parser client answers to.
 */
const CLIENT_WORDS: Record<string, RegExp> = {
  curl: /curl/i,
  git: /\bgit\b/i,
  PHP: /\bphp|guzzle/i,
  'Node.js': /node\.js|axios|undici|\byarn\b|\bnpm\b/i,
  Python: /python|\bpip\b|urllib|requests|aiohttp|httpx|boto|psycopg|redis-py|pygit2|mysqlclient|django/i,
  Java: /java|okhttp|jdbc|netty|spring|android/i,
  Go: /\bgo\b/i,
  Ruby: /ruby/i,
  '.NET': /\.net\b/i,
  Windows: /windows/i,
  SSH: /\bssh\b/i,
  'PostgreSQL client': /postgres/i,
  'MySQL client': /mysql/i,
  'Redis client': /redis/i,
  gRPC: /grpc/i,
  rsync: /rsync/i,
  Docker: /docker|podman|containerd|kubectl|helm/i,
  'a browser (Chromium)': /chrom|electron/i,
  'a browser (Firefox)': /firefox/i,
  'a browser (Safari)': /safari/i,
};

export function clientRight(label: string | null, client: string | null): boolean {
  if (label === null) return client === null;
  if (client === null) return false;
  return (CLIENT_WORDS[client] ?? new RegExp(escapeRe(client), 'i')).test(label);
}

/** The set's phases are what the text shows; the parser's finer ones map onto them. */
const PHASE_OF: Record<Phase, string> = {
  dns: 'connect',
  route: 'connect',
  connect: 'connect',
  tls: 'tls',
  request: 'send',
  response: 'receive',
  transfer: 'receive',
  idle: 'send',
};

export function phaseRight(label: string | null, phase: Phase | null): boolean {
  const wanted = label === null || label === 'unknown' ? null : label;
  return (phase === null ? null : PHASE_OF[phase]) === wanted;
}

/** Host (and port when both name one): "https://a.b/x" and "a.b:443" name the same target. */
export function targetRight(entry: Pick<ErrorTextEntry, 'target' | 'target_alt'>, found: string | null) {
  const wanted = [entry.target, ...(entry.target_alt ?? [])].filter((t): t is string => t !== null);
  if (wanted.length === 0) return found === null;
  if (found === null) return false;
  const got = endpoint(found);
  return wanted.some((w) => {
    const want = endpoint(w);
    return want.host === got.host && (want.port === null || got.port === null || want.port === got.port);
  });
}

function endpoint(text: string): { host: string; port: string | null } {
  const t = text.trim().toLowerCase();
  if (t.startsWith('/')) return { host: t, port: null };
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?/.exec(t);
  if (url) return { host: url[1]!.replace(/^\[|\]$/g, ''), port: url[2] ?? defaultPort(t) };
  const hostPort = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?/.exec(t);
  return { host: (hostPort?.[1] ?? t).replace(/^\[|\]$/g, ''), port: hostPort?.[2] ?? null };
}

function defaultPort(url: string): string | null {
  if (url.startsWith('https:')) return '443';
  if (url.startsWith('http:')) return '80';
  return null;
}

export interface TextResult {
  entry: ErrorTextEntry;
  info: ErrorTextInfo;
  recognised: boolean;
  client: boolean;
  phase: boolean;
  target: boolean;
}

export function scoreText(entry: ErrorTextEntry): TextResult {
  const info = parseErrorText(entry.text);
  return {
    entry,
    info,
    recognised: info.isReset === entry.is_reset,
    client: clientRight(entry.client, info.client),
    phase: phaseRight(entry.phase, info.phase),
    target: targetRight(entry, info.target),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Log lines

export interface LineResult {
  entry: LogLineEntry;
  category: string | null;
  right: boolean;
}

export function scoreLine(entry: LogLineEntry): LineResult {
  const category = classifyLogLine(entry.line);
  const accepted = [entry.category, ...(entry.alt_categories ?? [])];
  const right = entry.should_flag ? category !== null && accepted.includes(category) : category === null;
  return { entry, category, right };
}

export interface FormatResult {
  group: string;
  wanted: string[];
  detected: string;
  right: boolean;
}

/** One file per group, its lines in order, as the log scan would meet it. */
export function scoreFormats(lines: LogLineEntry[]): FormatResult[] {
  const groups = new Map<string, LogLineEntry[]>();
  for (const l of lines) groups.set(l.group, [...(groups.get(l.group) ?? []), l]);
  return [...groups].map(([group, entries]) => {
    const first = entries[0]!;
    const wanted = [first.format, ...(first.format_alt ?? [])];
    const detected = detectLogFormat(entries.map((e) => e.line));
    return { group, wanted, detected, right: wanted.includes(detected) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Figures

export interface Figure {
  name: string;
  right: number;
  of: number;
  /** The share the issue asks for (0–1), or null when the figure is only reported. */
  goal: number | null;
}

export function figures(set: { texts: ErrorTextEntry[]; lines: LogLineEntry[] }) {
  const texts = set.texts.map(scoreText);
  const lines = set.lines.map(scoreLine);
  const formats = scoreFormats(set.lines);
  const resets = texts.filter((t) => t.entry.is_reset);
  const nearMisses = texts.filter((t) => !t.entry.is_reset);
  const flagged = lines.filter((l) => l.entry.should_flag);
  const quiet = lines.filter((l) => !l.entry.should_flag);
  const count = <T>(all: T[], ok: (t: T) => boolean) => all.filter(ok).length;
  const table: Figure[] = [
    { name: 'resets recognised', right: count(resets, (t) => t.recognised), of: resets.length, goal: 0.97 },
    {
      name: 'near-misses kept apart',
      right: count(nearMisses, (t) => t.recognised),
      of: nearMisses.length,
      goal: null,
    },
    { name: 'client', right: count(texts, (t) => t.client), of: texts.length, goal: 0.9 },
    { name: 'phase', right: count(texts, (t) => t.phase), of: texts.length, goal: 0.85 },
    { name: 'target', right: count(texts, (t) => t.target), of: texts.length, goal: 0.9 },
    { name: 'log lines flagged right', right: count(flagged, (l) => l.right), of: flagged.length, goal: 0.9 },
    { name: 'quiet lines left alone', right: count(quiet, (l) => l.right), of: quiet.length, goal: 1 },
    { name: 'log formats detected', right: count(formats, (f) => f.right), of: formats.length, goal: null },
  ];
  return { table, texts, lines, formats };
}

export function met(f: Figure): boolean {
  return f.goal === null || (f.of === 0 ? true : f.right / f.of >= f.goal);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
