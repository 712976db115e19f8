/**
 * Reads single server-log lines: what kind of trouble a line reports and when it was written. Pure
 * functions, called once per line of files that may hold millions of lines, so the common case (a line
 * that reports nothing) must be rejected by one cheap test.
 */

export const LOG_CATEGORIES = ['reset', 'timeout', 'crash', 'upstream'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export const LOG_FORMATS = [
  'nginx-error',
  'access-log',
  'apache-error',
  'journald',
  'syslog',
  'postgresql',
  'json',
  'plain',
] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

// ---------------------------------------------------------------------------------------------------------
// Categories

/** A request line in quotes ("GET /x HTTP/1.1", or "-" when the client sent nothing), then the status. */
const CLF_STATUS = /"(?:[A-Z]{3,12} (?:[^"\\]|\\.)*|-)" ([1-5]\d{2})\b/;
/** HAProxy's HTTP log puts the status after the timers (Tq/Tw/Tc/Tr/Ta), before the quoted request. */
const HAPROXY_STATUS = /\] \S+ \S+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ ([1-5]\d{2}) /;
/** JSON access logs (Envoy, nginx escape=json, Caddy) name the field instead. */
const JSON_LINE = /^\s*\{/;
const JSON_STATUS = /"(?:status|status_code|response_code)"\s*:\s*"?([1-5]\d{2})\b/;

/**
 * Every word any category looks for. Most lines of a healthy log fail this one test, which keeps the
 * scan fast; the tests below then decide. nginx names the upstream as context in many error lines
 * (`upstream: "..."`, "from upstream, client: ..."): those mentions alone do not get a line past here.
 */
const ANY_KEYWORD =
  /reset|RST|pipe|forcibly|10054|hang up|termination|time|segfault|segmentation|signal|SIGSEGV|core|memory|oom|killed|panic|exit|restart|Started|Stopped|upstream(?![:,]| response is buffered)|connect\(\)|Failed with result/i;

// One regex per category where possible: every extra pattern is another pass over the line.
const RESET =
  /connection (?:was )?reset|reset by peer|ECONNRESET|broken pipe|\bEPIPE\b|forcibly closed|socket hang up|\b(?:connection[ _]termination|remote[ _]reset)\b|WSAECONNRESET|(?:\(|\b(?:error|errno|err|code)\b\s*[:=#]?\s*)10054\b/i;
// Above: Node's ECONNRESET message ("socket hang up"), Envoy's reset reasons in text and response-flag
// detail form, and Winsock's 10054 only where it is an error code, not a byte count or a port.
/** Case-sensitive: "rst" in ordinary words and file names is not a TCP reset. */
const RST_FLAG = /\bRST\b/;

const CRASH =
  /segfault|segmentation fault|SIGSEGV|\bsignal 11\b|exited on signal|exit signal|core dumped|code=dumped|out of memory|oom-killer|oom_kill|OOMKilled|invoked oom|killed process|\bpanic(?:ked)?\b|worker process \d* ?exited|Main process exited|Scheduled restart job|Failed with result|\brestarting\b/i;

/**
 * "Started"/"Stopped" are ordinary words in application text; they mean a restart only when systemd
 * itself says them (syslog/journald identifier, or the journal's JSON export).
 */
const SYSTEMD_UNIT_CHANGE = /(?:^|\s)systemd(?:\[\d+\])?: (?:Started|Stopped) /;
const JOURNAL_JSON_SYSTEMD = /"SYSLOG_IDENTIFIER"\s*:\s*"systemd"/;
const JOURNAL_JSON_UNIT_CHANGE = /"MESSAGE"\s*:\s*"(?:Started|Stopped) /;

const UPSTREAM = /upstream prematurely closed|no live upstreams|connect\(\) failed|upstream connect error/i;
const TIMEOUT = /timed out|timeout|ETIMEDOUT|ESOCKETTIMEDOUT/i;
/** Plain "upstream" is in most nginx proxy errors, so it only counts when nothing more specific does. */
const UPSTREAM_WORD = /\bupstream\b/i;
/**
 * Where nginx names the upstream only as context (the `upstream: "..."` field, "while reading upstream")
 * or in routine warnings: such a mention is not an upstream error.
 */
const UPSTREAM_CONTEXT =
  /, upstream: "[^"]*"|\b(?:from|to|reading|sending to|connecting to) upstream\b|an upstream response is buffered/gi;

/**
 * What trouble a line reports, or null. When a line fits several, the most specific wins:
 * reset > crash > upstream > timeout (a bare mention of "upstream" ranks below timeout, so nginx's
 * "upstream timed out" stays a timeout). Access-log lines are judged by their status field alone, so a
 * URL such as /reset-password or a 502-byte response never counts.
 */
export function classifyLogLine(line: string): LogCategory | null {
  const status = accessLogStatus(line);
  if (status !== null) return categoryOfStatus(status);
  if (!ANY_KEYWORD.test(line)) return null;
  if (RESET.test(line) || RST_FLAG.test(line)) return 'reset';
  if (CRASH.test(line) || isSystemdUnitChange(line)) return 'crash';
  if (UPSTREAM.test(line)) return 'upstream';
  if (TIMEOUT.test(line)) return 'timeout';
  if (UPSTREAM_WORD.test(line) && UPSTREAM_WORD.test(line.replace(UPSTREAM_CONTEXT, ''))) return 'upstream';
  return null;
}

/** The HTTP status of an access-log line (common/combined, HAProxy, JSON), or null for other lines. */
export function accessLogStatus(line: string): number | null {
  const match = CLF_STATUS.exec(line) ?? HAPROXY_STATUS.exec(line) ?? jsonStatus(line);
  return match?.[1] === undefined ? null : Number(match[1]);
}

function jsonStatus(line: string): RegExpExecArray | null {
  return JSON_LINE.test(line) ? JSON_STATUS.exec(line) : null;
}

function categoryOfStatus(status: number): LogCategory | null {
  if (status === 502 || status === 503) return 'upstream';
  if (status === 504) return 'timeout';
  return null;
}

function isSystemdUnitChange(line: string): boolean {
  if (SYSTEMD_UNIT_CHANGE.test(line)) return true;
  return JOURNAL_JSON_SYSTEMD.test(line) && JOURNAL_JSON_UNIT_CHANGE.test(line);
}

// ---------------------------------------------------------------------------------------------------------
// Timestamps

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const WEEKDAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Including the dot, as written: ".345", ".123456", or "". */
  fraction: string;
  /** "Z", "+01:00", or "" when the line does not say. */
  offset: string;
}

interface TimestampFormat {
  pattern: RegExp;
  parts(match: RegExpExecArray, now: Date): Parts | null;
}

/** Where each field is in a pattern's match; minute and second follow the hour. */
interface Groups {
  year: number;
  month: number;
  day: number;
  hour: number;
  fraction: number;
}

const NUMERIC_DATE: Groups = { year: 1, month: 2, day: 3, hour: 4, fraction: 7 };
const ACCESS_LOG_DATE: Groups = { day: 1, month: 2, year: 3, hour: 4, fraction: 7 };
const APACHE_DATE: Groups = { month: 1, day: 2, hour: 3, fraction: 6, year: 7 };

const FORMATS: readonly TimestampFormat[] = [
  {
    // ISO 8601 / RFC 3339 (journalctl -o short-iso, Envoy, JSON logs) and PostgreSQL's "... 10:11:12.345 UTC".
    pattern:
      /(?<!\d)(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})([.,]\d{1,9})?(?:(Z(?![A-Za-z])|[+-]\d{2}(?::?\d{2})?(?!\d))| (UTC|GMT|[+-]\d{2}(?::?\d{2})?)(?![\w:]))?/,
    parts: (m) => fromGroups(m, NUMERIC_DATE, normalizeOffset(m[8] ?? m[9] ?? '')),
  },
  {
    // nginx error log: 2024/03/05 10:11:12
    pattern: /(?<!\d)(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?!\d)/,
    parts: (m) => fromGroups(m, NUMERIC_DATE, ''),
  },
  {
    // Common/combined access log: [05/Mar/2024:10:11:12 +0100]; HAProxy adds milliseconds and drops the offset.
    pattern: new RegExp(
      `\\[(\\d{1,2})/(${MONTH})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?(?: ([+-]\\d{4}))?\\]`,
    ),
    parts: (m) => fromGroups(m, ACCESS_LOG_DATE, normalizeOffset(m[8] ?? '')),
  },
  {
    // Apache error log: [Tue Mar 05 10:11:12.123456 2024]
    pattern: new RegExp(
      `\\[(?:${WEEKDAY}) (${MONTH}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)? (\\d{4})\\]`,
    ),
    parts: (m) => fromGroups(m, APACHE_DATE, ''),
  },
  {
    // Classic syslog and journalctl's default output: Mar  5 10:11:12 (no year).
    pattern: new RegExp(
      `(?<![\\w:/])(${MONTH}) {1,2}(\\d{1,2}) (\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?(?![\\d:])`,
    ),
    parts: (m, now) => withoutYear(m, now),
  },
];

/**
 * When the line was written, as ISO 8601, or null. The offset is kept when the line gives one
 * ("UTC" becomes "Z") and left out when it does not: the log's zone is unknown, so none is invented.
 * When several timestamps appear, the first one in the line wins (the log's own, before any in the message).
 * Syslog lines carry no year: the current one is used, or last year when that would put the line more
 * than a month in the future (a December log read in January).
 */
export function extractTimestamp(line: string, now: Date = new Date()): string | null {
  let best: { index: number; parts: Parts } | null = null;
  for (const format of FORMATS) {
    const match = format.pattern.exec(line);
    if (match === null || (best !== null && match.index >= best.index)) continue;
    const parts = format.parts(match, now);
    if (parts !== null && isValid(parts)) best = { index: match.index, parts };
  }
  return best === null ? null : formatIso(best.parts);
}

function fromGroups(m: RegExpExecArray, g: Groups, offset: string): Parts {
  const month = m[g.month] ?? '';
  return {
    year: Number(m[g.year]),
    month: /^\d+$/.test(month) ? Number(month) : monthNumber(month),
    day: Number(m[g.day]),
    hour: Number(m[g.hour]),
    minute: Number(m[g.hour + 1]),
    second: Number(m[g.hour + 2]),
    fraction: (m[g.fraction] ?? '').replace(',', '.'),
    offset,
  };
}

function withoutYear(m: RegExpExecArray, now: Date): Parts {
  const parts: Parts = {
    year: now.getFullYear(),
    month: monthNumber(m[1]),
    day: Number(m[2]),
    hour: Number(m[3]),
    minute: Number(m[4]),
    second: Number(m[5]),
    fraction: m[6] ?? '',
    offset: '',
  };
  const written = new Date(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const monthMs = 31 * 24 * 3600 * 1000;
  if (written.getTime() - now.getTime() > monthMs) parts.year -= 1;
  return parts;
}

function monthNumber(name: string | undefined): number {
  return MONTHS.indexOf(name ?? '') + 1;
}

/** "Z", "UTC", "+0100", "+01", "+01:00" → "Z" or "+01:00". */
function normalizeOffset(raw: string): string {
  if (raw === '') return '';
  if (raw === 'Z' || raw === 'UTC' || raw === 'GMT') return 'Z';
  const digits = raw.slice(1).replace(':', '');
  return `${raw[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

function isValid(p: Parts): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60) return false;
  return p.day <= new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
}

function formatIso(p: Parts): string {
  const date = `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}`;
  return `${date}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${p.fraction}${p.offset}`;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------------------
// Format guess

const SHAPES: readonly [Exclude<LogFormat, 'plain'>, RegExp][] = [
  ['json', /^\s*\{/],
  ['nginx-error', /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\w+\] \d+#\d+:/],
  [
    'apache-error',
    new RegExp(`^\\[(?:${WEEKDAY}) (?:${MONTH}) [ \\d]?\\d \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? \\d{4}\\]`),
  ],
  ['access-log', /\[\d{1,2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [+-]\d{4})?\]/],
  // PostgreSQL's prefix ends in a severity followed by two spaces.
  [
    'postgresql',
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? \S+ .*\b(?:LOG|ERROR|FATAL|PANIC|WARNING|DETAIL|STATEMENT|HINT|CONTEXT): {2}/,
  ],
  // journalctl: its header lines, or -o short-iso (ISO time, host, identifier[pid]:).
  ['journald', /^-- (?:Logs begin at|Journal begins at|Boot [0-9a-f]+ --|No entries --)/],
  [
    'journald',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) \S+ [^\s:[]+(?:\[\d+\])?: /,
  ],
  // RFC 3164 (optionally with <PRI>) and RFC 5424.
  ['syslog', new RegExp(`^(?:<\\d{1,3}>)?(?:${MONTH}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\S+ [^\\s:]+:? `)],
  ['syslog', /^<\d{1,3}>1 \d{4}-\d{2}-\d{2}T/],
];

/** How many leading lines the guess looks at; a log's format shows in its first lines. */
const SAMPLE_LINES = 50;

/**
 * A best guess at the log's format from its first lines: the shape most of them have. Mixed files
 * (nginx's error and access logs concatenated) get the shape of the majority.
 */
export function detectLogFormat(sampleLines: string[]): LogFormat {
  const votes = new Map<LogFormat, number>();
  for (const line of sampleLines.filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES)) {
    const shape = SHAPES.find(([, pattern]) => pattern.test(line))?.[0];
    if (shape !== undefined) votes.set(shape, (votes.get(shape) ?? 0) + 1);
  }
  let best: LogFormat = 'plain';
  let bestVotes = 0;
  for (const [format, count] of votes) {
    if (count > bestVotes) [best, bestVotes] = [format, count];
  }
  return best;
}
