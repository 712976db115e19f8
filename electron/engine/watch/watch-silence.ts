import type { LocalSocket } from '../parsers/socket-table-parser.js';
import { plainAddress } from '../parsers/socket-table-parser.js';
import type { SocketOwner, WatchCatch } from '../../shared/watch-info.js';

/**
 * How long a connection goes unanswered while this machine retransmits before it is caught as silenced.
 * A working path answers within a retransmission or two: Linux's first retransmission timer is 200 ms on
 * an established connection and 1 s for a SYN (RFC 6298), so 3 s of nothing is past any RTO of a path
 * that still delivers.
 */
export const SILENT_MS = 3000;
/** Linux caps the retransmission timer at 120 s (TCP_RTO_MAX). */
const RTO_MAX_MS = 120_000;
/** A SYN's first retransmission timer (TCP_TIMEOUT_INIT). */
const SYN_RTO_MS = 1000;

/** A connection the target left unanswered, read from one look at the socket table. */
export interface SilenceSeen {
  localPort: number;
  address: string;
  /** Watch clock, ms: the look that found it. */
  at: number;
  /** From the first transmission that went unanswered to the look (estimated from the retransmission timer). */
  silentMs: number;
  /** Transmissions of the unanswered segment after the first. */
  retransmits: number;
  /** A SYN never answered: the connection never opened. */
  connecting: boolean;
  /**
   * How long nothing had come from the target before the segment that went unanswered was sent: the idle
   * gap a forgetful device times out on; null for a SYN, or when the table does not say.
   */
  idleBeforeMs: number | null;
  bytesIn: number;
  bytesOut: number | null;
  owner: SocketOwner | null;
}

/**
 * Catches the connections the target stops answering: this machine retransmits a segment (a request, a
 * SYN) and for SILENT_MS nothing comes back, neither an answer nor a reset. The application sees a
 * timeout, or a reset later if something answers at last: a firewall, NAT or load balancer that forgot
 * the connection and drops its packets, a link that went down, a host that vanished. Read from the socket
 * table (ss -i's retransmission timer and its backoff), so it works with and without capture; each
 * connection is caught once.
 */
export class SilenceSpotter {
  private readonly caught = new Set<number>();

  /** One look's connections to the target: those silenced since the last look. */
  read(sockets: LocalSocket[], at: number): SilenceSeen[] {
    const found: SilenceSeen[] = [];
    const present = new Set<number>();
    for (const s of sockets) {
      if (s.localPort === null) continue;
      present.add(s.localPort);
      if (this.caught.has(s.localPort)) continue;
      const seen = silence(s, at);
      if (seen === null) continue;
      this.caught.add(s.localPort);
      found.push(seen);
    }
    // A port gone from the table may open a new connection later: caught afresh then. So the ports
    // remembered are never more than the table lists.
    for (const port of this.caught) if (!present.has(port)) this.caught.delete(port);
    return found;
  }
}

/** The socket, if it has gone SILENT_MS unanswered while retransmitting. */
export function silence(s: LocalSocket, at: number): SilenceSeen | null {
  if (s.localPort === null) return null;
  const connecting = s.state === 'SYN_SENT';
  let silentMs: number;
  let retransmits: number;
  if (connecting) {
    // A SYN's timer is not shown backed off: its retransmissions count the doublings from 1 s.
    retransmits = s.retransmits ?? 0;
    silentMs = unanswered(SYN_RTO_MS, retransmits);
  } else if (s.state === 'ESTABLISHED') {
    // Unacknowledged data, retransmitted, and the timer ran out at least twice in a row: no ACK between.
    if ((s.unacked ?? 0) === 0 || (s.retransmitsOut ?? 0) === 0 || (s.backoff ?? 0) < 2) return null;
    if (s.rtoMs === undefined) return null;
    retransmits = s.backoff!;
    // Estimated (the tail-loss probe before the first timeout is not counted): within a few hundred ms.
    silentMs = unanswered(s.rtoMs / 2 ** retransmits, retransmits) + (s.lastSendMs ?? 0);
  } else return null;
  // Anything from the target within SILENT_MS (a duplicate ACK) means it is there: slow, not silent.
  const heard = connecting ? null : heardAgo(s);
  if (heard !== null) silentMs = Math.min(silentMs, heard);
  if (retransmits < 2 || silentMs < SILENT_MS) return null;
  return {
    localPort: s.localPort,
    address: plainAddress(s.remoteAddress),
    at,
    silentMs: Math.round(silentMs),
    retransmits,
    connecting,
    idleBeforeMs: connecting || heard === null ? null : Math.max(0, Math.round(heard - silentMs)),
    bytesIn: s.bytesReceived ?? 0,
    bytesOut: connecting ? 0 : s.bytesAcked,
    owner: s.process ? { process: s.process, pid: s.pid } : null,
  };
}

/** Time from a first transmission to its nth retransmission, the timer doubling from `rto` each time. */
function unanswered(rto: number, retransmits: number): number {
  let ms = 0;
  for (let k = 0; k < retransmits; k++) ms += Math.min(rto * 2 ** k, RTO_MAX_MS);
  return ms;
}

/** Milliseconds since anything came from the target (an ACK or data), when the table says. */
function heardAgo(s: LocalSocket): number | null {
  const figures = [s.lastAckMs, s.lastReceiveMs].filter((v): v is number => v !== undefined);
  return figures.length > 0 ? Math.min(...figures) : null;
}

/** The catch a silence makes, in the watch's terms; the caller adds what it knows of the connection. */
export function silenceCatch(
  seen: SilenceSeen,
  known: Pick<WatchCatch, 'connectionId' | 'port' | 'seenBy'> &
    Partial<Pick<WatchCatch, 'lifetimeMs' | 'order' | 'concurrent' | 'sawOpen' | 'bytesIn'>>,
): WatchCatch {
  return {
    connectionId: known.connectionId,
    port: known.port,
    seenBy: known.seenBy,
    how: 'silence',
    at: seen.at,
    address: seen.address,
    localPort: seen.localPort,
    lifetimeMs: known.lifetimeMs ?? seen.silentMs,
    idleMs: seen.idleBeforeMs,
    bytesIn: known.bytesIn ?? seen.bytesIn,
    bytesOut: seen.bytesOut,
    order: known.order ?? null,
    concurrent: known.concurrent ?? null,
    sawOpen: known.sawOpen ?? seen.connecting,
    owner: seen.owner,
    verdict: null,
    silence: { silentMs: seen.silentMs, retransmits: seen.retransmits, connecting: seen.connecting },
  };
}
