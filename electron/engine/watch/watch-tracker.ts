import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation } from '../net/conversation-types.js';
import { hopsAway, judgeFin, judgeResets } from '../forensics/reset-origin.js';
import type { ServerReference } from '../../shared/reset-data-info.js';
import { silenceCatch, type SilenceSeen } from './watch-silence.js';
import {
  emptyWatchCounts,
  type SocketOwner,
  type WatchCatch,
  type WatchCounts,
  type WatchSurvived,
} from '../../shared/watch-info.js';

/** How long the packets that follow a connection's end are counted as its own (TIME-WAIT is 60 s). */
const ENDED_LINGER_MS = 60_000;

interface Tracked {
  id: string;
  address: string;
  port: number;
  localPort: number;
  firstAt: number;
  lastAt: number;
  bytesIn: number;
  sawOpen: boolean;
  /** Its place among the connections the watch saw start; null when it was older than the watch. */
  order: number | null;
  /** Connections to the target open when it started, itself included; null when unknown. */
  concurrent: number | null;
  /** The SYN-ACK's ACK number (our first byte) and the latest: the bytes the target acknowledged. */
  ackBase: number | null;
  ackLast: number;
  /** The last packets, with the SYN-ACK kept first: what the forensics read. */
  packets: CapturedPacket[];
  /** Caught silent: no longer counted open (its program gave up on it, or will). */
  silenced?: boolean;
  /** Set at its first RST: judged JUDGE_AFTER_MS later, with what followed (a burst, the server's late answer). */
  reset?: {
    at: number;
    idleFrom: number;
    bytesIn: number;
    owner: SocketOwner | null;
    after: boolean;
    concurrent: number | null;
    /** A connection of the watch's own hop search: swallowed, never caught. */
    own?: boolean;
  };
}

/**
 * How long after a connection's first RST it is judged: long enough for an injector's burst and for the
 * server's own answer that the forged reset raced (the forensics' 'burst' and 'after' signals). Judged at
 * once, a forger that copies the server's TTL would pass for the server.
 */
export const JUDGE_AFTER_MS = 500;

export interface WatchTrackerOptions {
  /** The target's port: packets from its other ports are other services. */
  port: number;
  /** Each reset, with its connection's last packets (the SYN-ACK first, the reset last). */
  onCatch: (caught: WatchCatch, packets: CapturedPacket[]) => void;
  /** A connection was seen opening (its SYN-ACK): the moment to read the socket table. */
  onOpen?: (localPort: number) => void;
  /** A connection ended (the target's FIN, or a reset judged). */
  onEnd?: (localPort: number) => void;
  /** The program holding a local port, as last read from the socket table. */
  ownerOf?: (localPort: number) => SocketOwner | null;
  /** Connections to the target open now (the socket table's count), or null when unknown. */
  openNow?: () => number | null;
  /** The watch's own connections (its hop search's replays): their resets are not caught. */
  own?: (localPort: number) => boolean;
  /** At most this many connections followed at once (default 4096). */
  maxConnections?: number;
  /** Packets kept per connection besides its SYN-ACK (default 24). */
  packetsPerConnection?: number;
}

/**
 * Follows every connection this machine has with the target from the packets the capture sees coming
 * from it (the capture sees only incoming packets: the target's side of each connection), and judges each
 * reset as it arrives. Memory stays bounded over hours: a connection is forgotten when it ends, each keeps
 * only its last packets, and past maxConnections the longest idle are dropped (and counted).
 */
export class WatchTracker {
  private readonly live = new Map<string, Tracked>();
  /**
   * Connections that ended (FIN or RST), by key, with when: the packets that still follow (the ACK of our
   * FIN, a burst's other resets) belong to them, not to a new connection. A SYN-ACK starts a new one.
   */
  private readonly ended = new Map<string, number>();
  private readonly counts: WatchCounts = emptyWatchCounts();
  /** The target's distance from its latest SYN-ACK: the reference for a connection opened before the watch. */
  private reference = new Map<string, ServerReference>();
  private nextId = 1;
  private started = 0;
  private readonly maxConnections: number;
  private readonly keep: number;

  constructor(private readonly options: WatchTrackerOptions) {
    this.maxConnections = options.maxConnections ?? 4096;
    this.keep = options.packetsPerConnection ?? 24;
  }

  push(packet: CapturedPacket): void {
    const tcp = packet.tcp;
    if (!tcp || tcp.srcPort !== this.options.port) return;
    const key = `${packet.src}|${tcp.dstPort}`;
    const synAck = tcp.flags.includes('S') && tcp.flags.includes('A');
    let conn = this.live.get(key);
    if (conn?.reset && !synAck) {
      // After its first RST: kept for the judgement (a burst, the server still talking), nothing else.
      conn.packets.push(packet);
      if (conn.packets.length > this.keep * 2) conn.packets.splice(1, 1);
      return;
    }
    if (conn?.reset) {
      // A SYN-ACK on a port whose reset still waits: judge it now, and this is a new connection.
      this.judge(key, conn);
      conn = undefined;
    }
    if (!conn && !synAck && this.recentlyEnded(key, packet.at)) return;
    if (!conn || (synAck && conn.sawOpen && conn.bytesIn > 0)) {
      // A new connection, or the local port reused for a new one.
      if (conn) this.live.delete(key);
      conn = this.open(key, packet, synAck);
    }
    if (tcp.flags.includes('A') && !tcp.flags.includes('R')) conn.ackLast = tcp.ack;
    // A silence the connection came through (more than a FIN or a RST followed it): the idle timeout,
    // if there is one, is longer.
    if (!tcp.flags.includes('R') && !tcp.flags.includes('F') && conn.packets.length > 0) {
      const survived = this.counts.survived;
      survived.longestIdleMs = Math.max(survived.longestIdleMs, packet.at - conn.lastAt);
    }
    conn.lastAt = packet.at;
    if (synAck && packet.ttl !== null)
      this.reference.set(packet.src, { hopsAway: hopsAway(packet.ttl), ttl: packet.ttl, source: 'syn-ack' });
    if (tcp.flags.includes('R')) return this.caught(conn, packet);
    conn.bytesIn += tcp.payloadLength;
    this.remember(conn, packet);
    if (tcp.flags.includes('F')) {
      this.counts.closed++;
      const owner = this.endedFor(conn, false);
      this.live.delete(key);
      this.markEnded(key, packet.at);
      this.options.onEnd?.(conn.localPort);
      if (!this.closedBy(conn, packet, owner)) this.survivor(this.counts.survived, conn);
    }
  }

  /**
   * A connection the socket table shows unanswered while this machine retransmits (watch-silence.ts):
   * caught with what the capture knows of it (its place, its last packets from the target). A reset that
   * comes later on it is caught too: who sent it is more evidence.
   */
  silenced(seen: SilenceSeen): void {
    const found = this.live.get(`${seen.address}|${seen.localPort}`);
    const conn = found?.reset ? undefined : found;
    this.counts.silences++;
    if (!conn) {
      // A SYN never answered: the capture saw nothing of it.
      this.options.onCatch(
        silenceCatch(seen, { connectionId: `w${this.nextId++}`, port: this.options.port, seenBy: 'capture' }),
        [],
      );
      return;
    }
    conn.silenced = true;
    this.options.onCatch(
      silenceCatch(seen, {
        connectionId: conn.id,
        port: conn.port,
        seenBy: 'capture',
        lifetimeMs: seen.at - conn.firstAt,
        order: conn.order,
        concurrent: conn.concurrent,
        sawOpen: conn.sawOpen,
        bytesIn: conn.bytesIn,
      }),
      [...conn.packets],
    );
  }

  /** Judges the resets whose wait is over (`at`: the watch clock; Infinity at the end of the watch). */
  flush(at: number): void {
    for (const [key, conn] of this.live)
      if (conn.reset && at - conn.reset.at >= JUDGE_AFTER_MS) this.judge(key, conn);
  }

  get summary(): WatchCounts {
    const programs = structuredClone(this.counts.programs);
    const survived = { ...this.counts.survived };
    // Connections still open count for their program too, and came through what they carried so far.
    for (const conn of this.live.values()) {
      if (conn.reset) continue;
      const owner = this.options.ownerOf?.(conn.localPort);
      if (owner) (programs[owner.process] ??= { connections: 0, resets: 0 }).connections++;
      // A connection left unanswered did not come through.
      if (!conn.silenced) this.survivor(survived, conn);
    }
    const open = [...this.live.values()].filter((c) => !c.reset && !c.silenced).length;
    return { ...this.counts, survived, open, programs };
  }

  /** A connection not reset (closed by its target, or still open): what it came through. */
  private survivor(survived: WatchSurvived, conn: Tracked): void {
    survived.connections++;
    survived.mostBytesIn = Math.max(survived.mostBytesIn, conn.bytesIn);
    survived.mostBytesOut = Math.max(survived.mostBytesOut, bytesOut(conn) ?? 0);
    survived.mostConcurrent = Math.max(survived.mostConcurrent, conn.concurrent ?? 0);
  }

  private markEnded(key: string, at: number): void {
    this.ended.delete(key);
    this.ended.set(key, at);
    // Oldest first: drop what is past the linger, and never hold more than the live connections' bound.
    for (const [k, t] of this.ended) {
      if (at - t <= ENDED_LINGER_MS && this.ended.size <= this.maxConnections) break;
      this.ended.delete(k);
    }
  }

  private recentlyEnded(key: string, at: number): boolean {
    const t = this.ended.get(key);
    return t !== undefined && at - t <= ENDED_LINGER_MS;
  }

  /** A connection's end, counted for the program that held it (ten programs at most are named). */
  private endedFor(conn: Tracked, reset: boolean): SocketOwner | null {
    const owner = this.options.ownerOf?.(conn.localPort) ?? null;
    if (owner === null) return null;
    const programs = this.counts.programs;
    const known =
      programs[owner.process] ?? (Object.keys(programs).length < 10 ? { connections: 0, resets: 0 } : null);
    if (known === null) return owner;
    known.connections++;
    if (reset) known.resets++;
    programs[owner.process] = known;
    return owner;
  }

  private open(key: string, packet: CapturedPacket, synAck: boolean): Tracked {
    if (this.live.size >= this.maxConnections) this.evictIdlest();
    const tcp = packet.tcp!;
    const conn: Tracked = {
      id: `w${this.nextId++}`,
      address: packet.src,
      port: tcp.srcPort,
      localPort: tcp.dstPort,
      firstAt: packet.at,
      lastAt: packet.at,
      bytesIn: 0,
      sawOpen: synAck,
      order: synAck || refusal(packet) ? ++this.started : null,
      ackBase: synAck ? tcp.ack : null,
      ackLast: tcp.ack,
      concurrent: null,
      packets: [],
    };
    this.live.set(key, conn);
    this.counts.connections++;
    if (synAck) {
      this.options.onOpen?.(conn.localPort);
      conn.concurrent = this.options.openNow?.() ?? null;
    }
    return conn;
  }

  private remember(conn: Tracked, packet: CapturedPacket): void {
    conn.packets.push(packet);
    // The SYN-ACK stays (the TTL reference); of the rest, the last `keep`.
    const first = conn.packets[0]!.tcp!.flags.includes('S') ? 1 : 0;
    if (conn.packets.length - first > this.keep) conn.packets.splice(first, 1);
  }

  /** The target's distance in hops, from its latest SYN-ACK; null before one was seen. */
  serverHops(address: string): number | null {
    return this.reference.get(address)?.hopsAway ?? null;
  }

  /** A connection of the watch's own that ended without a reset: no longer one of the target's. */
  forget(localPort: number): void {
    for (const [key, conn] of this.live)
      if (conn.localPort === localPort && !conn.reset) {
        this.live.delete(key);
        this.markEnded(key, conn.lastAt);
        this.disown(conn);
      }
  }

  /** Not one of the target's connections after all: uncounted, and its place given back if still the last. */
  private disown(conn: Tracked): void {
    this.counts.connections--;
    if (conn.order !== null && conn.order === this.started) this.started--;
  }

  /** Its first RST: counted now, judged when what follows it has had JUDGE_AFTER_MS to arrive. */
  private caught(conn: Tracked, rst: CapturedPacket): void {
    if (this.options.own?.(conn.localPort)) {
      // The watch's own replay, reset as the search meant it to be: not one of the target's connections.
      conn.packets.push(rst);
      this.disown(conn);
      conn.reset = {
        at: rst.at,
        idleFrom: rst.at,
        bytesIn: 0,
        owner: null,
        after: true,
        concurrent: null,
        own: true,
      };
      return;
    }
    const idleFrom = conn.packets.at(-1)?.at ?? conn.firstAt;
    // `after`: the RST came after packets of the connection (not as the first thing the watch saw of it).
    const after = conn.packets.length > 0;
    conn.packets.push(rst);
    this.counts.resets++;
    // A SYN refused at once never was open: those open as it was refused, plus it.
    const open = !after && refusal(rst) ? this.options.openNow?.() : null;
    const concurrent = conn.concurrent ?? (open === null || open === undefined ? null : open + 1);
    this.options.onEnd?.(conn.localPort);
    conn.reset = {
      at: rst.at,
      idleFrom,
      bytesIn: conn.bytesIn,
      owner: this.endedFor(conn, true),
      after,
      concurrent,
    };
  }

  private judge(key: string, conn: Tracked): void {
    const reset = conn.reset!;
    this.live.delete(key);
    this.markEnded(key, reset.at);
    if (reset.own) return;
    const conversation = asConversation(conn, reset.at);
    const [judged] = judgeResets(
      [{ label: `:${conn.localPort}`, role: 'watched', conversation }],
      conn.packets,
      this.reference.get(conn.address) ?? null,
    );
    if (!judged) return;
    // The forensics read "no SYN-ACK" as a reset of the SYN; a connection older than the watch had one.
    const verdict = !conn.sawOpen && reset.after ? { ...judged, phase: 'transfer' } : judged;
    this.options.onCatch(
      {
        connectionId: conn.id,
        how: 'reset',
        at: reset.at,
        address: conn.address,
        port: conn.port,
        localPort: conn.localPort,
        lifetimeMs: reset.at - conn.firstAt,
        idleMs: reset.at - reset.idleFrom,
        bytesIn: reset.bytesIn,
        bytesOut: bytesOut(conn),
        order: conn.order,
        concurrent: reset.concurrent,
        sawOpen: conn.sawOpen,
        owner: reset.owner,
        seenBy: 'capture',
        verdict,
      },
      conn.packets,
    );
  }

  /**
   * A FIN is the ordinary end of a connection, unless its TTL says a device nearer than the target sent
   * it: then it is caught, judged against the connection's own SYN-ACK (only a connection seen opening
   * has one; a FIN carries no other signal).
   */
  private closedBy(conn: Tracked, fin: CapturedPacket, owner: SocketOwner | null): boolean {
    const synAck = conn.packets[0]?.tcp?.flags.includes('S') ? conn.packets[0] : undefined;
    if (!synAck?.ttl || fin.ttl === null) return false;
    const ref: ServerReference = { hopsAway: hopsAway(synAck.ttl), ttl: synAck.ttl, source: 'syn-ack' };
    const conversation = { ...asConversation(conn, fin.at), outcome: 'closed' as const };
    const verdict = judgeFin({ label: `:${conn.localPort}`, role: 'watched', conversation }, fin, ref);
    if (verdict.origin !== 'path') return false;
    this.counts.pathCloses++;
    const before = conn.packets.filter((p) => p !== fin).at(-1)?.at ?? conn.firstAt;
    this.options.onCatch(
      {
        connectionId: conn.id,
        how: 'fin',
        at: fin.at,
        address: conn.address,
        port: conn.port,
        localPort: conn.localPort,
        lifetimeMs: fin.at - conn.firstAt,
        idleMs: fin.at - before,
        bytesIn: conn.bytesIn,
        bytesOut: bytesOut(conn),
        order: conn.order,
        concurrent: conn.concurrent,
        sawOpen: conn.sawOpen,
        owner,
        seenBy: 'capture',
        verdict,
      },
      conn.packets,
    );
    return true;
  }

  private evictIdlest(): void {
    let idlest: [string, Tracked] | null = null;
    // A reset waiting for its judgement is not idle: it is flushed soon.
    for (const entry of this.live)
      if (!entry[1].reset && (!idlest || entry[1].lastAt < idlest[1].lastAt)) idlest = entry;
    if (idlest) {
      this.live.delete(idlest[0]);
      this.counts.evicted++;
    }
  }
}

/**
 * A reset that answers a SYN: sequence number 0 (the SYN acknowledged nothing it could follow), as a
 * kernel or a `reject with tcp-reset` rule sends it. A reset of an established connection carries the
 * connection's sequence number.
 */
function refusal(packet: CapturedPacket): boolean {
  const tcp = packet.tcp!;
  return tcp.flags.includes('R') && tcp.flags.includes('A') && tcp.seq === 0;
}

/** Bytes the target acknowledged (its ACK numbers run modulo 2^32 from the SYN-ACK's). */
function bytesOut(conn: Tracked): number | null {
  return conn.ackBase === null ? null : (conn.ackLast - conn.ackBase) >>> 0;
}

/**
 * The connection as the forensics read a conversation: only its target's side is known (no events of
 * ours, so the timing signal that needs our send times stays silent rather than guess).
 */
function asConversation(conn: Tracked, endedAt: number): Conversation {
  return {
    id: conn.id,
    address: conn.address,
    port: conn.port,
    localPort: conn.localPort,
    startedAt: conn.firstAt,
    endedAt,
    outcome: 'reset',
    phase: conn.sawOpen && conn.bytesIn === 0 && conn.packets.length <= 1 ? 'connect' : 'transfer',
    failure: null,
    connectMs: null,
    tlsMs: null,
    firstByteMs: null,
    bytesSent: 0,
    bytesReceived: conn.bytesIn,
    tls: null,
    response: null,
    events: [],
  };
}
