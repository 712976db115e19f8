/**
 * Which kind of server log a file is, guessed from its first lines. Pure; re-exported by log-line-parser.
 */

export const LOG_FORMATS = [
  'nginx-error',
  'access-log',
  'apache-error',
  'haproxy',
  'envoy',
  'journald',
  'syslog',
  'postgresql',
  'windows-event-csv',
  'windows-event-text',
  'json',
  'plain',
] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

const MONTH = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec';
const WEEKDAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun';
/** The Level column of an Event Viewer CSV export (English UI). */
const WINDOWS_LEVEL = 'Error|Warning|Information|Critical|Verbose|Audit Success|Audit Failure';
/** The field names of an event in Event Viewer's "Copy as text" and `wevtutil qe /f:text`. */
const WINDOWS_FIELD =
  'Log Name|Source|Date|Event ID|Task Category|Task|Level|Opcode|Keywords?|User|User Name|Computer|Description';

/** Checked in order, first fit wins: the more specific shapes come before the ones they look like. */
const SHAPES: readonly [Exclude<LogFormat, 'plain'>, RegExp][] = [
  ['json', /^\s*\{/],
  ['nginx-error', /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[\w+\] \d+#\d+:/],
  [
    'apache-error',
    new RegExp(`^\\[(?:${WEEKDAY}) (?:${MONTH}) [ \\d]?\\d \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)? \\d{4}\\]`),
  ],
  // HAProxy logs through syslog (or the journal): its tag, or its traffic line's "addr:port [date] frontend".
  ['haproxy', /(?:^|\s)haproxy\[\d+\]: /],
  ['haproxy', /\d:\d{1,5} \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}\] \S+ \S+\/\S+ /],
  // Envoy's default access log starts with [START_TIME] and the quoted request; its own log with
  // [time][thread][level][logger].
  [
    'envoy',
    /^\[\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?\](?: "|\[\d+\]\[\w+\]\[)/,
  ],
  ['access-log', /\[\d{1,2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [+-]\d{4})?\]/],
  // Envoy with a custom format: the request first, or key=value fields naming its response flags.
  [
    'envoy',
    /^"[A-Z]{3,12} \S{1,2000} HTTP\/[\d.]{1,3}" \d{1,3} (?:-|[A-Z]{2,5}(?:,[A-Z]{2,5})*) \d+ \d+ \d+/,
  ],
  ['envoy', /\bresponse_flags?=(?:-|[A-Z]{2,5})/],
  // journalctl -o short-precise: the syslog shape with microseconds.
  [
    'journald',
    new RegExp(`^(?:${MONTH}) [ \\d]\\d \\d{2}:\\d{2}:\\d{2}\\.\\d{6} \\S+ [^\\s:[]+(?:\\[\\d+\\])?: `),
  ],
  // PostgreSQL with a "[pid]" log_line_prefix and no time (journald or Docker adds it).
  [
    'postgresql',
    /^\[\d{1,10}\] .{0,200}\b(?:LOG|ERROR|FATAL|PANIC|WARNING|DETAIL|STATEMENT|HINT|CONTEXT): {2}/,
  ],
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
  // Event Viewer "Save as CSV": the header row, then Level,Date and Time,Source,Event ID,Task Category,…
  ['windows-event-csv', /^\uFEFF?Level,Date and Time,Source,Event ID,Task Category/],
  ['windows-event-csv', new RegExp(`^(?:${WINDOWS_LEVEL}),"?\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{1,4}[ T]`)],
  // "Log Name:      System", "Date:          3/5/2024 10:11:12 AM", wevtutil's "Event[0]:".
  ['windows-event-text', new RegExp(`^\\uFEFF?\\s{0,4}(?:(?:${WINDOWS_FIELD}):(?:\\s|$)|Event\\[\\d+\\]:$)`)],
];

/** How many leading non-empty lines the guess looks at; a log's format shows in its first lines. */
export const FORMAT_SAMPLE_LINES = 50;

/**
 * A best guess at the log's format from its first non-empty lines: the shape most of them have. Mixed
 * files (nginx's error and access logs concatenated) get the shape of the majority.
 */
export function detectLogFormat(sampleLines: string[]): LogFormat {
  const votes = new Map<LogFormat, number>();
  for (const line of sampleLines.filter((l) => l.trim() !== '').slice(0, FORMAT_SAMPLE_LINES)) {
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

/**
 * The line of a multi-line record that carries its time: a Windows event's "Date:" field (text export),
 * the first row of a CSV record, whose description may run on over several lines, or a line that starts
 * with an ISO date (an application log whose stack trace follows). A match found further down the record
 * (the description, the exception) takes its time from here. Anchored, so most lines fail at once.
 */
const RECORD_DATE_LINE = new RegExp(
  `^(?:\\s{0,4}Date:\\s|(?:${WINDOWS_LEVEL}),|\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:)`,
);

export function isRecordDateLine(line: string): boolean {
  return RECORD_DATE_LINE.test(line);
}
