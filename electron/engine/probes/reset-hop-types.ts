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
  /** The run connection whose reset was replayed ("request"). */
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
