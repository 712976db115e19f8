import type { FailureCode } from '../../electron/shared/failure-info.js';
import type { DiagnosisFacts } from '../../electron/engine/diagnosis/diagnosis-facts.js';
import type { ResetVerdict } from '../../electron/engine/forensics/reset-origin.js';
import type { Conversation, ConversationEvent } from '../../electron/engine/net/conversation-types.js';
import { parseTarget } from '../../electron/engine/parsers/target-parser.js';
import type { IdleData } from '../../electron/engine/probes/idle-probe.js';
import type { PathMtuData } from '../../electron/engine/probes/path-mtu-probe.js';
import type { PingData } from '../../electron/engine/probes/ping-probe.js';
import { patternOf, type RepeatAttempt } from '../../electron/engine/probes/request-repeat-probe.js';
import { SERVER } from './fake-io.js';

/**
 * Facts for diagnosis specs: a run that found nothing (every probe's data null, capture on, nothing
 * cancelled), with the given probes' data laid over it.
 */
export function facts(over: Partial<DiagnosisFacts> = {}): DiagnosisFacts {
  return {
    target: parseTarget('http://web.lab.test/'),
    dns: null,
    ping: null,
    trace: null,
    tcp: null,
    mtu: null,
    request: null,
    repeats: null,
    recovery: null,
    concurrency: null,
    rate: null,
    idle: null,
    rules: null,
    rulesUnread: null,
    logs: null,
    resetHop: null,
    resets: [],
    closes: [],
    captured: true,
    cancelled: false,
    unfinished: [],
    ...over,
  };
}

let made = 0;

const FAILURE: Record<Conversation['outcome'], FailureCode> = {
  complete: 'internal_error',
  refused: 'connection_refused',
  reset: 'connection_reset',
  closed: 'connection_closed',
  timeout: 'generic_timeout',
  unreachable: 'host_unreachable',
  failed: 'internal_error',
};

/**
 * One connection as the TCP I/O records it: connected at 1 ms, the request sent at 2 ms, then what
 * `end` says (ms after the start): answered, reset, closed or silent.
 */
export function conv(
  end: {
    outcome: Conversation['outcome'];
    at: number;
    bytes?: number;
    status?: number;
    phase?: Conversation['phase'];
  },
  over: Partial<Conversation> = {},
): Conversation {
  const events: ConversationEvent[] = [
    { at: 0, kind: 'connect-start' },
    { at: 1, kind: 'connected' },
    { at: 2, kind: 'sent', bytes: 80 },
  ];
  const bytes = end.bytes ?? (end.outcome === 'complete' ? 120 : 0);
  if (bytes > 0) events.push({ at: end.outcome === 'complete' ? end.at : 3, kind: 'first-byte', bytes });
  if (end.outcome === 'reset') events.push({ at: end.at, kind: 'reset' });
  if (end.outcome === 'closed') events.push({ at: end.at, kind: 'fin' });
  if (end.outcome === 'timeout') events.push({ at: end.at, kind: 'timeout' });
  const phase =
    end.phase ??
    (end.outcome === 'complete'
      ? 'transfer'
      : bytes > 0
        ? 'transfer'
        : end.outcome === 'refused'
          ? 'connect'
          : 'request');
  return {
    id: `c${++made}`,
    address: SERVER,
    port: 80,
    localPort: 40000 + made,
    startedAt: 0,
    endedAt: end.at,
    outcome: end.outcome,
    phase,
    failure: end.outcome === 'complete' ? null : { code: FAILURE[end.outcome], message: end.outcome },
    connectMs: end.outcome === 'refused' ? null : 1,
    tlsMs: null,
    firstByteMs: bytes > 0 ? 3 : null,
    bytesSent: 80,
    bytesReceived: bytes,
    tls: null,
    response:
      end.outcome === 'complete' || bytes > 0
        ? { statusCode: end.status ?? 200, statusLine: `HTTP/1.1 ${end.status ?? 200}`, headers: {} }
        : null,
    events,
    socketState: null,
    ...over,
  };
}

/** The connect probe's data: the first attempt held, or ended as given. */
export function tcpData(first: Conversation): DiagnosisFacts['tcp'] {
  return { address: SERVER, port: 80, attempts: [first], connectStats: null };
}

export function requestData(c: Conversation, control: Conversation | null = null): DiagnosisFacts['request'] {
  return { protocol: 'http', requestLine: 'GET / HTTP/1.1', conversation: c, waitSeconds: 30, control };
}

/** A captured reset of one connection, judged as sent by `origin`. */
export function judged(
  c: Conversation,
  origin: ResetVerdict['origin'],
  over: Partial<ResetVerdict> = {},
): ResetVerdict {
  return {
    connection: 'request',
    connectionId: c.id,
    role: 'request',
    at: c.endedAt,
    family: 4,
    ttl: origin === 'path' ? 63 : 61,
    ipId: 0,
    window: 0,
    flags: 'RA',
    optionsLength: 0,
    phase: c.phase,
    hopsAway: origin === 'path' ? 1 : 3,
    origin,
    hop: origin === 'path' ? 2 : null,
    reason: origin === 'path' ? 'TTL 63 is nearer than the server' : 'TTL 61 matches the server',
    signals: [],
    confidence: 1,
    senderState: origin === 'server' ? 'aborted' : null,
    afterOwnClose: false,
    ...over,
  };
}

export function pingData(lossPercent = 0): PingData {
  const sent = 20;
  const received = Math.round(sent * (1 - lossPercent / 100));
  return {
    address: SERVER,
    method: 'net-ping',
    sent,
    received,
    lossPercent,
    rttsMs: [],
    stats: { minMs: 0.3, avgMs: 0.4, maxMs: 0.6, stddevMs: 0.1 },
    replyTtl: 61,
    unreachableFrom: [],
  };
}

/** A request never acknowledged, retransmitted three times, then given up: its packets lost on the way. */
export function droppedRequest(): Conversation {
  return conv(
    { outcome: 'timeout', at: 1500 },
    {
      socketState: {
        at: 1500,
        unacked: 1,
        retransmits: 3,
        bytesSent: 80,
        bytesAcked: 0,
        bytesReceived: 0,
        rttMs: 0.3,
      },
    },
  );
}

/** The request and its repeats (one after another, then `parallel` together), in the server's order. */
export function requestsData(list: Conversation[], parallel: Conversation[] = []): Partial<DiagnosisFacts> {
  const [first, ...rest] = list;
  const attempts: RepeatAttempt[] = [
    ...rest.map((c, i) => ({ order: i + 2, mode: 'sequential' as const, conversation: c })),
    ...parallel.map((c, i) => ({ order: rest.length + 2 + i, mode: 'parallel' as const, conversation: c })),
  ];
  return {
    tcp: tcpData(conv({ outcome: 'complete', at: 300, bytes: 0 })),
    request: requestData(first!),
    repeats: { attempts, pattern: patternOf(first!, attempts), bounded: null },
  };
}

/** An idle test that measured ≈ 3.6 s (between 2 s and 4 s), on the path unless `over` says otherwise. */
export function idleData(over: Partial<IdleData> = {}): IdleData {
  return {
    maxSeconds: 8,
    trials: [],
    rounds: [],
    lowerSeconds: 2,
    upperSeconds: 4,
    idleTimeoutSeconds: 3.6,
    precisionSeconds: 0.3,
    side: 'path',
    searchSeconds: 8,
    naive: { stepSeconds: 1, tries: 4, waitSeconds: 10 },
    ...over,
  };
}

/** A path MTU of 1280 found exactly, the kernel having forgotten it. */
export function mtuData(over: Partial<PathMtuData> = {}): PathMtuData {
  return {
    address: '198.18.4.2',
    method: 'net-ping',
    attempts: [],
    largestPassing: 1280,
    smallestFailing: 1281,
    pathMtu: 1280,
    exact: true,
    reportedMtu: 1280,
    announcedBy: '198.18.2.1',
    verdict: 'pmtud-works',
    hops: [],
    location: null,
    kernelMtu: 'forgotten',
    ...over,
  };
}
