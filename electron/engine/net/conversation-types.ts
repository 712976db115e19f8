import type { FailureInfo } from '../../shared/failure-info.js';
import type { ConnectionPhase, ConversationOutcome } from '../../shared/probe-data-info.js';

// Declared with the probe data, where the report shows it; the socket code reads it from here.
export type { ConnectionPhase, ConversationOutcome } from '../../shared/probe-data-info.js';

export interface ConversationRequest {
  address: string;
  port: number;
  family: 4 | 6;
  /** Do a TLS handshake after connecting. servername is sent as SNI (omit it for IP literals). */
  tls?: { servername?: string };
  /** Stay idle this long after connecting (and TLS) before sending. */
  idleBeforeSendMs?: number;
  /** Bytes to send; none means connect only. */
  send?: string;
  /** 'http-response' reads one HTTP response; 'hold' keeps the connection open holdMs watching for a reset. */
  readUntil: 'none' | 'http-response' | 'hold';
  holdMs?: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** Stop reading after this many bytes of response. */
  maxResponseBytes?: number;
  /**
   * How long to wait for the first byte of the answer once the request is out, while the socket says the
   * server acknowledged it (it is processing the request); responseTimeoutMs when not given. A request
   * that is not acknowledged and has been retransmitted ends the wait early: its bytes are being dropped.
   */
  answerWaitMs?: number;
  /** Aborting it ends a wait early as a timeout (the probe has learned enough), not as a cancellation. */
  stopWaiting?: AbortSignal;
  /** Called with each reading of the socket's TCP state while the answer is awaited (live progress). */
  onSocketState?: (state: SocketState) => void;
}

/** The socket's own TCP state (Linux: TCP_INFO, as `ss -ti` prints it): what the kernel knows unprivileged. */
export interface SocketState {
  /** Run clock, in milliseconds. */
  at: number;
  /** Segments sent and not yet acknowledged. */
  unacked: number;
  /** Retransmissions so far on this connection. */
  retransmits: number;
  bytesSent: number;
  /** Bytes the peer acknowledged, SYN and FIN not counted. */
  bytesAcked: number;
  bytesReceived: number;
  /** Smoothed round trip, when the kernel has one. */
  rttMs: number | null;
}

export type ConversationEventKind =
  | 'connect-start'
  | 'connected'
  | 'tls-done'
  | 'sent'
  | 'first-byte'
  | 'headers'
  | 'response-complete'
  | 'acked'
  | 'retransmit'
  | 'fin'
  | 'reset'
  | 'timeout'
  | 'error';

export interface ConversationEvent {
  /** Run clock, in milliseconds. */
  at: number;
  kind: ConversationEventKind;
  bytes?: number;
  detail?: string;
}

export interface TlsInfo {
  protocol: string | null;
  cipher: string | null;
  servername: string | null;
  alpn: string | null;
  authorized: boolean;
  /** Why the certificate is not trusted (expired, self-signed, wrong name), recorded not thrown. */
  certificateError: string | null;
  subject: string | null;
  issuer: string | null;
  validTo: string | null;
}

export interface HttpResponseHead {
  statusCode: number;
  statusLine: string;
  headers: Record<string, string>;
}

export interface Conversation {
  /** Unique within a run ("c7"): reports join captured packets and resets to connections by it. */
  id: string;
  address: string;
  port: number;
  localPort: number | null;
  /**
   * The address this machine connected from (the socket's own end), for a provider's support desk to
   * find the connection in its logs; null or absent when the socket never had one.
   */
  localAddress?: string | null;
  startedAt: number;
  endedAt: number;
  outcome: ConversationOutcome;
  /** The phase the connection was in when it ended (or failed). */
  phase: ConnectionPhase;
  failure: FailureInfo | null;
  connectMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  bytesSent: number;
  bytesReceived: number;
  tls: TlsInfo | null;
  response: HttpResponseHead | null;
  events: ConversationEvent[];
  /** The last reading of the socket's TCP state while the answer was awaited; null when none was taken. */
  socketState?: SocketState | null;
}
