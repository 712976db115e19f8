import type { Origin } from './cause-info.js';
import type { ConnectionRole } from './probe-data-info.js';

// The data of the probes that judge resets, read by the faces: who sent each reset (reset-origin, from
// the packet forensics) and which hop resets (reset-hop, from TTL-limited replays). Declared here once
// for the engine and the faces, which read it back through reset-data-decode.ts. Types only.

// ── Who sent each reset (the reset-origin probe) ────────────────────────────────────────────────────

export type SignalVote = 'server' | 'path' | 'neutral';

export type SignalName = 'ttl' | 'ip-id' | 'options' | 'seq' | 'flags' | 'burst' | 'race' | 'after';

/** One independent reason to believe who sent a reset, as a network engineer would check it. */
export interface ResetSignal {
  name: SignalName;
  vote: SignalVote;
  /** How much this signal counts: arrival time most, then TTL, a burst and talk after the RST; the others corroborate. */
  weight: number;
  detail: string;
}

/**
 * The sender's TCP state, read from the RST's flags and sequence number (RFC 9293 §3.10.7.1): a kernel
 * answering a segment for which it holds no socket sends RST without ACK at the segment's acknowledgement
 * number (RST+ACK at sequence 0 for a SYN); a socket its application aborts sends RST+ACK.
 */
export type SenderState = 'no-socket' | 'aborted';

export interface ResetVerdict {
  /** The connection's label for people ("request", "repeat #3"); for display, not for joining. */
  connection: string;
  /** The connection's id (Conversation.id, CapturedConnection.id): what reports and the diagnosis join on. */
  connectionId: string;
  role: ConnectionRole;
  at: number;
  family: 4 | 6;
  /** Null for IPv6: the capture gets no hop limit there. */
  ttl: number | null;
  ipId: number | null;
  window: number;
  flags: string;
  optionsLength: number;
  /** Where the connection was when the reset came (connect for a reset answering the SYN). */
  phase: string;
  hopsAway: number | null;
  origin: Origin;
  /** Path device's hop number (1 = first router) when origin is path. */
  hop: number | null;
  reason: string;
  /** Every signal's vote, for the report; TTL counts most. */
  signals: ResetSignal[];
  /** Share of the signals' weight behind the origin, 0..1. */
  confidence: number;
  /**
   * When the server sent it: 'no-socket' when its kernel answered for a connection no socket held (RST
   * without ACK at our acknowledgement number, or RST+ACK seq 0 to a SYN), 'aborted' when the application
   * aborted an open socket (RST+ACK). Null when the reset is not the server's or its shape says neither.
   */
  senderState: SenderState | null;
  /**
   * It came after this tool had closed the connection, its exchange complete: it answered a late
   * segment of ours (a delayed ACK, a FIN) and reached no application. Kept for the report, never counted
   * as a reset the run met.
   */
  afterOwnClose: boolean;
}

/** Where the server's own packets come from: how many routers decrement their TTL on the way. */
export interface ServerReference {
  hopsAway: number;
  ttl: number | null;
  source: 'syn-ack' | 'echo-reply' | 'traceroute';
}

/**
 * Who sent the FIN that closed a connection early (a cut-off by FIN rather than RST), by its TTL alone:
 * a FIN carries none of the reset's other signals.
 */
export interface CloseVerdict {
  connection: string;
  connectionId: string;
  role: ResetVerdict['role'];
  at: number;
  ttl: number | null;
  hopsAway: number | null;
  origin: ResetVerdict['origin'];
  hop: number | null;
  reason: string;
}

export interface ResetOriginData {
  reference: ServerReference | null;
  resets: ResetVerdict[];
  /** FINs of connections the other end closed before the exchange was complete (newer reports only). */
  closes?: CloseVerdict[];
}

// ── Which hop resets (the reset-hop probe) ───────────────────────────────────────────────────────────

/** What one TTL-limited replay of the triggering bytes met. */
export type ReplayOutcome =
  /** A RST came back: the bytes reached whatever resets them. */
  | 'reset'
  /** A router answered ICMP time exceeded: the bytes expired before anything reset them. */
  | 'time-exceeded'
  /** The server acknowledged or answered the bytes. */
  | 'answered'
  /** Nothing came back in time. */
  | 'silent'
  | 'failed';

export interface ReplayAttempt {
  ttl: number;
  /** The bytes that met the reset, or a harmless control exchange of the same kind. */
  payload: 'trigger' | 'control';
  outcome: ReplayOutcome;
  /** Who answered: the router for time-exceeded, the claimed source for a reset. */
  from: string | null;
  /** TTL (hop limit) of the RST as it arrived, when captured. */
  rstTtl: number | null;
  ms: number;
}

/** Which hop resets: the triggering exchange replayed inside fresh connections with increasing TTL. */
export interface ResetHopData {
  /** The label of the run connection whose reset was replayed ("request"), for display. */
  connection: string;
  trigger: 'tls-client-hello' | 'http-request';
  /** In words: "TLS ClientHello with SNI blocked.lab.test", "GET /x HTTP/1.1 (Host web.lab.test)". */
  triggerText: string;
  attempts: ReplayAttempt[];
  /** Highest TTL whose bytes expired without a reset, and the lowest TTL whose bytes were reset. */
  lastPassingTtl: number | null;
  firstResetTtl: number | null;
  /** The control exchange at the full path length: reset too means the device resets any data, not this content. */
  controlOutcome: ReplayOutcome | null;
  /** The hop blamed (1 = first router), and its address from the replay's ICMP or the traceroute. */
  hop: number | null;
  hopAddress: string | null;
  /**
   * Whether the RST's own TTL said which end of the segment sent it. Without that (IPv6, a forged TTL)
   * `hop` is the last router known to forward the bytes, and the device may sit just after it.
   */
  exact: boolean;
  verdict: 'located' | 'server' | 'any-data' | 'not-reproduced';
  /** The finding in words an engineer can check. */
  reason: string;
}
