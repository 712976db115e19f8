/**
 * Reads single server-log lines: what kind of trouble a line reports and when it was written. Pure
 * functions, called once per line of files that may hold millions of lines, so the common case (a line
 * that reports nothing) must be rejected by one cheap test.
 */

import type { BytePattern } from './line-candidate-automaton.js';

export const LOG_CATEGORIES = ['reset', 'timeout', 'crash', 'upstream', 'limit'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export { detectLogFormat, LOG_FORMATS, type LogFormat } from './log-format-shapes.js';

// ---------------------------------------------------------------------------------------------------------
// Categories

/**
 * An HTTP status as servers send them (1xx to 103, 2xx to 229, 3xx to 308, any 4xx and 5xx): a byte
 * count of 157 or 399 next to the request is not taken for one.
 */
const STATUS_CODE = '10[0-3]|2[0-2]\\d|30[0-8]|4\\d\\d|5\\d\\d';
/**
 * A request line in quotes ("GET /x HTTP/1.1", or "-" when the client sent nothing), then the status:
 * common/combined logs, and Envoy's (whose status is 0 when the client left before any response, and
 * whose TCP proxy writes the request as "- - -"). Only the status is captured: every extra string made per
 * line costs throughput and, through the garbage, tens of MiB of peak memory on a big log (measured).
 */
const CLF_STATUS = new RegExp(
  String.raw`"(?:[A-Z]{3,12} (?:[^"\\]|\\.)*|-(?: - -)?)" (${STATUS_CODE}|0)(?=\s|$)`,
);
/** Envoy's response flags right after the status: UC, DC, UF, UT, URX, … comma-separated. */
const ENVOY_FLAGS_AT = /[A-Z]{2,5}(?:,[A-Z]{2,5})*(?=\s|$)/y;
const HAPROXY =
  /\] \S+ \S+ -?\d+\/-?\d+\/(?:-?\d+\/-?\d+\/\+?-?\d+ (-1|[1-5]\d{2}) \+?\d+ \S+ \S+ ([A-Za-z-]{4})|\+?-?\d+ \+?\d+ ([A-Za-z-]{2}) \d+\/\d+\/\d+\/\d+\/\+?\d+) /;
/** JSON access logs (Envoy, nginx escape=json, Caddy) name the field instead. */
const JSON_LINE = /^\s*\{/;
const JSON_STATUS = /"(?:status|status_code|response_code)"\s*:\s*"?([1-5]\d{2})\b/;
/** HAProxy's JSON log format names its termination state. */
const JSON_TERMINATION = /"termination_state"\s*:\s*"([A-Za-z-]{2,4})"/;
/** A custom log_format with the status before the request: `[time] 499 "GET / HTTP/1.1"`. */
const STATUS_BEFORE_REQUEST = /\] {1,4}([1-5]\d{2}) "(?:[A-Z]{3,12} |-")/;
/** Envoy's default format with no response at all: status 0, no flags, then the byte counts and duration. */
const ENVOY_NO_RESPONSE = /^ - \d{1,15} \d{1,15} \d{1,15}\b/;

/**
 * Every word any category looks for, ASCII, either case. Most lines of a healthy log hold none of them,
 * which keeps the scan fast; the tests below then decide. A phrase is keyed by one of its words ("queue
 * overflow" by "overflow", "DOWN, reason" by "reason", "attempt to connect" by "to connect").
 */
export const LOG_KEYWORDS: readonly string[] = [
  ...['reset', 'restart', 'respond to a ping', 'recycle', 'reason', 'remote server', 'recovery in progress'],
  ...['rst', 'time', 'terminat', 'too many', 'table full', 'to connect'],
  ...['connect()', 'connection slots', 'connection limit', 'connection to backend', 'connections by zone'],
  ...['core', 'client lost', 'client prematurely closed', 'limiting conn', 'limiting req'],
  ...['exit', 'eof on client', 'emfile', 'enfile', 'ephemeral'],
  ...['forcibly', 'failed with result', 'faulting', 'fatal communication', 'fd limit'],
  ...['segfault', 'segmentation', 'signal', 'sigsegv', 'started', 'stopped', 'syn flood', 'socket hang'],
  ...['server available', 'memory', 'maxconn', 'maxrequestworkers', 'maxclients'],
  ...['pipe', 'panic', 'ports', 'oom', 'open files', 'overflow', 'killed', 'worker_connections', '10054'],
];
/**
 * nginx names the upstream as context in many error lines (`upstream: "..."`, "from upstream, client:
 * ..."): those mentions alone do not get a line past here. As a regex, and as a byte pattern (which
 * cannot look ahead: "upstream response is buffered" gets past it, and the regex then turns it away).
 */
const UPSTREAM_KEYWORD = 'upstream(?![:,]| response is buffered)';
const UPSTREAM_KEYWORD_BYTES = 'upstream[^:,]';

const ANY_KEYWORD = new RegExp([...LOG_KEYWORDS.map(escapeRegex), UPSTREAM_KEYWORD].join('|'), 'i');

/**
 * What makes a line worth reading, as byte patterns (line-candidate-automaton.ts): a superset of the
 * lines classifyLogLine flags, found without decoding a line. The keywords; and, for access-log lines,
 * which are judged by their fields, every line whose fields could mean trouble, read loosely:
 * - a status of 499 or 502-504 as a whole number (not after a dot: a duration such as 0.503 is not one),
 *   after a quote (common and combined logs), a space (HAProxy), a colon or quote (JSON);
 * - a 0 after a quoted request (Envoy with no response, a custom format whose status came first), and
 *   Envoy's response flags after any status;
 * - HAProxy's termination state, when its first letter says who ended the session: the HTTP form after
 *   the byte count and the two cookie fields, the TCP form before the connection counts; its JSON field;
 * - Envoy's response flags as a key=value field.
 * Any byte above ASCII, or a control byte, makes a line a candidate too: such a line may be binary, which
 * only the line's own test can tell, and the patterns need then only be right on ASCII (a UTF-8 no-break
 * space is a space to the regexes and two other bytes to the patterns). Logs in ASCII pay nothing for it.
 */
export const LOG_CANDIDATE_PATTERNS: readonly BytePattern[] = [
  ...LOG_KEYWORDS.map((word) => ({ source: escapeRegex(word), caseless: true })),
  { source: UPSTREAM_KEYWORD_BYTES, caseless: true },
  { source: '[^0-9.]499[^0-9]' },
  { source: '[^0-9.]50[234][^0-9]' },
  { source: '" 0[ \\t\\n\\v\\f\\r]' },
  { source: '" [1-5][0-9][0-9][ \\t\\v\\f\\r][A-Z][A-Z]' },
  { source: '[0-9] \\S+ \\S+ [CSRKIDUcs][A-Za-z-][A-Za-z-][A-Za-z-] ' },
  { source: ' [CSRKIDUcs][A-Za-z-] [0-9]+/' },
  { source: '"termination_state"' },
  { source: 'response_flag' },
  { source: '[\\x00-\\x08\\x0e-\\x1a\\x1c-\\x1f\\x80-\\xff]' },
];

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

// One regex per category where possible: every extra pattern is another pass over the line.
const RESET =
  /connection (?:was )?reset|reset by peer|ECONNRESET|broken pipe|\bEPIPE\b|forcibly closed|socket hang up|\b(?:connection[ _]termination|remote[ _]reset)\b|WSAECONNRESET|(?:\(|\b(?:error|errno|err|code)\b\s*[:=#]?\s*)10054\b|unexpected EOF on client connection|connection to client lost|client prematurely closed connection/i;
// Above: Node's ECONNRESET message ("socket hang up"), Envoy's reset reasons in text and response-flag
// detail form, Winsock's 10054 only where it is an error code, not a byte count or a port, and
// PostgreSQL's client that vanished mid-session, and nginx's client that left before the answer (its
// operator's fault to find on the client side, not the upstream's).
/** Case-sensitive: "rst" in ordinary words and file names is not a TCP reset. */
const RST_FLAG = /\bRST\b/;

/**
 * Crashes and restarts: signals, segfaults, the OOM killer, systemd restarting a unit, PostgreSQL's
 * postmaster killing its backends, Windows services that stopped unexpectedly and IIS worker processes
 * that died or were recycled, PostgreSQL reinitializing after a backend crashed, Apache's MPM killing its
 * children, and the user-space OOM killers (systemd-oomd, earlyoom).
 */
const CRASH =
  /segfault|segmentation fault|SIGSEGV|\bsignal 11\b|exited on signal|exit signal|terminated by signal|core dumped|code=dumped|out of memory|oom[-_ ]kill|OOMKilled|invoked oom|killed process|\bpanic(?:ked)?\b|worker process \d* ?exited|Main process exited|Scheduled restart job|Failed with result|\brestarting\b|terminating connection (?:due to administrator command|because of crash)|terminating any other active server processes|terminated unexpectedly|Faulting application name|fatal communication error|failed to respond to a ping|requested a recycle|all server processes terminated; reinitializing|automatic recovery in progress|children are killed|oomd attempting to kill|systemd-oomd\[\d+\]: Killed|earlyoom[^\n]{0,120}(?:sending SIG|killing)/i;

/**
 * "Started"/"Stopped" are ordinary words in application text; they mean a restart only when systemd
 * itself says them (syslog/journald identifier, or the journal's JSON export).
 */
const SYSTEMD_UNIT_CHANGE = /(?:^|\s)systemd(?:\[\d+\])?: (?:Started|Stopped) /;
const JOURNAL_JSON_SYSTEMD = /"SYSLOG_IDENTIFIER"\s*:\s*"systemd"/;
const JOURNAL_JSON_UNIT_CHANGE = /"MESSAGE"\s*:\s*"(?:Started|Stopped) /;

/**
 * Connection limits: nginx's worker_connections, file descriptors, HAProxy's maxconn, Apache's
 * MaxRequestWorkers, database connection caps, the kernel's SYN backlog and conntrack table, and
 * Windows running out of ephemeral ports (Tcpip 4227/4231).
 */
const LIMIT =
  /worker_connections are not enough|too many open files|\bE[MN]FILE\b|maxconn|too many (?:connections|clients)|connection slots are reserved|MaxRequestWorkers|MaxClients|SYN flooding|conntrack: table full|table full, dropping packet|out of socket memory|ephemeral port|all available local ports|listen queue overflow|connection limit|FD limit|limiting (?:connections|requests)(?:, excess: [^\n]{0,40}?)? by zone/i;

/** nginx, Envoy's text, Apache's mod_proxy (AH00957, AH01114, AH01102, AH00898) and HAProxy's backend and health-check messages. */
const UPSTREAM =
  /upstream prematurely closed|no live upstreams|connect\(\) failed|upstream connect error|attempt to connect to \S+ \([^)]*\) failed|failed to make connection to backend|has no server available|is DOWN, reason/i;
/** Apache's mod_proxy failing to read its backend's answer (AH01102, AH00898): a timeout when it says so. */
const PROXY_READ = /error reading status line from remote server|Error reading from remote server/i;
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
 * reset > crash > limit > upstream > timeout (a bare mention of "upstream" ranks below timeout, so
 * nginx's "upstream timed out" stays a timeout). Access-log lines are judged by their fields alone (status,
 * HAProxy's termination state, Envoy's response flags), so a URL such as /reset-password or a 502-byte
 * response never counts.
 */
export function classifyLogLine(line: string): LogCategory | null {
  // A custom format with the status first: what follows the request is then a byte count.
  const before = STATUS_BEFORE_REQUEST.exec(line);
  if (before !== null) return categoryOfStatus(Number(before[1]));
  // Most lines of a busy server are plain access-log lines: settle those without building their fields.
  const clf = CLF_STATUS.exec(line);
  if (clf !== null && !startsUpper(line, clf.index + clf[0].length + 1)) {
    return clf[1] === '0' ? categoryOfZero(line, clf) : categoryOfStatus(Number(clf[1]));
  }
  const access = fieldsOf(line, clf);
  if (access !== null) return categoryOfAccess(access);
  if (!ANY_KEYWORD.test(line)) return null;
  if (RESET.test(line) || RST_FLAG.test(line)) return 'reset';
  if (CRASH.test(line) || isSystemdUnitChange(line)) return 'crash';
  if (LIMIT.test(line)) return 'limit';
  if (UPSTREAM.test(line)) return 'upstream';
  if (TIMEOUT.test(line)) return 'timeout';
  if (PROXY_READ.test(line)) return 'upstream';
  if (UPSTREAM_WORD.test(line) && UPSTREAM_WORD.test(line.replace(UPSTREAM_CONTEXT, ''))) return 'upstream';
  return null;
}

export interface AccessLogFields {
  /** The HTTP status; null when there is none (HAProxy's TCP log, -1, Envoy's 0). */
  status: number | null;
  /** HAProxy's termination state ("SD--", "cD", "----"), else null. */
  terminationState: string | null;
  /** Envoy's response flags (["UC"], ["UF", "URX"]) when it has some, else null. */
  responseFlags: string[] | null;
}

/** The fields of an access-log line (common/combined, HAProxy, Envoy, JSON), or null for other lines. */
export function accessLogFields(line: string): AccessLogFields | null {
  return fieldsOf(line, CLF_STATUS.exec(line));
}

/** `clf`: CLF_STATUS's match on the line, so that it is not run twice. */
function fieldsOf(line: string, clf: RegExpExecArray | null): AccessLogFields | null {
  const before = STATUS_BEFORE_REQUEST.exec(line);
  if (before !== null) return statusOnly(Number(before[1]));
  if (clf !== null) {
    const status = clf[1] === '0' ? null : Number(clf[1]);
    const flags = envoyFlagsAt(line, clf.index + clf[0].length + 1);
    return status === null && flags === null
      ? null
      : { status, terminationState: null, responseFlags: flags };
  }
  const haproxy = HAPROXY.exec(line);
  if (haproxy !== null) {
    const [, status, httpState, tcpState] = haproxy;
    const code = status === undefined || status === '-1' ? null : Number(status);
    return { status: code, terminationState: httpState ?? tcpState ?? null, responseFlags: null };
  }
  // A JSON object on its own, or after a syslog prefix ("ingress[8]: {"): the second test is a native
  // substring search, so the lines most logs are made of pay nothing more.
  if (JSON_LINE.test(line) || line.includes(': {"')) {
    const status = JSON_STATUS.exec(line)?.[1];
    const termination = JSON_TERMINATION.exec(line)?.[1] ?? null;
    if (status !== undefined || termination !== null)
      return {
        status: status === undefined ? null : Number(status),
        terminationState: termination,
        responseFlags: null,
      };
  }
  const named = KV_STATUS.exec(line)?.[2];
  const flags = KV_FLAGS.exec(line)?.[2]?.split(',') ?? null;
  if (named !== undefined || flags !== null)
    return {
      status: named === undefined ? null : Number(named),
      terminationState: null,
      responseFlags: flags,
    };
  const near = statusNearRequest(line);
  return near === null ? null : statusOnly(near);
}

function statusOnly(status: number): AccessLogFields {
  return { status, terminationState: null, responseFlags: null };
}

/** logfmt and key=value access logs: `status=502`, `status_code="499"`. */
const KV_STATUS =
  /(?:^|[\s,;])(?:status|status_code|response_code|http_status)=("?)([1-5]\d\d)\1(?=[\s,;]|$)/;
/** Envoy's response flags in a key=value format: `response_flag=UT`, `response_flags="UF,URX"`. */
const KV_FLAGS = /(?:^|[\s,;])response_flags?=("?)([A-Z]{2,5}(?:,[A-Z]{2,5})*)\1(?=[\s,;]|$)/;
/** A quoted HTTP request, as access logs write it (its target may hold escaped quotes). */
const QUOTED_REQUEST = /"[A-Z]{3,12} (?:[^"\\]|\\.)* HTTP\/\d(?:\.\d)?"/;
/**
 * What an access log's fields look like: a number, a time, an address, a host name, "-", a quoted or
 * bracketed field, key=value.
 */
const FIELD = /^(?:"[^"]*"|\[[^\]]*\]|-|[\d.:+/-]+|[\w.-]+=\S*|[\w-]+(?:\.[\w-]+)+(?::\d+)?)$/;
const STATUS_FIELD = new RegExp(`^"?(${STATUS_CODE})"?$`);
/** How far from the request a custom log_format may put the status, in fields. */
const NEAR_FIELDS = 3;

/**
 * The status of a custom log_format, found by its shape: a three-digit field among the few beside the
 * quoted request, after it first, then before it (back to the timestamp's bracket). Only fields are
 * crossed: a word ("took 502 ms") ends the search, so prose that quotes a request is not read as a log.
 */
function statusNearRequest(line: string): number | null {
  const request = QUOTED_REQUEST.exec(line);
  if (request === null) return null;
  const end = request.index + request[0].length;
  const after = line
    .slice(end, end + 200)
    .trim()
    .split(/\s+/, NEAR_FIELDS);
  const head = line.slice(Math.max(0, request.index - 200), request.index);
  const before = head
    .slice(head.lastIndexOf(']') + 1)
    .trim()
    .split(/\s+/)
    .slice(-NEAR_FIELDS)
    .reverse();
  for (const side of [after, before]) {
    for (const field of side) {
      if (!FIELD.test(field)) break;
      const status = STATUS_FIELD.exec(field)?.[1];
      if (status !== undefined) return Number(status);
    }
  }
  return null;
}

/**
 * A 0 where the status goes (a custom format whose status came before the request is read before this):
 * Envoy's HTTP line with no response sent at all (the connection ended first), or a TCP proxy's
 * line, which has no status to report.
 */
function categoryOfZero(line: string, clf: RegExpExecArray): LogCategory | null {
  const http = clf[0].charCodeAt(1) !== 0x2d; // not "-" or "- - -"
  return http && ENVOY_NO_RESPONSE.test(line.slice(clf.index + clf[0].length)) ? 'reset' : null;
}

function startsUpper(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  return c >= 0x41 && c <= 0x5a;
}

function envoyFlagsAt(line: string, at: number): string[] | null {
  if (!startsUpper(line, at)) return null;
  ENVOY_FLAGS_AT.lastIndex = at;
  return ENVOY_FLAGS_AT.exec(line)?.[0].split(',') ?? null;
}

/** The HTTP status of an access-log line (common/combined, HAProxy, Envoy, JSON), or null for other lines. */
export function accessLogStatus(line: string): number | null {
  return accessLogFields(line)?.status ?? null;
}

/** The connection's own story (termination state, response flags) first; the status when it says nothing. */
function categoryOfAccess(fields: AccessLogFields): LogCategory | null {
  const byState = fields.terminationState === null ? null : categoryOfTermination(fields.terminationState);
  if (byState !== null) return byState;
  const byFlags = fields.responseFlags === null ? null : categoryOfEnvoyFlags(fields.responseFlags);
  if (byFlags !== null) return byFlags;
  return fields.status === null ? null : categoryOfStatus(fields.status);
}

/**
 * HAProxy's termination state: the first character says who ended the session, the second in which
 * phase. C/S: the client or the server aborted (or the server refused): resets. c/s: a client- or
 * server-side timeout, except "sQ" (expired in the queue because every server was at its maxconn).
 * R: a resource ran out (memory, sockets, source ports). K: killed by an admin; I: an internal error;
 * D/U: the server went down or a backup server was dropped.
 */
function categoryOfTermination(state: string): LogCategory | null {
  const [who, phase] = [state[0], state[1]];
  if (who === 'C' || who === 'S') return 'reset';
  if (who === 's' && phase === 'Q') return 'limit';
  if (who === 'c' || who === 's') return 'timeout';
  if (who === 'R') return 'limit';
  if (who === 'K' || who === 'I') return 'crash';
  if (who === 'D' || who === 'U') return 'upstream';
  return null;
}

const ENVOY_FLAG_CATEGORY: Readonly<Record<string, LogCategory>> = {
  // UC upstream connection termination, DC downstream connection termination, UR upstream remote
  // reset, LR local reset.
  UC: 'reset',
  DC: 'reset',
  UR: 'reset',
  LR: 'reset',
  // UO upstream overflow (circuit breaker), OM overload manager.
  UO: 'limit',
  OM: 'limit',
  // UT upstream request timeout, SI stream idle timeout, DT duration timeout.
  UT: 'timeout',
  SI: 'timeout',
  DT: 'timeout',
  // UF upstream connection failure, URX retry limit exceeded, UH no healthy upstream.
  UF: 'upstream',
  URX: 'upstream',
  UH: 'upstream',
};
const FLAG_ORDER: readonly LogCategory[] = ['reset', 'limit', 'timeout', 'upstream'];

function categoryOfEnvoyFlags(flags: string[]): LogCategory | null {
  const found = new Set(flags.map((flag) => ENVOY_FLAG_CATEGORY[flag]));
  return FLAG_ORDER.find((category) => found.has(category)) ?? null;
}

/** 499: nginx's "client closed request", the client side went away; 502/503 upstream; 504 timeout. */
function categoryOfStatus(status: number): LogCategory | null {
  if (status === 499) return 'reset';
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
    // Windows Event Viewer exports: "3/5/2024 10:11:12 AM" (US), "05/03/2024 10:11:12", "05.03.2024 10:11:12".
    pattern:
      /(?<![\d/.:-])(\d{1,2})([/.])(\d{1,2})\2(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?: ?([AaPp][Mm]))?(?![\d:])/,
    parts: (m) => localeDate(m),
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

/**
 * Event Viewer writes dates in the exporting machine's locale. With AM/PM it is the US order
 * (month/day); with dots the European day.month; with slashes and a 24-hour clock day/month (en-GB and
 * most others). When one of the two numbers is above 12 it can only be the day, whatever the clock says.
 */
function localeDate(m: RegExpExecArray): Parts {
  const [first, second] = [Number(m[1]), Number(m[3])];
  const meridiem = (m[8] ?? '').toUpperCase();
  let monthFirst = meridiem !== '' && m[2] === '/';
  if (first > 12) monthFirst = false;
  else if (second > 12) monthFirst = true;
  let hour = Number(m[5]);
  if (meridiem === 'AM' && hour === 12) hour = 0;
  else if (meridiem === 'PM' && hour < 12) hour += 12;
  else if (meridiem !== '' && hour > 12) hour = 99; // "13:00 PM" is not a time
  return {
    year: Number(m[4]),
    month: monthFirst ? first : second,
    day: monthFirst ? second : first,
    hour,
    minute: Number(m[6]),
    second: Number(m[7]),
    fraction: '',
    offset: '',
  };
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
  return isValidDateTime(p) && (p.offset === '' || offsetMinutes(p.offset) !== null);
}

/**
 * Whether the fields name a real time (a leap second allowed): the shape of a timestamp is not enough,
 * month 13 or 10:75 would otherwise roll over into another time. The correlation checks the same.
 */
export function isValidDateTime(
  p: Pick<Parts, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second'>,
): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60) return false;
  return p.day <= new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
}

/** "Z" → 0, "+01:00" → 60, "-05:30" → -330; null for an offset no zone has ("-24:00", "+00:99"). */
export function offsetMinutes(offset: string): number | null {
  if (offset === 'Z') return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) return null;
  const [hours, minutes] = [Number(m[2]), Number(m[3])];
  if (hours > 23 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function formatIso(p: Parts): string {
  const date = `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}`;
  return `${date}T${two(p.hour)}:${two(p.minute)}:${two(p.second)}${p.fraction}${p.offset}`;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}
