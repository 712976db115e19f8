import type { Diagnosis, Origin } from './cause-info.js';
import type { ConversationOutcome } from './probe-data-info.js';
import type { ResetHopData, ResetVerdict } from './reset-data-info.js';

// A watch's data, declared once for the engine (watch/), the CLI, the wizard and the exports.

/** The bounds of a watch's numbers, for the CLI's flags and the calls alike. */
export const WATCH_BOUNDS = {
  forSeconds: { min: 1, max: 7 * 86400 },
  until: { min: 1, max: 1_000_000 },
  everySeconds: { min: 1, max: 3600 },
} as const;

/** What a watch is asked to do: the CLI's `watch` flags and the wizard's Watch form. */
export interface WatchRequest {
  /** host, host:port, [v6]:port or URL, as `diagnose` takes it. */
  target: string;
  /** Stop after this long; null: until cancelled or `until` resets. */
  forSeconds: number | null;
  /** Stop after this many resets; null: no limit. */
  until: number | null;
  /** Send the request to the target this often (a light check); null: only watch. */
  everySeconds: number | null;
}

/** The program that held a connection, from the socket table. */
export interface SocketOwner {
  process: string;
  pid: number | null;
}

/** How a connection that left the socket table ended, as far as the table and the counters tell. */
export type SocketEnd =
  /** The machine's count of reset connections rose and it sent no reset: a reset came in. */
  | 'reset-received'
  /** The count rose, and this machine sent resets too: one side reset it, which is not known. */
  | 'reset';

/**
 * One reset caught on a connection this machine had with the target, whoever opened it; or a FIN that a
 * device on the path sent in the target's name (its TTL nearer than the connection's SYN-ACK): the
 * application sees the connection closed under it ("EOF", "server closed the connection"); or a silence:
 * the target stopped answering while this machine retransmitted (the application sees a timeout, or a
 * reset when something answers at last).
 */
export interface WatchCatch {
  /** "w12": unique within a watch. */
  connectionId: string;
  how: 'reset' | 'fin' | 'silence';
  /** Watch clock, ms. */
  at: number;
  address: string;
  port: number;
  localPort: number;
  /** From the connection's first packet seen to the reset. */
  lifetimeMs: number;
  /**
   * From the target's last packet before the reset (a SYN-ACK, data, an ACK) to the reset; from the
   * socket table, at most this long without data; null when the table did not say.
   */
  idleMs: number | null;
  /** Payload bytes the target sent on this connection before the reset. */
  bytesIn: number;
  /**
   * Payload bytes this machine had sent that the target acknowledged, read from the target's ACK numbers
   * against its SYN-ACK's; null when the watch did not see the connection open.
   */
  bytesOut: number | null;
  /**
   * The connection's place among those the watch saw start (1: the first), refusals of a SYN included;
   * null for a connection older than the watch.
   */
  order: number | null;
  /**
   * Connections to the target open when it started, itself included, from the socket table (read as
   * connections open); for a SYN refused at once, those open at the last look, plus it. Null when the
   * table did not show it.
   */
  concurrent: number | null;
  /** Whether the watch saw the connection open (its SYN-ACK): a connection older than the watch has no reference. */
  sawOpen: boolean;
  /** The program that held the connection, when the socket table showed it before the reset. */
  owner: SocketOwner | null;
  /** How it was seen: its packets (capture), or its connection leaving the socket table (no privileges). */
  seenBy: 'capture' | 'socket-table';
  /**
   * Who sent it, by the same packet forensics as a diagnosis (TTL against the SYN-ACK, the other
   * signals); null when only the socket table saw it: then nobody is named.
   */
  verdict: ResetVerdict | null;
  /** Socket table only: how it ended, and why that is believed. */
  end?: { how: SocketEnd; reason: string };
  /**
   * A silence only, read from the socket table's retransmission timer: how long its segment (a request,
   * a SYN) had gone unanswered when caught (estimated within a few hundred ms), sent how many times more,
   * and whether it was the SYN (the connection never opened). `idleMs` is then the silence from the
   * target before that segment went out.
   */
  silence?: { silentMs: number; retransmits: number; connecting: boolean };
}

export interface WatchCounts {
  /** Connections seen (their SYN-ACK or any packet of theirs). */
  connections: number;
  resets: number;
  /** Connections the target closed with a FIN. */
  closed: number;
  /** Of those, closed by a FIN from a device on the path (caught, like resets). */
  pathCloses: number;
  /** Connections the target left unanswered while this machine retransmitted (caught, like resets). */
  silences: number;
  /** Open when last seen. */
  open: number;
  /** Forgotten to stay within the bounds (the oldest idle connections first). */
  evicted: number;
  /** What the connections that were not reset came through: the limits a pattern of resets is weighed against. */
  survived: WatchSurvived;
  /** Per program that held connections (when the socket table named it): its connections and resets. */
  programs: Record<string, { connections: number; resets: number }>;
}

/**
 * The most that connections came through without a reset (capture only; 0 when not seen): a limit that
 * resets connections, if there is one, lies beyond.
 */
export interface WatchSurvived {
  /** Connections the target closed with its own FIN, and those still open when last seen. */
  connections: number;
  /** The longest silence from the target that a connection came through (more of its packets followed). */
  longestIdleMs: number;
  /** The most payload bytes the target sent on one connection. */
  mostBytesIn: number;
  /** The most payload bytes the target acknowledged on one connection. */
  mostBytesOut: number;
  /** The most connections open when one of them started (from the socket table). */
  mostConcurrent: number;
}

/** The counts of a watch that has seen nothing yet. */
export function emptyWatchCounts(): WatchCounts {
  return {
    connections: 0,
    resets: 0,
    closed: 0,
    pathCloses: 0,
    silences: 0,
    open: 0,
    evicted: 0,
    survived: { connections: 0, longestIdleMs: 0, mostBytesIn: 0, mostBytesOut: 0, mostConcurrent: 0 },
    programs: {},
  };
}

/** One light check of the target during a watch: the request the diagnosis makes, once. */
export interface WatchCheck {
  /** Watch clock, ms, when it started. */
  at: number;
  outcome: ConversationOutcome;
  /** How long it took, to its answer or its failure. */
  ms: number;
  /** The HTTP status, for http(s) targets that answered. */
  status: number | null;
  /** Its local port: a reset of it is caught like any other connection's. */
  localPort: number | null;
  /**
   * The ICMP echo sent beside it: answered (its round trip) or not; null where this machine cannot ping.
   * The loss they add up to tells a path that loses packets from a rule that drops a connection's.
   */
  ping: { answered: boolean; rttMs: number | null } | null;
}

/** What the catches have in common, each with the sentence an engineer can check against them. */
export type WatchPattern =
  /**
   * Every reset after the same idle time; or, at varied idle times (a client idling at random), every
   * reset after a longer silence than any connection came through: then `lower` is that silence and
   * `seconds` the shortest idle that was reset.
   */
  | {
      kind: 'after-idle';
      seconds: number;
      lower: number | null;
      /** What the idle connections met: a reset, or no answer at all (their packets dropped). */
      ended: 'reset' | 'silence';
      text: string;
    }
  | { kind: 'periodic'; seconds: number; text: string }
  | { kind: 'one-sender'; origin: Origin; hop: number | null; text: string }
  | { kind: 'one-program'; program: string; text: string }
  /** The reset connections came at a fixed place in the order connections started: every `period`th. */
  | { kind: 'every-nth'; period: number; text: string }
  /**
   * Every reset connection started while `atLeast` or more connections to the target were open, and
   * none that started with up to `survived` open was reset: a limit on connections at once.
   */
  | { kind: 'under-concurrency'; atLeast: number; survived: number; text: string }
  /**
   * Every reset came after `atLeast` bytes had passed one way on its connection, and connections that
   * carried up to `survived` bytes that way were not reset: a limit on the size of a transfer.
   */
  | { kind: 'past-bytes'; direction: 'in' | 'out'; atLeast: number; survived: number; text: string };

/** One slice of the watch's time: what happened to the connections within it. */
export interface WatchSlice {
  /** Watch clock, ms, where the slice starts; it lasts the timeline's sliceMs. */
  at: number;
  opened: number;
  closed: number;
  resets: number;
  /** The most connections open at once, as sampled within the slice. */
  open: number;
  /**
   * The round trip to the target: the highest median of the open connections' smoothed RTT (the kernel's,
   * `ss -i`) among the looks within the slice; null when none was read.
   */
  rttMs: number | null;
  /** Segments this machine retransmitted to the target within the slice (lost, or their ACKs were). */
  retransmits: number;
}

/** What the socket table said of the path between two samples of the timeline. */
export interface WatchPathSample {
  rttMs: number | null;
  retransmits: number;
}

/**
 * Connections over time, bounded: past MAX slices, neighbours are merged and each slice lasts twice as
 * long, so an hour and a week take the same room.
 */
export interface WatchTimeline {
  sliceMs: number;
  slices: WatchSlice[];
}

export interface WatchResult {
  target: { input: string; host: string; port: number; addresses: string[] };
  startedAt: string;
  finishedAt: string;
  /**
   * Why it stopped: its time ran out, the resets asked for were caught, it was cancelled (Ctrl-C, Stop),
   * or the engine helper running it stopped (what it had caught is kept).
   */
  stoppedBy: 'time' | 'count' | 'cancelled' | 'interrupted';
  catches: WatchCatch[];
  /** The checks sent with --every, in order (the first MAX_KEPT). */
  checks: WatchCheck[];
  /** Catches past MAX_KEPT are counted here, not kept. */
  catchesDropped: number;
  counts: WatchCounts;
  patterns: WatchPattern[];
  timeline: WatchTimeline;
  /**
   * The verdict over all the catches, by the diagnosis' own causes and thresholds (diagnose-watch.ts);
   * null when fewer than two resets were caught.
   */
  diagnosis: Diagnosis | null;
  /** How the connections were watched: their packets, or the socket table (no raw sockets). */
  seenBy: 'capture' | 'socket-table';
  /** What the capture can see (IPv6 without hop limits, say), or what watching without it misses. */
  captureNote: string;
  /** Why the programs holding the connections could not be named, or null. */
  ownersNote: string | null;
  /**
   * After the first reset from the path, with --every and raw sockets: the checks' request replayed with
   * TTL 1, 2, 3... to place the device that resets it (the diagnosis' reset-hop search); null otherwise.
   */
  hopSearch: ResetHopData | null;
}
