import type { FailureInfo } from '../../shared/failure-info.js';
import type { ResolvedAddress } from '../../shared/probe-data-info.js';
import type { Conversation, ConversationRequest } from './conversation-types.js';

/**
 * All network and system I/O the probes do goes through this small interface, so a scenario can be
 * replayed in tests with recorded answers and the probes stay free of sockets and child processes.
 */
export interface EngineIo {
  dns: DnsIo;
  /** ICMP through raw sockets (net-ping); null without the privilege. */
  icmp: IcmpIo | null;
  tcp: TcpIo;
  system: SystemIo;
  /** TTL-limited replays inside a connection (raw sockets); absent or null without the privilege. */
  replay?: TtlReplayIo | null;
}

/** A failure with a name from the taxonomy. I/O implementations throw only these. */
export class NetError extends Error {
  constructor(readonly failure: FailureInfo) {
    super(failure.message);
    this.name = 'NetError';
  }
}

// Declared with the DNS probe's data, which the wizard reads.
export type { ResolvedAddress } from '../../shared/probe-data-info.js';

export interface DnsIo {
  /** The system resolver (getaddrinfo), every address. */
  lookup(host: string, signal: AbortSignal): Promise<ResolvedAddress[]>;
}

export interface EchoRequest {
  address: string;
  family: 4 | 6;
  ttl?: number;
  /** ICMP payload bytes. */
  size?: number;
  /** Set the IPv4 Don't Fragment bit (path MTU probing). */
  dontFragment?: boolean;
  timeoutMs: number;
}

export type EchoKind = 'reply' | 'time-exceeded' | 'unreachable' | 'too-big' | 'timeout' | 'error';

export interface EchoResult {
  kind: EchoKind;
  /** Who answered: the target for a reply, a router for time-exceeded or unreachable. */
  from: string | null;
  /** Measured with the high-resolution clock. */
  rttMs: number;
  /** TTL (hop limit) of the reply, when the implementation sees it. */
  replyTtl?: number;
  /** Path MTU a router reported (fragmentation needed), when known. */
  mtu?: number;
  message?: string;
}

export interface IcmpIo {
  /** 'net-ping' (raw sockets) or 'system-ping' (the ping tool, no privilege needed). */
  readonly method: string;
  echo(request: EchoRequest, signal: AbortSignal): Promise<EchoResult>;
  /**
   * Optional: `count` echoes alike (size, TTL, DF) `intervalMs` apart, in one go. The ping tool sends them from one process
   * where `echo` would start one per echo; null when this implementation cannot (the caller sends them
   * one by one instead).
   */
  series?(
    request: EchoRequest,
    count: number,
    intervalMs: number,
    signal: AbortSignal,
  ): Promise<EchoResult[] | null>;
  close(): void;
}

export interface TcpIo {
  converse(request: ConversationRequest, signal: AbortSignal): Promise<Conversation>;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SystemIo {
  /** Runs a system tool with execFile and an argument array: never a shell string. */
  run(
    file: string,
    args: string[],
    options: { timeoutMs: number; signal: AbortSignal },
  ): Promise<CommandResult>;
  /** The tool's path when it is installed, else null. */
  which(file: string): Promise<string | null>;
}

export interface ReplayRequest {
  address: string;
  port: number;
  family: 4 | 6;
  /** Bytes sent as one segment inside a freshly established connection, with this TTL (hop limit). */
  payload: Uint8Array;
  ttl: number;
  connectTimeoutMs: number;
  /** How long to wait for a reset, an ICMP time exceeded or the server's answer. */
  waitMs: number;
  /** Told the connection's local port once it is open, before the bytes go out (a watch ignores its own). */
  onConnected?: (localPort: number) => void;
}

export interface ReplayResult {
  outcome: 'reset' | 'time-exceeded' | 'answered' | 'silent' | 'failed';
  /** The router that sent time exceeded, or the source address of the reset. */
  from: string | null;
  /** TTL of the RST as captured (null for IPv6: no hop limit without ancillary data). */
  rstTtl: number | null;
  /** From sending the segment to the answer (or to giving up). */
  ms: number;
  detail?: string;
}

export interface TtlReplayIo {
  replay(request: ReplayRequest, signal: AbortSignal): Promise<ReplayResult>;
  close(): void;
}
