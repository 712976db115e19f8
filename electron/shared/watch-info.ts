import type { Diagnosis, Origin } from './cause-info.js';
import type { ConversationOutcome } from './probe-data-info.js';
import type { ResetVerdict } from './reset-data-info.js';

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
 * application sees the connection closed under it ("EOF", "server closed the connection").
 */
export interface WatchCatch {
  /** "w12": unique within a watch. */
  connectionId: string;
  how: 'reset' | 'fin';
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
}

export interface WatchCounts {
  /** Connections seen (their SYN-ACK or any packet of theirs). */
  connections: number;
  resets: number;
  /** Connections the target closed with a FIN. */
  closed: number;
  /** Of those, closed by a FIN from a device on the path (caught, like resets). */
  pathCloses: number;
  /** Open when last seen. */
  open: number;
  /** Forgotten to stay within the bounds (the oldest idle connections first). */
  evicted: number;
  /**
   * The longest silence from the target that a connection came through (more of its packets followed):
   * an idle timeout, if there is one, is longer. Capture only; 0 when none was seen.
   */
  longestSurvivedIdleMs: number;
  /** Per program that held connections (when the socket table named it): its connections and resets. */
  programs: Record<string, { connections: number; resets: number }>;
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
}

/** What the catches have in common, each with the sentence an engineer can check against them. */
export type WatchPattern =
  /**
   * Every reset after the same idle time; or, at varied idle times (a client idling at random), every
   * reset after a longer silence than any connection came through: then `lower` is that silence and
   * `seconds` the shortest idle that was reset.
   */
  | { kind: 'after-idle'; seconds: number; lower: number | null; text: string }
  | { kind: 'periodic'; seconds: number; text: string }
  | { kind: 'one-sender'; origin: Origin; hop: number | null; text: string }
  | { kind: 'one-program'; program: string; text: string };

/** One slice of the watch's time: what happened to the connections within it. */
export interface WatchSlice {
  /** Watch clock, ms, where the slice starts; it lasts the timeline's sliceMs. */
  at: number;
  opened: number;
  closed: number;
  resets: number;
  /** The most connections open at once, as sampled within the slice. */
  open: number;
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
}
