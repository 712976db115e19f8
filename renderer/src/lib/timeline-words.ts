import type { ConnectionView, ResetView, TimelineEntryView } from './probe-data.js';
import { formatMs, originWords } from './words.js';

export type EntryKind = 'syn' | 'syn-ack' | 'ack' | 'data' | 'fin' | 'rst' | 'sent' | 'event';

export interface TimelineRow {
  /** Milliseconds since the first entry of the connection. */
  offsetMs: number;
  direction: TimelineEntryView['direction'];
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

function bytesText(bytes: string | undefined): string {
  return bytes ? ` (${Number(bytes).toLocaleString('en-US')} bytes)` : '';
}

/** A timeline entry in words: "SYN-ACK", "RST (reset)", "Request sent (100 bytes)". */
export function describeEntry(entry: TimelineEntryView): { kind: EntryKind; label: string } {
  if (entry.direction === 'received') {
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
    const m = /^sent (\d+) bytes$/.exec(entry.what);
    if (m) return { kind: 'sent', label: `Request sent${bytesText(m[1])}` };
    return { kind: 'sent', label: entry.what };
  }
  const m = /^([a-z-]+)(?: (\d+) bytes)?$/.exec(entry.what);
  if (!m) return { kind: 'event', label: entry.what };
  return { kind: 'event', label: `${EVENT_WORDS[m[1]!] ?? m[1]}${bytesText(m[2])}` };
}

export function timelineRows(connection: ConnectionView): TimelineRow[] {
  const start = connection.timeline[0]?.at ?? 0;
  return connection.timeline.map((entry) => ({
    offsetMs: entry.at - start,
    direction: entry.direction,
    ...describeEntry(entry),
    ttl: typeof entry.ttl === 'number' ? entry.ttl : null,
  }));
}

/** The reset verdicts for this connection, or all of them when none names it. */
export function resetsFor(connection: ConnectionView | null, resets: ResetView[]): ResetView[] {
  const own = connection ? resets.filter((r) => r.connection === connection.connection) : [];
  return own.length ? own : resets;
}

export function resetOriginSentence(reset: ResetView): string {
  const who = originWords(reset.origin, reset.hop);
  const ttl = reset.ttl !== null ? ` (TTL ${reset.ttl})` : '';
  if (reset.origin === 'unknown') return `Who sent the reset${ttl} could not be told.`;
  return `The reset${ttl} came from ${who}.`;
}

export function rowSentence(row: TimelineRow): string {
  const where = row.direction === 'sent' ? 'sent' : row.direction === 'received' ? 'received' : '';
  const ttl = row.ttl !== null ? `, TTL ${row.ttl}` : '';
  return `${row.label}${where ? ` ${where}` : ''} at +${formatMs(row.offsetMs)}${ttl}`;
}
