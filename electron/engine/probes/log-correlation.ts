/**
 * Which server-log lines belong to this run: by time (was the line written while the run's connections
 * were open?) and by endpoint (does it name this machine's address, or a client port one of the run's
 * connections used?). Pure: the caller says when the run was and what it used.
 */
import {
  isValidDateTime,
  offsetMinutes as parseOffset,
  type LogCategory,
} from '../parsers/log-line-parser.js';

/** A line the scan kept; the client endpoint where the line names one. */
export interface CorrelationMatch {
  lineNumber: number;
  /** ISO 8601, with the log's offset when it gives one, without any when it does not. */
  timestamp: string | null;
  category: LogCategory;
  text: string;
  clientAddress?: string | null;
  clientPort?: number | null;
}

export interface RunWindow {
  startedAtIso: string;
  finishedAtIso: string;
  /** This machine's addresses as the server may see them; often unknown ([]). */
  clientAddresses: string[];
  /** The local (client) ports of the run's connections. */
  localPorts: number[];
  /** The zone of log times written without one, minutes east of UTC; null: this machine's zone. */
  logUtcOffsetMinutes: number | null;
}

export interface CorrelatedLine {
  lineNumber: number;
  timestamp: string | null;
  category: LogCategory;
  text: string;
  /** Points: time near the run (≤ 50), endpoint (≤ 100), category (≤ 8). Higher is more likely this run's. */
  relevance: number;
  /** Why, in words: when the line was written against the run, and whose connection it names. */
  why: string;
}

export interface Correlation {
  /** Every match, most relevant first. */
  correlated: CorrelatedLine[];
  /** The few that plausibly concern this run (near it in time, or naming its endpoint), at most 8. */
  linesThatMatter: CorrelatedLine[];
}

/** The run window is widened by this much each side: clocks and log buffering are not exact. */
export const WINDOW_SLACK_MS = 2000;
export const MAX_LINES_THAT_MATTER = 8;
/** A line must score at least this to matter: within ten minutes of the run, or naming its endpoint. */
export const MATTER_THRESHOLD = 15;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How near in time, and what that is worth. Checked in order; the first that holds applies. */
const TIME_BANDS: readonly { within: number; points: number }[] = [
  { within: 0, points: 50 },
  { within: MINUTE, points: 30 },
  { within: 10 * MINUTE, points: 15 },
  { within: HOUR, points: 8 },
  { within: DAY, points: 3 },
];
/** Below this time score an endpoint match is likely a coincidence (ports are reused all day long). */
const NEAR_POINTS = 15;

const ENDPOINT_POINTS = { both: 100, port: 60, address: 20 } as const;
/** What an endpoint match is worth when the line is far from the run in time. */
const FAR_ENDPOINT_POINTS = { both: 10, port: 5, address: 2 } as const;

const CATEGORY_POINTS: Record<LogCategory, number> = {
  reset: 8,
  crash: 7,
  limit: 6,
  upstream: 4,
  timeout: 4,
};

export function correlate(matches: readonly CorrelationMatch[], run: RunWindow): Correlation {
  const start = Date.parse(run.startedAtIso) - WINDOW_SLACK_MS;
  const end = Date.parse(run.finishedAtIso) + WINDOW_SLACK_MS;
  const window = { start, end };
  const ports = new Set(run.localPorts);
  const addresses = new Set(run.clientAddresses.map((a) => a.toLowerCase()));
  const scored = matches.map((match) => score(match, window, ports, addresses, run.logUtcOffsetMinutes));
  scored.sort(
    (a, b) =>
      b.line.relevance - a.line.relevance || a.distance - b.distance || b.line.lineNumber - a.line.lineNumber,
  );
  const correlated = scored.map((s) => s.line);
  const linesThatMatter = correlated
    .filter((line) => line.relevance >= MATTER_THRESHOLD)
    .slice(0, MAX_LINES_THAT_MATTER);
  return { correlated, linesThatMatter };
}

interface Scored {
  line: CorrelatedLine;
  /** Milliseconds outside the run window; Infinity without a time. */
  distance: number;
}

function score(
  match: CorrelationMatch,
  window: { start: number; end: number },
  ports: Set<number>,
  addresses: Set<string>,
  offsetMinutes: number | null,
): Scored {
  const time = match.timestamp === null ? null : logTime(match.timestamp, offsetMinutes);
  const distance = time === null ? Infinity : distanceFrom(time.epochMs, window);
  const timePoints = TIME_BANDS.find((band) => distance <= band.within)?.points ?? 0;
  // A line without a time cannot be placed: its endpoint then counts in full.
  const near = time === null || timePoints >= NEAR_POINTS;
  const endpoint = endpointMatch(match, ports, addresses);
  const endpointPoints =
    endpoint === null ? 0 : near ? ENDPOINT_POINTS[endpoint] : FAR_ENDPOINT_POINTS[endpoint];
  const why = [
    match.timestamp === null || time === null
      ? 'no time on the line'
      : timeWhy(match.timestamp, time, window),
    endpoint === null ? null : endpointWhy(match, endpoint, near),
  ].filter((part): part is string => part !== null);
  const relevance = timePoints + endpointPoints + CATEGORY_POINTS[match.category];
  const line: CorrelatedLine = {
    lineNumber: match.lineNumber,
    timestamp: match.timestamp,
    category: match.category,
    text: match.text,
    relevance,
    why: why.join('; '),
  };
  return { line, distance };
}

function distanceFrom(epochMs: number, window: { start: number; end: number }): number {
  if (Number.isNaN(window.start) || Number.isNaN(window.end)) return Infinity;
  if (epochMs < window.start) return window.start - epochMs;
  if (epochMs > window.end) return epochMs - window.end;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints

type EndpointKind = 'both' | 'port' | 'address';

function endpointMatch(
  match: CorrelationMatch,
  ports: Set<number>,
  addresses: Set<string>,
): EndpointKind | null {
  const address = match.clientAddress?.toLowerCase() ?? null;
  const port = match.clientPort ?? null;
  const addressHit = address !== null && addresses.has(address);
  const portHit = port !== null && ports.has(port);
  if (addressHit && portHit) return 'both';
  if (portHit) return 'port';
  return addressHit ? 'address' : null;
}

function endpointWhy(match: CorrelationMatch, kind: EndpointKind, near: boolean): string {
  const address = match.clientAddress ?? '?';
  const port = match.clientPort ?? 0;
  const coincidence = near ? '' : ', but far from the run in time: perhaps a coincidence';
  if (kind === 'both')
    return `from this machine's address ${address} port ${port}, a port the run used${coincidence}`;
  if (kind === 'port') {
    const from = match.clientAddress === null || match.clientAddress === undefined ? '' : `${address} `;
    return `from ${from}port ${port}, a port the run used${coincidence}`;
  }
  return `from this machine's address ${address}${coincidence}`;
}

// ---------------------------------------------------------------------------------------------------------
// Time

export interface LogTime {
  epochMs: number;
  /** Minutes east of UTC the time was read in. */
  offsetMinutes: number;
  /** Where the offset came from: the line itself, the caller, or this machine's zone. */
  source: 'line' | 'given' | 'machine';
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * When a log time was, as epoch milliseconds. A time with an offset is exact; one without is read in
 * `offsetMinutes` when given, else in this machine's zone (with its summer time on that date).
 */
export function logTime(iso: string, offsetMinutes: number | null): LogTime | null {
  const m = ISO.exec(iso);
  if (m === null) return null;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!isValidDateTime({ year: y, month: mo, day: d, hour: h, minute: mi, second: s })) return null;
  const ms = Math.round(Number(`0${m[7] ?? ''}`) * 1000);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = m[8];
  if (zone !== undefined) {
    const offset = parseOffset(zone);
    if (offset === null) return null;
    return { epochMs: wall - offset * MINUTE, offsetMinutes: offset, source: 'line' };
  }
  if (offsetMinutes !== null) {
    return { epochMs: wall - offsetMinutes * MINUTE, offsetMinutes, source: 'given' };
  }
  const epochMs = new Date(y ?? 0, (mo ?? 1) - 1, d, h, mi, s, ms).getTime();
  return { epochMs, offsetMinutes: -new Date(epochMs).getTimezoneOffset(), source: 'machine' };
}

/** "UTC+01:00", "UTC-05:30", "UTC". */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const sign = minutes < 0 ? '-' : '+';
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function machineZoneName(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'unknown';
  }
}

function timeWhy(timestamp: string, time: LogTime, window: { start: number; end: number }): string {
  const distance = distanceFrom(time.epochMs, window);
  // The wall-clock time as the log wrote it; the date too when it is not the run's day.
  const clock = distance > 12 * HOUR ? timestamp.slice(0, 19).replace('T', ' ') : timestamp.slice(11, 19);
  const where = !Number.isFinite(distance)
    ? "the run's own time unknown"
    : distance === 0
      ? 'during the run'
      : time.epochMs < window.start
        ? `${span(distance)} before the run started`
        : `${span(distance)} after the run ended`;
  const offset = formatOffset(time.offsetMinutes);
  if (time.source === 'line') return `at ${clock} ${offset}, ${where}`;
  const assumed =
    time.source === 'given'
      ? `log time taken as ${offset}, as given`
      : `log time taken as ${offset}, this machine's time zone ${machineZoneName()}`;
  return `at ${clock}, ${where} (${assumed})`;
}

/** Outside the widened window by `ms`: the figure people read ("40 s", "12 min", "3 h", "2 days"). */
function span(ms: number): string {
  const beyond = ms + WINDOW_SLACK_MS;
  // Each unit up to where its rounded figure would reach the next one ("60 min" reads as "1 h").
  if (beyond < 59.5 * SECOND) return `${Math.round(beyond / SECOND)} s`;
  if (beyond < 59.5 * MINUTE) return `${Math.round(beyond / MINUTE)} min`;
  if (beyond < 23.5 * HOUR) return `${Math.round(beyond / HOUR)} h`;
  const days = Math.round(beyond / DAY);
  return days === 1 ? '1 day' : `${days} days`;
}
