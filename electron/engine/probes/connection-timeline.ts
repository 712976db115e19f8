import type {
  ConnectionEnd,
  ConnectionPhase,
  ConnectionStory,
  TimelineEntry,
  TimelineKind,
} from '../../shared/probe-data-info.js';
import { endWords } from '../../shared/reset-words.js';
import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation } from '../net/conversation-types.js';

/** Silences at least this long are idle, whatever the connection's length. */
export const IDLE_MS = 1_000;
/** Shorter silences count when they are this share of the connection, and not shorter than IDLE_FLOOR_MS. */
const IDLE_SHARE = 0.5;
const IDLE_FLOOR_MS = 100;

/**
 * Merges a connection's own events (what the probe did and its socket saw) with the packets captured
 * for it (null without capture), marks the silences, and says how and after what the connection ended.
 */
export function connectionStory(c: Conversation, received: CapturedPacket[] | null): ConnectionStory {
  const entries = [...ownEntries(c), ...(received ?? []).map(packetEntry)].sort((a, b) => a.at - b.at);
  const end = connectionEnd(c, received);
  const start = entries[0]?.at ?? c.startedAt;
  const timeline = withIdleGaps(entries, start, end.at);
  const bytesCaptured =
    received === null
      ? null
      : received.filter((p) => p.at < end.at).reduce((n, p) => n + (p.tcp?.payloadLength ?? 0), 0);
  const endPhase = phaseAtEnd(c, timeline, end);
  const story = {
    timeline,
    end,
    endPhase,
    bytesSent: c.bytesSent,
    bytesReceived: c.bytesReceived,
    bytesCaptured,
  };
  return { ...story, afterWhat: afterWhat(story) };
}

function ownEntries(c: Conversation): TimelineEntry[] {
  // TLS starts the moment TCP connects; the socket reports no event for the ClientHello itself.
  const tried = c.phase === 'tls' || c.tlsMs !== null || c.events.some((e) => e.kind === 'tls-done');
  return c.events.flatMap((e): TimelineEntry[] => {
    if (e.kind === 'connect-start') return [{ at: e.at, direction: 'sent', kind: 'syn', what: 'SYN' }];
    if (e.kind === 'sent') {
      const bytes = e.bytes ?? 0;
      return [{ at: e.at, direction: 'sent', kind: 'request', what: `request ${bytes} bytes`, bytes }];
    }
    const event: TimelineEntry = {
      at: e.at,
      direction: 'event',
      kind: 'event',
      what: `${e.kind}${e.bytes ? ` ${e.bytes} bytes` : ''}`,
    };
    if (e.kind === 'connected' && tried)
      return [event, { at: e.at, direction: 'sent', kind: 'client-hello', what: 'TLS ClientHello' }];
    return [event];
  });
}

/** A captured packet named as people say it: SYN-ACK, ACK, 1448 bytes, RST, FIN. */
function packetEntry(p: CapturedPacket): TimelineEntry {
  const flags = p.tcp!.flags;
  const bytes = p.tcp!.payloadLength;
  const named = (kind: TimelineKind, what: string): TimelineEntry => ({
    at: p.at,
    direction: 'received',
    kind,
    what,
    ...(bytes > 0 ? { bytes } : {}),
    flags,
    ttl: p.ttl,
    ipId: p.ipId,
    window: p.tcp!.window,
  });
  const data = bytes > 0 ? `${bytes} bytes` : '';
  if (flags.includes('R')) return named('rst', data ? `RST, ${data}` : 'RST');
  if (flags.includes('S')) return named('syn-ack', flags.includes('A') ? 'SYN-ACK' : 'SYN');
  if (flags.includes('F')) return named('fin', data ? `FIN, ${data}` : 'FIN');
  if (data) return named('data', data);
  return named('ack', flags === 'A' ? 'ACK' : flags);
}

const END_OF: Record<Conversation['outcome'], ConnectionEnd['how']> = {
  complete: 'complete',
  refused: 'reset',
  reset: 'reset',
  closed: 'fin',
  timeout: 'timeout',
  unreachable: 'unreachable',
  failed: 'failed',
};

function connectionEnd(c: Conversation, received: CapturedPacket[] | null): ConnectionEnd {
  // A connection the probe closed itself (cancelled) did not fail: it was no longer needed.
  const how = c.failure?.code === 'cancelled' ? 'stopped' : END_OF[c.outcome];
  const flag = how === 'reset' ? 'R' : how === 'fin' ? 'F' : null;
  const packet = flag ? received?.find((p) => p.tcp!.flags.includes(flag)) : undefined;
  const seen = c.events.find((e) => e.kind === (how === 'reset' ? 'reset' : 'fin'));
  const at = packet?.at ?? (flag ? seen?.at : undefined) ?? c.endedAt;
  return {
    how,
    at,
    afterMs: round(at - c.startedAt),
    from: packet?.src ?? null,
    ttl: packet?.ttl ?? null,
    captured: packet !== undefined,
  };
}

/** The entries with an 'idle' entry wherever nothing happened for long, the end included. */
function withIdleGaps(entries: TimelineEntry[], start: number, endAt: number): TimelineEntry[] {
  const span = Math.max(endAt, entries[entries.length - 1]?.at ?? endAt) - start;
  const out: TimelineEntry[] = [];
  entries.forEach((entry, i) => {
    out.push(entry);
    const next = i + 1 < entries.length ? entries[i + 1]!.at : endAt;
    const ms = next - entry.at;
    if (ms >= IDLE_MS || (ms >= IDLE_FLOOR_MS && ms >= span * IDLE_SHARE)) {
      out.push({ at: entry.at, direction: 'idle', kind: 'idle', what: `idle ${seconds(ms)}`, ms: round(ms) });
    }
  });
  return out;
}

interface Moment {
  /** The last thing we sent before the end (the request or the ClientHello), if any. */
  lastSent: TimelineEntry | null;
  /** A silence that ended with that send: the next packet after an idle spell. */
  idleBeforeSend: TimelineEntry | null;
  /** The last data the peer sent before the end. */
  lastData: TimelineEntry | null;
  /** The last thing that happened before the end. */
  lastBefore: TimelineEntry | null;
}

function moment(timeline: TimelineEntry[], end: ConnectionEnd): Moment {
  const before = timeline.filter((e) => e.at < end.at || (e.at === end.at && e.kind !== 'rst'));
  const real = before.filter((e) => e.kind !== 'idle' && !isEndEvent(e));
  const lastSent = findLast(real, (e) => e.kind === 'request' || e.kind === 'client-hello');
  const idleBeforeSend = lastSent
    ? (before.find((e) => e.kind === 'idle' && Math.abs(e.at + (e.ms ?? 0) - lastSent.at) < 0.01) ?? null)
    : null;
  const lastData = findLast(
    real,
    (e) => e.kind === 'data' || e.kind === 'fin' || e.what.startsWith('first-byte'),
  );
  return { lastSent, idleBeforeSend, lastData, lastBefore: findLast(real, () => true) };
}

function isEndEvent(e: TimelineEntry): boolean {
  return (
    e.kind === 'rst' || (e.kind === 'event' && /^(reset|fin|timeout|error|response-complete)\b/.test(e.what))
  );
}

function phaseAtEnd(c: Conversation, timeline: TimelineEntry[], end: ConnectionEnd): ConnectionPhase {
  if (end.how === 'complete') return c.phase;
  const before = timeline.filter((e) => e.at <= end.at);
  const connected = before.some((e) => e.kind === 'syn-ack' || e.what === 'connected');
  if (!connected) return 'connect';
  // A device that forgot an idle connection resets the first packet that follows the silence.
  const m = moment(timeline, end);
  if (m.idleBeforeSend && (m.lastData === null || m.lastData.at < m.lastSent!.at)) return 'idle';
  return c.phase;
}

function afterWhat(s: Omit<ConnectionStory, 'afterWhat'>): string {
  const how = endWords(s.end.how);
  const sent = s.bytesSent > 0 ? `${bytes(s.bytesSent)} sent` : 'nothing sent';
  if (s.end.how === 'complete') {
    if (s.bytesSent === 0 && s.bytesReceived === 0) return 'complete: connected, nothing sent';
    return `complete: ${sent}, ${s.bytesReceived > 0 ? `${bytes(s.bytesReceived)} received` : 'nothing received'}`;
  }
  const m = moment(s.timeline, s.end);
  const since = (e: TimelineEntry | null, what: string) =>
    e ? `, ${duration(s.end.at - e.at)} after ${what}` : '';
  switch (s.endPhase) {
    case 'connect':
      if (s.end.how === 'reset') return 'reset on connect: the SYN was answered with a RST';
      if (s.end.how === 'timeout') return 'timed out on connect: the SYN was not answered';
      return `${how} on connect`;
    case 'tls': {
      const got =
        s.bytesCaptured === null
          ? ''
          : s.bytesCaptured === 0
            ? ', nothing received'
            : `, ${bytes(s.bytesCaptured)} of the server's handshake received`;
      return `${how} during the TLS handshake: ClientHello sent${got}${since(m.lastSent, 'the ClientHello')}`;
    }
    case 'request':
      return `${how} on the request: ${sent}, nothing received${since(m.lastSent, 'sending it')}`;
    case 'response':
    case 'transfer':
      return `${how} after ${bytes(s.bytesReceived)} of the response (${s.endPhase})${
        s.bytesCaptured !== null ? since(m.lastData, 'the last data') : ''
      }`;
    case 'idle': {
      if (m.idleBeforeSend) {
        return `${how} on the next packet after ${seconds(m.idleBeforeSend.ms ?? 0)} idle: ${sent}, nothing received`;
      }
      return `${how} while idle (${sent})${since(m.lastBefore, 'the last packet')}`;
    }
  }
}

function findLast<T>(list: T[], test: (item: T) => boolean): T | null {
  for (let i = list.length - 1; i >= 0; i--) if (test(list[i]!)) return list[i]!;
  return null;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`;
}

/** A delay at the precision that matters at its size: 0.4 ms, 12 ms, 7.0 s. */
export function duration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 0.1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}
