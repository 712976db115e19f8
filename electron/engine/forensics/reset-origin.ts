import type { ConnectionRole } from '../../shared/probe-data-info.js';
import type {
  CloseVerdict,
  ResetSignal,
  ResetVerdict,
  ServerReference,
} from '../../shared/reset-data-info.js';
import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation } from '../net/conversation-types.js';
import {
  corroboratingSignals,
  handshakeRttMs,
  senderShape,
  serverBefore,
  tally,
  type SignalContext,
} from './reset-signals.js';

import { routers } from '../../shared/reset-words.js';

export { routers };

// The verdicts are declared with the report's data (the faces read them too); the diagnosis and the
// probes read them from here.
export type { ConnectionRole } from '../../shared/probe-data-info.js';
export type { ResetVerdict, ServerReference } from '../../shared/reset-data-info.js';

/** A connection some probe made, named for the report ("request", "concurrency #3"). */
export interface LabeledConversation {
  label: string;
  role: ConnectionRole;
  conversation: Conversation;
}

/** Senders start from 64 (Linux, macOS), 128 (Windows) or 255 (many routers). */
export function initialTtl(ttl: number): number {
  return ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

export function hopsAway(ttl: number): number {
  return initialTtl(ttl) - ttl;
}

export const AFTER_OWN_CLOSE =
  'after this tool had closed the connection, its exchange complete (it reached no application, not counted)';

/** The resets the run met: those after our own close of a finished exchange are only reported. */
export function countedResets(resets: ResetVerdict[]): ResetVerdict[] {
  return resets.filter((r) => !r.afterOwnClose);
}

export function packetsOf(c: Conversation, packets: CapturedPacket[]): CapturedPacket[] {
  return packets.filter(
    (p) =>
      p.tcp !== undefined &&
      p.src === c.address &&
      p.tcp.srcPort === c.port &&
      (c.localPort !== null ? p.tcp.dstPort === c.localPort : p.at >= c.startedAt && p.at <= c.endedAt + 50),
  );
}

/** The server's distance, from its own packets first (a SYN-ACK), then echo replies, then the trace. */
export function serverReference(
  address: string,
  packets: CapturedPacket[],
  echoReplyTtl: number | null,
  destinationHop: number | null,
): ServerReference | null {
  const synAck = packets.find(
    (p) => p.src === address && p.tcp?.flags.includes('S') && p.tcp.flags.includes('A') && p.ttl !== null,
  );
  if (synAck?.ttl) return { hopsAway: hopsAway(synAck.ttl), ttl: synAck.ttl, source: 'syn-ack' };
  const echo =
    packets.find((p) => p.src === address && p.icmp?.type === 0 && p.ttl !== null)?.ttl ?? echoReplyTtl;
  if (echo) return { hopsAway: hopsAway(echo), ttl: echo, source: 'echo-reply' };
  if (destinationHop !== null) return { hopsAway: destinationHop - 1, ttl: null, source: 'traceroute' };
  return null;
}

/**
 * Judges every captured reset by its TTL against the server's own packets (a device on the path that
 * forges a reset sits fewer hops away than the server, so its reset arrives with a higher TTL), then
 * by the other signals of reset-signals.ts.
 */
export function judgeResets(
  conversations: LabeledConversation[],
  packets: CapturedPacket[],
  reference: ServerReference | null,
): ResetVerdict[] {
  const verdicts: ResetVerdict[] = [];
  const rtts = roundTrips(conversations, packets);
  for (const { label, role, conversation } of conversations) {
    const own = packetsOf(conversation, packets);
    const context: SignalContext = { conversation, rttMs: rtts.get(conversation.address) ?? null };
    const synAck = own.find((p) => p.tcp!.flags.includes('S'));
    // Within one connection the SYN-ACK is the best reference: same server, same path.
    const ref: ServerReference | null = synAck?.ttl
      ? { hopsAway: hopsAway(synAck.ttl), ttl: synAck.ttl, source: 'syn-ack' }
      : reference;
    for (const p of own.filter((q) => q.tcp!.flags.includes('R'))) {
      const verdict = withSignals(
        judge({ label, role, conversation }, p, ref, synAck === undefined),
        p,
        own,
        context,
      );
      // A reset after our own close of a finished exchange (a reordered handshake ACK reaching a server
      // that had already closed, say) hit nothing: healthy must survive it.
      const afterOwnClose = conversation.outcome === 'complete' && p.at > conversation.endedAt;
      verdicts.push(
        afterOwnClose
          ? { ...verdict, afterOwnClose, reason: `${AFTER_OWN_CLOSE}; ${verdict.reason}` }
          : verdict,
      );
    }
  }
  return verdicts.sort((a, b) => a.at - b.at);
}

/**
 * The FINs that ended connections early (the peer closed before the exchange was complete), judged by
 * their TTL against the connection's own SYN-ACK, as a reset's TTL is.
 */
export function judgeCloses(
  conversations: LabeledConversation[],
  packets: CapturedPacket[],
  reference: ServerReference | null,
): CloseVerdict[] {
  const verdicts: CloseVerdict[] = [];
  for (const { label, role, conversation } of conversations.filter(
    (c) => c.conversation.outcome === 'closed',
  )) {
    const own = packetsOf(conversation, packets);
    const synAck = own.find((p) => p.tcp!.flags.includes('S'));
    const ref: ServerReference | null = synAck?.ttl
      ? { hopsAway: hopsAway(synAck.ttl), ttl: synAck.ttl, source: 'syn-ack' }
      : reference;
    const fin = own.find((p) => p.tcp!.flags.includes('F'));
    if (!fin) continue;
    const v = judge({ label, role, conversation }, fin, ref, false);
    verdicts.push({
      connection: v.connection,
      connectionId: v.connectionId,
      role: v.role,
      at: v.at,
      ttl: v.ttl,
      hopsAway: v.hopsAway,
      origin: v.origin,
      hop: v.hop,
      reason: v.reason,
    });
  }
  return verdicts.sort((a, b) => a.at - b.at);
}

/**
 * One FIN judged as a reset is, for the places that list them together (a watch's catches): its TTL
 * against the reference is its only signal, since a close carries no other.
 */
export function judgeFin(
  c: LabeledConversation,
  fin: CapturedPacket,
  ref: ServerReference | null,
): ResetVerdict {
  const v = judge(c, fin, ref, false);
  const named = v.origin !== 'unknown' && v.hopsAway !== null;
  return {
    ...v,
    signals: named
      ? [{ name: 'ttl', vote: v.origin === 'path' ? 'path' : 'server', weight: 3, detail: v.reason }]
      : [],
    confidence: named ? 1 : 0,
    senderState: null,
    afterOwnClose: false,
  };
}

/**
 * The shortest handshake to each server in the run: the least delayed by the event loop. One handshake
 * alone is not trusted (the first of a lab run took 9 ms against 0.4 ms for the next ones).
 */
function roundTrips(conversations: LabeledConversation[], packets: CapturedPacket[]): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (const { conversation: c } of conversations) {
    const rtt = handshakeRttMs(c, packetsOf(c, packets));
    if (rtt !== null) samples.set(c.address, [...(samples.get(c.address) ?? []), rtt]);
  }
  const rtts = new Map<string, number>();
  for (const [address, ms] of samples) if (ms.length >= 2) rtts.set(address, Math.min(...ms));
  return rtts;
}

type TtlVerdict = Omit<ResetVerdict, 'signals' | 'confidence' | 'senderState' | 'afterOwnClose'>;

/**
 * TTL names the hop; the other signals corroborate or overrule it. A path device that forges the
 * server's TTL is still caught when its RST comes sooner than the server could answer, or when the
 * server keeps talking after "its" reset. Without a TTL (IPv6) the other signals decide when they
 * add up to more than one weak hint.
 */
function withSignals(
  ttlVerdict: TtlVerdict,
  rst: CapturedPacket,
  own: CapturedPacket[],
  context: SignalContext,
): ResetVerdict {
  const shape = senderShape(rst, serverBefore(own, rst)).state;
  const verdict = {
    ...ttlVerdict,
    senderState: ttlVerdict.origin === 'server' ? shape : null,
    afterOwnClose: false,
  };
  const signals: ResetSignal[] = [];
  if (verdict.hopsAway !== null && verdict.origin !== 'unknown') {
    signals.push({
      name: 'ttl',
      vote: verdict.origin === 'path' ? 'path' : 'server',
      weight: 3,
      detail: verdict.reason,
    });
  }
  signals.push(...corroboratingSignals(rst, own, context));
  const { vote, confidence } = tally(signals);
  if (vote === 'neutral') return { ...verdict, signals, confidence: 0 };
  const behind = signals.filter((s) => s.vote === vote).reduce((n, s) => n + s.weight, 0);
  // Without TTL evidence, one weak hint is not enough to name a side.
  if (verdict.origin === 'unknown' && behind < 1) return { ...verdict, signals, confidence: 0 };
  if (vote === verdict.origin) return { ...verdict, signals, confidence: round(confidence) };
  const overruled = signals
    .filter((s) => s.vote === vote)
    .map((s) => s.detail)
    .join('; ');
  return {
    ...verdict,
    origin: vote,
    hop: vote === 'path' ? verdict.hop : null,
    // Keep saying why the TTL could not decide (no hop limit for IPv6); a TTL that was outvoted is in the signals.
    reason: verdict.origin === 'unknown' ? `${verdict.reason}; ${overruled}` : overruled,
    signals,
    confidence: round(confidence),
    senderState: vote === 'server' ? shape : null,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

const SOURCE_WORDS: Record<ServerReference['source'], string> = {
  'syn-ack': 'SYN-ACK',
  'echo-reply': 'echo replies',
  traceroute: 'distance from traceroute',
};

function judge(
  { label, role, conversation: c }: LabeledConversation,
  p: CapturedPacket,
  ref: ServerReference | null,
  toSyn: boolean,
): TtlVerdict {
  const tcp = p.tcp!;
  const base = {
    connection: label,
    connectionId: c.id,
    role,
    at: p.at,
    family: p.family,
    ttl: p.ttl,
    ipId: p.ipId,
    window: tcp.window,
    flags: tcp.flags,
    optionsLength: tcp.optionsLength,
    phase: toSyn ? 'connect' : c.phase,
    hopsAway: p.ttl === null ? null : hopsAway(p.ttl),
  };
  if (p.ttl === null || ref === null) {
    return {
      ...base,
      origin: 'unknown',
      hop: null,
      reason:
        p.ttl !== null
          ? 'no packet of the server to compare with'
          : p.family === 6
            ? 'no hop limit captured (IPv6)'
            : 'no TTL captured',
    };
  }
  const hops = hopsAway(p.ttl);
  const refText = `the server's ${SOURCE_WORDS[ref.source]} (${ref.ttl !== null ? `TTL ${ref.ttl}, ` : ''}${routers(ref.hopsAway)})`;
  if (hops === ref.hopsAway) {
    return {
      ...base,
      origin: 'server',
      hop: null,
      reason: `TTL ${p.ttl} (${routers(hops)}) matches ${refText}`,
    };
  }
  if (hops < ref.hopsAway) {
    return {
      ...base,
      origin: 'path',
      hop: hops + 1,
      reason: `TTL ${p.ttl} says it came from ${routers(hops)}, nearer than ${refText}: sent by hop ${hops + 1}`,
    };
  }
  return { ...base, origin: 'unknown', hop: null, reason: `TTL ${p.ttl} is farther than ${refText}` };
}
