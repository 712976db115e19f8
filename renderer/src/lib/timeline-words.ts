import type { ConnectionRead, TimelineEntryRead } from '../../../electron/shared/probe-data-decode.js';
import type { ResetRead, SignalRead } from '../../../electron/shared/reset-data-decode.js';
import {
  endWords,
  SIGNAL_STRENGTH,
  signalStrength,
  voteWords as sharedVoteWords,
} from '../../../electron/shared/reset-words.js';
import { PHASE_WORDS, formatDuration, formatMs, formatNumber, originWords } from './words.js';

// The reset words are shared with the exported reports; the wizard's components read them from here.
export { outcomeWords, payloadWords, signalName } from '../../../electron/shared/reset-words.js';

export type EntryKind =
  'syn' | 'syn-ack' | 'ack' | 'data' | 'fin' | 'rst' | 'client-hello' | 'sent' | 'event' | 'idle';

export interface TimelineRow {
  /** Milliseconds since the first entry of the connection. */
  offsetMs: number;
  direction: TimelineEntryRead['direction'];
  kind: EntryKind;
  label: string;
  ttl: number | null;
}

const EVENT_WORDS: Record<string, string> = {
  connected: 'Connected: handshake complete',
  'tls-done': 'TLS handshake complete',
  'first-byte': 'First byte of the answer',
  headers: 'Response headers read',
  'response-complete': 'Response complete',
  fin: 'The peer closed the connection (FIN)',
  reset: 'The application saw the reset',
  timeout: 'Timed out waiting',
  error: 'Error',
};

function bytesText(bytes: string | number | undefined): string {
  return bytes ? ` (${formatBytes(Number(bytes))})` : '';
}

export function formatBytes(bytes: number): string {
  return `${formatNumber(bytes, 0)} byte${bytes === 1 ? '' : 's'}`;
}

/** Newer reports name each entry's kind; the words follow from it and the byte count. */
function describeKind(entry: TimelineEntryRead): { kind: EntryKind; label: string } | null {
  const bytes = entry.bytes;
  switch (entry.kind) {
    case 'syn':
      return { kind: 'syn', label: 'SYN' };
    case 'syn-ack':
      return { kind: 'syn-ack', label: entry.what === 'SYN' ? 'SYN' : 'SYN-ACK' };
    case 'ack':
      return { kind: 'ack', label: entry.what };
    case 'data':
      return { kind: 'data', label: `Data${bytesText(bytes)}` };
    case 'fin':
      return { kind: 'fin', label: `FIN (close)${bytesText(bytes)}` };
    case 'rst':
      return { kind: 'rst', label: `RST (reset)${bytesText(bytes)}` };
    case 'client-hello':
      return { kind: 'client-hello', label: 'TLS ClientHello' };
    case 'request':
      return { kind: 'sent', label: `Request sent${bytesText(bytes)}` };
    case 'idle':
      return { kind: 'idle', label: `Idle for ${formatDuration(entry.ms ?? 0)}` };
    default:
      return null;
  }
}

/** A timeline entry in words: "SYN-ACK", "RST (reset)", "Request sent (100 bytes)", "Idle for 7 s". */
export function describeEntry(entry: TimelineEntryRead): { kind: EntryKind; label: string } {
  const known = describeKind(entry);
  if (known) return known;
  if (entry.direction === 'idle') return { kind: 'idle', label: `Idle for ${formatDuration(entry.ms ?? 0)}` };
  if (entry.direction === 'received') {
    // Older reports: the flags as tcpdump letters, then the payload ("PA 1460 bytes").
    const m = /^([A-Z]+)(?: (\d+) bytes)?$/.exec(entry.what);
    if (!m) return { kind: 'data', label: entry.what };
    const flags = m[1]!;
    if (flags.includes('R')) return { kind: 'rst', label: 'RST (reset)' };
    if (flags.includes('S') && flags.includes('A')) return { kind: 'syn-ack', label: 'SYN-ACK' };
    if (flags.includes('F')) return { kind: 'fin', label: `FIN (close)${bytesText(m[2])}` };
    if (m[2]) return { kind: 'data', label: `Data${bytesText(m[2])}` };
    if (flags === 'A') return { kind: 'ack', label: 'ACK' };
    return { kind: 'data', label: flags };
  }
  if (entry.direction === 'sent') {
    if (entry.what === 'SYN') return { kind: 'syn', label: 'SYN' };
    const m = /^(?:sent|request) (\d+) bytes$/.exec(entry.what);
    if (m) return { kind: 'sent', label: `Request sent${bytesText(m[1])}` };
    return { kind: 'sent', label: entry.what };
  }
  const m = /^([a-z-]+)(?: (\d+) bytes)?$/.exec(entry.what);
  if (!m) return { kind: 'event', label: entry.what };
  return { kind: 'event', label: `${EVENT_WORDS[m[1]!] ?? m[1]}${bytesText(m[2])}` };
}

export function timelineRows(connection: ConnectionRead): TimelineRow[] {
  const start = connection.timeline[0]?.at ?? 0;
  return connection.timeline.map((entry) => ({
    offsetMs: entry.at - start,
    direction: entry.direction,
    ...describeEntry(entry),
    ttl: typeof entry.ttl === 'number' ? entry.ttl : null,
  }));
}

export function resetOriginSentence(reset: ResetRead): string {
  const who = originWords(reset.origin, reset.hop);
  const ttl = reset.ttl !== null ? ` (TTL ${reset.ttl})` : '';
  if (reset.origin === 'unknown') return `Who sent the reset${ttl} could not be told.`;
  return `The reset${ttl} came from ${who}.`;
}

export function rowSentence(row: TimelineRow): string {
  if (row.direction === 'idle') return `${row.label} from +${formatMs(row.offsetMs)}`;
  const where = row.direction === 'sent' ? 'sent' : row.direction === 'received' ? 'received' : '';
  const ttl = row.ttl !== null ? `, TTL ${row.ttl}` : '';
  return `${row.label}${where ? ` ${where}` : ''} at +${formatMs(row.offsetMs)}${ttl}`;
}

/** "from 10.0.0.2:51234 (this machine) · request: 78 bytes sent · response: 8,192 bytes received · ended: reset (RST captured, TTL 61) at +19.9 ms". */
export function connectionFacts(connection: ConnectionRead): string[] {
  // Where it came from, as a provider's support desk looks the connection up in its logs.
  const facts: string[] = connection.local ? [`from ${connection.local} (this machine)`] : [];
  // The application's bytes: TLS records are counted in neither.
  if (connection.bytesSent !== null) facts.push(`request: ${formatBytes(connection.bytesSent)} sent`);
  if (connection.bytesReceived !== null)
    facts.push(`response: ${formatBytes(connection.bytesReceived)} received`);
  const end = connection.end;
  if (end) {
    const how = endWords(end.how);
    const packet =
      end.how === 'reset' || end.how === 'fin'
        ? end.captured
          ? ` (${end.how === 'reset' ? 'RST' : 'FIN'} captured${end.ttl !== null ? `, TTL ${end.ttl}` : ''}${end.from ? `, from ${end.from}` : ''})`
          : ' (seen by the application; not captured)'
        : '';
    facts.push(`ended: ${how}${packet} at +${formatMs(end.afterMs)}`);
  }
  const phase = connection.endPhase ?? connection.phase;
  if (phase in PHASE_WORDS) facts.push(`phase: ${PHASE_WORDS[phase as keyof typeof PHASE_WORDS]}`);
  return facts;
}

/** Whom a signal points to, at the start of a table cell: "A device on the path". */
export function voteWords(vote: SignalRead['vote']): string {
  const words = sharedVoteWords(vote);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * "Strength of the signals: strong (weight 3 for it, none against).": in words, as the reports say it,
 * so the summary's confidence (the verdict's) is the one percentage the wizard shows.
 */
export function strengthSentence(reset: ResetRead): string | null {
  const strength = signalStrength(reset);
  return strength
    ? `${SIGNAL_STRENGTH.charAt(0).toUpperCase()}${SIGNAL_STRENGTH.slice(1)}: ${strength}.`
    : null;
}

/**
 * The verdict on a received RST row: this connection's verdict with the row's TTL, else the one origin
 * all its verdicts share (IPv6 carries no TTL in the capture). Null when the row is no received RST or
 * the verdicts disagree: the picture then draws it from the server's lane, as captured.
 */
export function rstVerdict(row: TimelineRow, resets: ResetRead[]): ResetRead | null {
  if (row.kind !== 'rst' || row.direction !== 'received' || resets.length === 0) return null;
  const byTtl = resets.find((r) => r.ttl !== null && r.ttl === row.ttl);
  if (byTtl) return byTtl;
  return new Set(resets.map((r) => r.origin)).size === 1 ? resets[0]! : null;
}
