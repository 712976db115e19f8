import type { FailureInfo } from './failure-info.js';

// The data of the probes the faces read, path and connections (resets and replays: reset-data-info.ts).
// The engine's probes declare their data with these types; the wizard and the exported reports read the
// same shapes back from a report's `unknown` data through probe-data-decode.ts. Types only: the renderer
// imports this file.

// ── The path: DNS, traceroute, ping ─────────────────────────────────────────────────────────────────

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface DnsData {
  host: string;
  addresses: ResolvedAddress[];
  durationMs: number;
  /** True when the target is an IP literal and nothing was looked up. */
  literal: boolean;
  failure: FailureInfo | null;
}

export interface Hop {
  ttl: number;
  /** Who answered at this TTL (the most frequent responder); null for a silent hop. */
  address: string | null;
  rttMs: number | null;
  rttsMs: (number | null)[];
  lossPercent: number;
  kind: 'router' | 'destination' | 'unreachable' | 'silent';
}

export interface TracerouteData {
  address: string;
  method: string;
  hops: Hop[];
  reached: boolean;
  /** TTL at which the destination answered: the path length in hops. */
  destinationHop: number | null;
  unreachableAt: number | null;
}

/** A traceroute answer as it arrives: the `partial` of the traceroute probe's progress, for the live picture. */
export interface TracerouteProgress {
  ttl: number;
  from: string | null;
  rttMs: number;
}

export interface RttStats {
  minMs: number;
  avgMs: number;
  maxMs: number;
  stddevMs: number;
}

export interface PingData {
  address: string;
  method: string;
  sent: number;
  received: number;
  lossPercent: number;
  /** Per echo in order; null for a lost one. Sub-millisecond, from the high-resolution clock. */
  rttsMs: (number | null)[];
  stats: RttStats | null;
  /** TTL of the replies, when the method sees it (the server's own packets, for the TTL comparison). */
  replyTtl: number | null;
  /** Routers that answered with ICMP unreachable instead. */
  unreachableFrom: string[];
}

/** A ping answer as it arrives: the `partial` of the ping probe's progress (rttMs null: lost). */
export interface PingProgress {
  seq: number;
  rttMs: number | null;
}

// ── Connections: every connection of the run as a timeline (the packet-capture probe) ────────────────

/** Where a connection was when it ended; the report's vocabulary for "when did the reset happen". */
export type ConnectionPhase = 'connect' | 'tls' | 'request' | 'response' | 'transfer' | 'idle';

/** How one of this tool's connections ended. */
export type ConversationOutcome =
  /** Everything asked for happened. */
  | 'complete'
  /** The SYN was answered with a reset. */
  | 'refused'
  /** An established connection was reset. */
  | 'reset'
  /** The peer closed the connection (FIN) before the exchange was complete. */
  | 'closed'
  | 'timeout'
  | 'unreachable'
  | 'failed';

/** What a connection was for: the diagnosis weighs a reset by what the connection was doing. */
export type ConnectionRole =
  | 'connect'
  | 'request'
  | 'repeat'
  | 'control'
  | 'rate'
  | 'concurrency'
  | 'idle'
  | 'recovery'
  /** A connection of any program on this machine, caught by `watch`. */
  | 'watched';

/**
 * 'stopped': Reset Doctor closed it itself, no longer needed (an idle trial whose answer a shorter gap
 * already gave, a cancelled run): it did not end badly.
 */
export type ConnectionEndHow =
  'reset' | 'fin' | 'complete' | 'timeout' | 'unreachable' | 'failed' | 'stopped';

export type TimelineKind =
  'syn' | 'syn-ack' | 'ack' | 'data' | 'fin' | 'rst' | 'client-hello' | 'request' | 'event' | 'idle';

/** One thing that happened on a connection: a packet we sent or received, an event, or a silence. */
export interface TimelineEntry {
  /** Run clock, in milliseconds. */
  at: number;
  direction: 'sent' | 'received' | 'event' | 'idle';
  kind: TimelineKind;
  /** Readable: "SYN", "SYN-ACK", "ACK", "1448 bytes", "RST", "FIN", "request 78 bytes", "idle 7.0 s". */
  what: string;
  /** Payload bytes of a data packet or of the request. */
  bytes?: number;
  /** For an idle entry: how long nothing happened. */
  ms?: number;
  /** TCP flags of a captured packet as tcpdump letters, for whoever wants to check. */
  flags?: string;
  ttl?: number | null;
  ipId?: number | null;
  window?: number;
}

/** How a connection ended, and for a RST or FIN, when and as what it arrived. */
export interface ConnectionEnd {
  how: ConnectionEndHow;
  /** Run clock, in milliseconds: the captured RST or FIN when there is one, else what the application saw. */
  at: number;
  /** Milliseconds after the connection started. */
  afterMs: number;
  /**
   * The source address the captured RST or FIN carries (a device that forges a reset uses the server's
   * address too: who really sent it is the reset-origin probe's verdict) and its TTL.
   */
  from: string | null;
  ttl: number | null;
  /** The RST or FIN itself was captured; false when only the application saw it. */
  captured: boolean;
}

export interface ConnectionStory {
  timeline: TimelineEntry[];
  end: ConnectionEnd;
  /** Where the connection was when it ended, read from the timeline. */
  endPhase: ConnectionPhase;
  bytesSent: number;
  /** Response bytes the application read before the end. */
  bytesReceived: number;
  /** Payload bytes of the captured packets before the end (TLS records included); null without capture. */
  bytesCaptured: number | null;
  /** The end in one sentence: "reset after 8,192 bytes of the response (transfer), 0.4 ms after the last data". */
  afterWhat: string;
}

export interface CapturedConnection extends ConnectionStory {
  /** The connection's id ("c7", unique within a run): reset verdicts name it in `connectionId`. */
  id: string;
  role: ConnectionRole;
  /** The connection's label for people ("request", "concurrency #3"); for display, not for joining. */
  connection: string;
  /** The server end of this connection: the address the probe really talked to. */
  address: string;
  port: number;
  localPort: number | null;
  /** The address this machine connected from; absent in reports older than it, null when never known. */
  localAddress?: string | null;
  outcome: string;
  /** The phase the probe's socket was in when it ended; endPhase is what the timeline shows. */
  phase: string;
}

export interface PacketCaptureData {
  note: string;
  /** False when packets could not be captured: the timelines then hold only the probes' own events. */
  captured: boolean;
  packetCount: number;
  connections: CapturedConnection[];
}

// ── The longest waits: the idle search and the rate ramp (their pictures) ────────────────────────────

export type IdleResult =
  /** The request sent after the gap was answered. */
  | 'survived'
  /** The other side ended the connection during the gap, with nothing sent: it closes idle connections by itself. */
  | 'closed-by-peer'
  /** The first packet after the gap was answered with a reset (or a close): the connection had been forgotten. */
  | 'reset-on-send'
  /** The first packet after the gap got no answer at all: forgotten and dropped silently. */
  | 'no-answer'
  /** Something else went wrong (the connection did not open): says nothing about the gap. */
  | 'failed'
  /** Stopped: a shorter gap of the same round had already failed, or the run was cancelled. */
  | 'stopped';

/** One connection of the idle search (the engine's IdleTrial adds the conversation). */
export interface IdleTrialInfo {
  /** 1 for the first round of parallel connections, 2 for the one that narrows it, … */
  round: number;
  gapSeconds: number;
  result: IdleResult;
  /** For closed-by-peer: seconds of idle (after the handshake) when the close arrived. */
  closedAfterSeconds: number | null;
  /** How long it really sat idle: until the request left (a busy machine fires timers late) or the peer closed it. */
  idleSeconds: number | null;
}

/** The idle search as its picture reads it (the engine's IdleData adds rounds, timing and conversations). */
export interface IdleSearchInfo {
  maxSeconds: number;
  trials: IdleTrialInfo[];
  /** Longest gap that survived below the first failure. */
  lowerSeconds: number | null;
  /** Shortest idle time that failed: a gap whose next packet was reset or unanswered, or the idle time at which the server closed. */
  upperSeconds: number | null;
  idleTimeoutSeconds: number | null;
  /** ± around idleTimeoutSeconds: half the final bracket, or half the spread of the server's measured closes. */
  precisionSeconds: number | null;
  /** Who forgot the connection: the server closes by itself; a middlebox only resets when the next packet arrives. */
  side: 'server' | 'path' | null;
}

/** One rate of the new-connection ramp and what its connections met. */
export interface RateStep {
  rate: number;
  attempts: number;
  established: number;
  refused: number;
  /** Reset or closed by the peer right after the handshake. */
  reset: number;
  timedOut: number;
}
