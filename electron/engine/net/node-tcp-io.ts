import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { FailureInfo } from '../../shared/failure-info.js';
import type {
  ConnectionPhase,
  Conversation,
  ConversationEventKind,
  ConversationOutcome,
  ConversationRequest,
  TlsInfo,
} from './conversation-types.js';
import type { TcpIo } from './engine-io.js';
import { failureFromError } from './errno-failure.js';
import { HttpResponseReader } from './http-response-reader.js';
import type { SocketStateReader } from './socket-state-reader.js';

/** How often the socket's TCP state is read while an answer is awaited. */
const POLL_MS = 250;
/**
 * Retransmissions of an unacknowledged request that make it a drop: Linux sends them after about 0.2,
 * 0.6 and 1.4 s on a short path (the RTO doubles), so a drop is called within 1.5 s instead of a wait.
 */
const DROP_RETRANSMITS = 3;

/**
 * TCP, TLS and HTTP/1.1 over Node's sockets, recording when each thing happened and where it ended.
 * Connections get ids in the order they are opened (c1, c2, …), unique within the run.
 */
export function createNodeTcpIo(now: () => number, readState: SocketStateReader | null = null): TcpIo {
  let count = 0;
  return {
    converse: (request, signal) => new ConversationRun(`c${++count}`, request, signal, now, readState).run(),
  };
}

class ConversationRun {
  private readonly c: Conversation;
  private phase: ConnectionPhase = 'connect';
  private socket: Socket | null = null;
  private stream: Socket | TLSSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private finish: (() => void) | null = null;
  private reader = new HttpResponseReader();

  constructor(
    id: string,
    private readonly request: ConversationRequest,
    private readonly signal: AbortSignal,
    private readonly now: () => number,
    private readonly readState: SocketStateReader | null,
  ) {
    this.c = {
      id,
      address: request.address,
      port: request.port,
      localPort: null,
      localAddress: null,
      startedAt: now(),
      endedAt: 0,
      outcome: 'failed',
      phase: 'connect',
      failure: null,
      connectMs: null,
      tlsMs: null,
      firstByteMs: null,
      bytesSent: 0,
      bytesReceived: 0,
      tls: null,
      response: null,
      events: [],
      socketState: null,
    };
  }

  run(): Promise<Conversation> {
    return new Promise((resolve) => {
      this.finish = () => resolve(this.c);
      if (this.signal.aborted) return this.end('failed', { code: 'cancelled', message: 'cancelled' });
      this.signal.addEventListener('abort', this.onAbort, { once: true });
      this.event('connect-start');
      const socket = netConnect({
        host: this.request.address,
        port: this.request.port,
        family: this.request.family,
      });
      this.socket = socket;
      this.stream = socket;
      socket.setNoDelay(true);
      // The local port ties captured packets to this connection, even when the SYN is refused (and the
      // address it was sent from is what a support desk looks for in its logs).
      socket.once('connectionAttempt', () => setImmediate(() => this.readLocalEnd()));
      this.arm(this.request.connectTimeoutMs);
      socket.once('connect', () => this.onConnected());
      this.watch(socket);
    });
  }

  private readonly onAbort = () => this.end('failed', { code: 'cancelled', message: 'cancelled' });

  /** The socket's own end while it connects: Node gives localPort and localAddress only once connected. */
  private readLocalEnd() {
    if (this.c.localPort !== null || !this.socket) return;
    type Name = { port?: number; address?: string };
    const handle = (this.socket as unknown as { _handle?: { getsockname?(out: Name): number } })._handle;
    const out: Name = {};
    if (!handle?.getsockname || handle.getsockname(out) !== 0 || !out.port) return;
    this.c.localPort = out.port;
    this.c.localAddress = out.address ?? null;
  }

  private watch(stream: Socket | TLSSocket) {
    stream.on('error', (error) => this.onError(error));
    stream.on('end', () => this.onPeerClosed());
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  private onConnected() {
    this.readLocalEnd();
    this.c.localPort ??= this.socket?.localPort ?? null;
    this.c.localAddress ??= this.socket?.localAddress ?? null;
    this.c.connectMs = this.event('connected') - this.c.startedAt;
    if (!this.request.tls) return this.afterHandshake();
    this.phase = 'tls';
    this.arm(this.request.responseTimeoutMs);
    const tlsStarted = this.now();
    const servername = this.request.tls.servername;
    const secure = tlsConnect({
      socket: this.socket!,
      ...(servername ? { servername } : {}),
      // Certificate problems are findings for the report, not reasons to stop looking at the reset.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    this.stream = secure;
    this.socket!.removeAllListeners('data');
    this.watch(secure);
    secure.once('secureConnect', () => {
      this.c.tlsMs = this.event('tls-done') - tlsStarted;
      this.c.tls = tlsInfo(secure, servername ?? null);
      this.afterHandshake();
    });
  }

  private afterHandshake() {
    const idle = this.request.idleBeforeSendMs ?? 0;
    if (idle > 0) {
      this.phase = 'idle';
      this.arm(idle, () => this.send());
      return;
    }
    this.send();
  }

  private send() {
    const { send, readUntil } = this.request;
    if (send) {
      this.phase = 'request';
      this.stream!.write(send);
      this.c.bytesSent += Buffer.byteLength(send);
      this.event('sent', Buffer.byteLength(send));
    }
    if (readUntil === 'none') return this.end('complete', null);
    if (readUntil === 'hold') {
      if (!send) this.phase = 'idle';
      this.arm(this.request.holdMs ?? 0, () => this.end('complete', null));
      return;
    }
    this.awaitAnswer();
  }

  /**
   * Waits for the first byte of the answer. A server that acknowledged the request and says nothing is
   * processing it: wait up to answerWaitMs. A request never acknowledged and retransmitted is being
   * dropped: stop early. The socket's TCP state (no privilege needed) tells the two apart.
   */
  private awaitAnswer() {
    const { answerWaitMs, responseTimeoutMs, stopWaiting } = this.request;
    const wait = Math.max(answerWaitMs ?? responseTimeoutMs, responseTimeoutMs);
    this.arm(wait);
    if (stopWaiting?.aborted) return this.stopWaiting();
    stopWaiting?.addEventListener('abort', this.stopWaiting, { once: true });
    if (this.readState && this.c.localPort !== null && wait > responseTimeoutMs) void this.poll();
  }

  private readonly stopWaiting = () => {
    this.event('timeout', undefined, 'stopped waiting');
    this.end('timeout', {
      code: 'generic_timeout',
      message: `stopped waiting for the answer after ${Math.round(this.now() - this.sentAt())} ms during ${this.phase}`,
    });
  };

  private sentAt(): number {
    return this.c.events.findLast((e) => e.kind === 'sent')?.at ?? this.c.startedAt;
  }

  private async poll() {
    let acked = false;
    let retransmits = 0;
    while (this.finish && this.c.bytesReceived === 0) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!this.finish || this.c.bytesReceived > 0) return;
      const state = await this.readState!(
        { localPort: this.c.localPort!, address: this.c.address, port: this.c.port },
        this.signal,
      );
      if (!state || !this.finish || this.c.bytesReceived > 0) continue;
      this.c.socketState = state;
      this.request.onSocketState?.(state);
      if (state.retransmits > retransmits) {
        retransmits = state.retransmits;
        this.event('retransmit', undefined, `${retransmits} retransmitted`);
      }
      if (!acked && state.unacked === 0) {
        acked = true;
        this.event('acked', state.bytesAcked, 'the server acknowledged the request');
      }
      if (state.unacked > 0 && retransmits >= DROP_RETRANSMITS) {
        this.event('timeout', undefined, this.phase);
        return this.end('timeout', {
          code: 'generic_timeout',
          message: `the request was never acknowledged: retransmitted ${retransmits} times in ${Math.round(state.at - this.sentAt())} ms`,
        });
      }
    }
  }

  private onData(chunk: Buffer) {
    if (this.c.bytesReceived === 0) {
      this.c.firstByteMs = this.event('first-byte', chunk.length) - this.c.startedAt;
      if (this.phase === 'request') this.phase = 'response';
    }
    this.c.bytesReceived += chunk.length;
    if (this.request.readUntil !== 'http-response') return;
    const hadHead = this.reader.headComplete;
    const complete = this.reader.push(chunk);
    if (!hadHead && this.reader.headComplete) {
      this.c.response = this.reader.head;
      this.event('headers');
      this.phase = 'transfer';
    }
    if (complete || this.c.bytesReceived >= (this.request.maxResponseBytes ?? 4 * 1024 * 1024)) {
      this.event('response-complete', this.c.bytesReceived);
      return this.end('complete', null);
    }
    // An inactivity timeout: a slow but moving transfer is not a stall.
    this.arm(this.request.responseTimeoutMs);
  }

  private onPeerClosed() {
    this.event('fin');
    if (this.request.readUntil === 'http-response' && this.reader.endsAtClose) {
      this.event('response-complete', this.c.bytesReceived);
      return this.end('complete', null);
    }
    this.end('closed', {
      code: 'connection_closed',
      message: `the peer closed the connection during ${this.phase}`,
    });
  }

  private onError(error: Error) {
    const failure = failureFromError(error);
    if (failure.code === 'connection_refused') return this.end('refused', failure);
    if (failure.code === 'connection_reset') {
      this.event('reset', undefined, (error as NodeJS.ErrnoException).code);
      return this.end('reset', failure);
    }
    if (failure.code === 'host_unreachable' || failure.code === 'network_unreachable') {
      return this.end('unreachable', failure);
    }
    if (failure.code === 'generic_timeout') return this.end('timeout', failure);
    this.event('error', undefined, failure.message);
    this.end('failed', failure);
  }

  /** One timer at a time: its expiry is either the next step or a timeout in the current phase. */
  private arm(ms: number, onExpiry?: () => void) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (onExpiry) return onExpiry();
      this.event('timeout', undefined, this.phase);
      this.end('timeout', {
        code: 'generic_timeout',
        message: `no answer within ${ms} ms during ${this.phase}`,
      });
    }, ms);
  }

  private event(kind: ConversationEventKind, bytes?: number, detail?: string): number {
    const at = this.now();
    this.c.events.push({
      at,
      kind,
      ...(bytes !== undefined ? { bytes } : {}),
      ...(detail ? { detail } : {}),
    });
    return at;
  }

  private end(outcome: ConversationOutcome, failure: FailureInfo | null) {
    if (!this.finish) return;
    const finish = this.finish;
    this.finish = null;
    if (this.timer) clearTimeout(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
    this.request.stopWaiting?.removeEventListener('abort', this.stopWaiting);
    this.c.outcome = outcome;
    this.c.failure = failure;
    this.c.phase = this.phase;
    this.c.endedAt = this.now();
    this.stream?.removeAllListeners('data');
    // Keep a listener: a late error after we are done must not crash the process.
    this.stream?.on('error', () => undefined);
    this.socket?.on('error', () => undefined);
    this.stream?.destroy();
    this.socket?.destroy();
    finish();
  }
}

function tlsInfo(secure: TLSSocket, servername: string | null): TlsInfo {
  const cert = secure.getPeerCertificate();
  const cipher = secure.getCipher();
  const name = (entity: Record<string, string | string[]> | undefined) =>
    entity
      ? Object.entries(entity)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
          .join(', ')
      : null;
  return {
    protocol: secure.getProtocol() ?? null,
    cipher: cipher?.name ?? null,
    servername,
    alpn: typeof secure.alpnProtocol === 'string' ? secure.alpnProtocol : null,
    authorized: secure.authorized,
    certificateError: secure.authorizationError ? String(secure.authorizationError) : null,
    subject: name(cert?.subject as unknown as Record<string, string>),
    issuer: name(cert?.issuer as unknown as Record<string, string>),
    validTo: cert?.valid_to ?? null,
  };
}
