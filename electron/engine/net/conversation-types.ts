import type { FailureInfo } from '../../shared/failure-info.js';

/** Where a connection was when it ended; the report's vocabulary for "when did the reset happen". */
export type ConnectionPhase = 'connect' | 'tls' | 'request' | 'response' | 'transfer' | 'idle';

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
}

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

export type ConversationEventKind =
  | 'connect-start'
  | 'connected'
  | 'tls-done'
  | 'sent'
  | 'first-byte'
  | 'headers'
  | 'response-complete'
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
  address: string;
  port: number;
  localPort: number | null;
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
}
