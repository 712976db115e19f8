import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation, ConversationEvent } from '../net/conversation-types.js';
import type { ResetSignal, SenderState, SignalVote } from '../../shared/reset-data-info.js';
import { isKernelAnswer, seqDistance, serverNextSeq } from './reset-sequence.js';

// Declared with the report's data (the faces read it too); the diagnosis reads it from here.
export type { SenderState } from '../../shared/reset-data-info.js';

/** What the signals read besides the captured packets. */
export interface SignalContext {
  /** Our side of the connection: when the SYN and our bytes left (we capture only incoming packets). */
  conversation: Conversation;
  /** Shortest handshake round trip to this server in the run (our SYN → its SYN-ACK), in ms. */
  rttMs: number | null;
}

const IP_ID_NEAR = 16;
/** Several RSTs this close together are one burst (DPI devices send theirs within a few ms). */
const BURST_MS = 10;
/** Below this round trip, event-loop jitter is as large as the difference the race test looks for. */
const RACE_MIN_RTT_MS = 2;
/** A handshake this slow may include a retransmitted SYN (Linux's first retransmission is after 1 s). */
const RACE_MAX_RTT_MS = 1000;
const RACE_SHARE = 0.5;

const isRst = (p: CapturedPacket) => p.tcp?.flags.includes('R') ?? false;
const hasAck = (p: CapturedPacket) => p.tcp?.flags.includes('A') ?? false;

/**
 * The signals besides TTL, from the connection's own packets and our side's timeline: IP ID, TCP
 * options, sequence number, flags, several RSTs at once, how soon the RST came after our last bytes,
 * and whether the server kept talking after it (an injected RST races the real answer).
 */
export function corroboratingSignals(
  rst: CapturedPacket,
  own: CapturedPacket[],
  context: SignalContext | null = null,
): ResetSignal[] {
  const before = serverBefore(own, rst);
  const after = own.filter((p) => p !== rst && p.at > rst.at && !isRst(p));
  return [
    ipIdSignal(rst, before),
    optionsSignal(rst, before),
    seqSignal(rst, before),
    senderShape(rst, before).signal,
    burstSignal(rst, own),
    context ? raceSignal(rst, context) : null,
    afterSignal(rst, after),
  ].filter((s): s is ResetSignal => s !== null);
}

/** The server's own segments (not resets) that came before this RST. */
export function serverBefore(own: CapturedPacket[], rst: CapturedPacket): CapturedPacket[] {
  return own.filter((p) => p !== rst && p.at <= rst.at && !isRst(p));
}

function ipIdSignal(rst: CapturedPacket, before: CapturedPacket[]): ResetSignal | null {
  const last = [...before].reverse().find((p) => p.ipId !== null && p.ipId !== 0);
  if (rst.ipId === null || !last || last.ipId === null) return null;
  if (rst.ipId === 0) {
    return {
      name: 'ip-id',
      vote: 'neutral',
      weight: 0,
      detail: 'IP ID 0 (DF set): says nothing about the sender',
    };
  }
  const step = (rst.ipId - last.ipId + 65536) % 65536;
  if (step > 0 && step <= IP_ID_NEAR) {
    return {
      name: 'ip-id',
      vote: 'server',
      weight: 1,
      detail: `IP ID ${rst.ipId} continues the server's sequence (last ${last.ipId})`,
    };
  }
  return {
    name: 'ip-id',
    vote: 'path',
    weight: 1,
    detail: `IP ID ${rst.ipId} does not continue the server's sequence (last ${last.ipId})`,
  };
}

function optionsSignal(rst: CapturedPacket, before: CapturedPacket[]): ResetSignal | null {
  // Established segments carry timestamps when both ends agreed to them; the server's own stack keeps them on its RST.
  const data = before.filter((p) => !p.tcp?.flags.includes('S'));
  if (data.length === 0) return null;
  const serverUsesOptions = data.every((p) => (p.tcp?.optionsLength ?? 0) >= 10);
  if (!serverUsesOptions) return null;
  if ((rst.tcp?.optionsLength ?? 0) >= 10) {
    return {
      name: 'options',
      vote: 'server',
      weight: 0.5,
      detail: 'carries the TCP timestamps the server uses on this connection',
    };
  }
  if (!hasAck(rst)) {
    // A kernel answering for a connection it has no socket for has no timestamps to put on its reply.
    return {
      name: 'options',
      vote: 'neutral',
      weight: 0,
      detail: `no TCP options, as on any kernel's reset for a connection without a socket: says nothing`,
    };
  }
  return {
    name: 'options',
    vote: 'path',
    weight: 0.5,
    detail: `no TCP options and window ${rst.tcp?.window ?? 0}, unlike the server's segments (injected resets are often bare)`,
  };
}

/** Wider than any receive window a short diagnosis connection opens (Linux starts near 64 KB). */
const SEQ_WINDOW = 1 << 20;

function seqSignal(rst: CapturedPacket, before: CapturedPacket[]): ResetSignal | null {
  const next = serverNextSeq(before);
  if (next === null) return null;
  const seq = rst.tcp!.seq;
  const off = seqDistance(seq, next);
  const where = `the server's next sequence number ${next} (from its own segments)`;
  if (off === 0) {
    // Weak: any device that sees the server's segments can copy it, and good injectors do.
    return {
      name: 'seq',
      vote: 'server',
      weight: 0.5,
      detail: `RST seq ${seq} is exactly ${where}: consistent with the server (an injector that sees the traffic copies it)`,
    };
  }
  if (off < 0 && isKernelAnswer(rst, before)) {
    // A kernel answers each of our segments in flight with the acknowledgement that segment carried.
    return {
      name: 'seq',
      vote: 'server',
      weight: 0.5,
      detail: `RST seq ${seq} is ${-off} bytes behind ${where}, at the end of one of its segments: a kernel answering an earlier acknowledgement of ours`,
    };
  }
  if (Math.abs(off) > SEQ_WINDOW) {
    // Stronger than off-by-a-few: no stack ever puts its own reset outside the window.
    return {
      name: 'seq',
      vote: 'path',
      weight: 1.5,
      detail: `RST seq ${seq} is ${Math.abs(off)} bytes off ${where}, far outside any receive window: a blind guess by a sender that does not see the traffic (our stack ignores such a reset)`,
    };
  }
  if (off > 0) {
    // Not decisive alone: the server's reset lands ahead too when its last segments were lost on the way.
    return {
      name: 'seq',
      vote: 'path',
      weight: 1,
      detail: `RST seq ${seq} is ${off} bytes ahead of ${where}: inside the window but not where the server's stack puts its reset; injectors aim ahead so that one lands (unless the server's last ${off} bytes were lost)`,
    };
  }
  return {
    name: 'seq',
    vote: 'path',
    weight: 1,
    detail: `RST seq ${seq} is ${-off} bytes behind ${where}, a number the server had already used: not what its stack sends`,
  };
}

/** The sender's state as the RST's flags and sequence number show it; the signal explains, it does not vote. */
export function senderShape(
  rst: CapturedPacket,
  before: CapturedPacket[],
): { state: SenderState | null; signal: ResetSignal | null } {
  const tcp = rst.tcp!;
  const note = (detail: string) => ({ name: 'flags' as const, vote: 'neutral' as const, weight: 0, detail });
  if (before.length === 0) {
    if (!hasAck(rst) || tcp.seq !== 0) return { state: null, signal: null };
    return {
      state: 'no-socket',
      signal: note(
        `RST+ACK with seq 0 answering our SYN: what a kernel sends when no socket listens on the port (RFC 9293 §3.10.7.1), and what a firewall's reject sends too`,
      ),
    };
  }
  if (hasAck(rst)) {
    return {
      state: 'aborted',
      signal: note(
        `RST+ACK (seq ${tcp.seq}, ack ${tcp.ack}) on an open connection: what a socket sends when its application aborts it (close with unread data, or SO_LINGER 0; Linux tcp_send_active_reset)`,
      ),
    };
  }
  if (isKernelAnswer(rst, before)) {
    return {
      state: 'no-socket',
      signal: note(
        `RST without ACK, seq ${tcp.seq} taken from our acknowledgement: what a kernel sends for a segment of a connection it holds no socket for (RFC 9293 §3.10.7.1, Linux tcp_v${rst.family}_send_reset): the application had closed the socket or the host restarted; a firewall's reject looks the same`,
      ),
    };
  }
  return {
    state: null,
    signal: note(
      `RST without ACK at seq ${tcp.seq}, which none of our acknowledgements carried: not a kernel's answer for a missing socket`,
    ),
  };
}

function burstSignal(rst: CapturedPacket, own: CapturedPacket[]): ResetSignal | null {
  const burst = own
    .filter((p) => isRst(p) && Math.abs(p.at - rst.at) <= BURST_MS)
    .sort((a, b) => a.at - b.at);
  if (burst.length < 2) return null;
  const first = burst[0]!.at;
  const span = fmt(burst.at(-1)!.at - first);
  const list = burst
    .map(
      (p) =>
        `seq ${p.tcp!.seq} (TTL ${p.ttl ?? '?'}, IP ID ${p.ipId ?? '-'}, ${p.tcp!.flags}, +${fmt(p.at - first)} ms)`,
    )
    .join(', ');
  const head = `${burst.length} RSTs within ${span} ms: ${list}`;
  if (new Set(burst.map((p) => p.ttl)).size > 1) {
    // Good, not decisive for this RST: it may be the server's own one that another sender's joined.
    return {
      name: 'burst',
      vote: 'path',
      weight: 2,
      detail: `${head}; different TTLs: more than one sender`,
    };
  }
  const unexplained = burst.filter((p) => !serverCouldSend(p, serverBefore(own, p)));
  if (new Set(burst.map((p) => p.tcp!.seq)).size > 1 && unexplained.length > 0) {
    // As strong as the TTL: one TTL means one sender, and a stack never spreads its resets over the window.
    return {
      name: 'burst',
      vote: 'path',
      weight: 3,
      detail: `${head}; spread over sequence numbers the server had not reached, as injectors spray them so that one lands in the window`,
    };
  }
  return {
    name: 'burst',
    vote: 'neutral',
    weight: 0,
    detail: `${head}; each where the server's kernel answers one of our segments: says nothing`,
  };
}

/** Whether the server's own stack would put a reset at this sequence number. */
function serverCouldSend(rst: CapturedPacket, before: CapturedPacket[]): boolean {
  const next = serverNextSeq(before);
  return next !== null && (rst.tcp!.seq === next || isKernelAnswer(rst, before));
}

function raceSignal(rst: CapturedPacket, { conversation, rttMs }: SignalContext): ResetSignal | null {
  if (rttMs === null || rttMs < RACE_MIN_RTT_MS || rttMs >= RACE_MAX_RTT_MS) return null;
  const last = lastSend(conversation, rst.at);
  if (!last) return null;
  const gap = rst.at - last.at;
  const what =
    last.kind === 'connect-start'
      ? 'our SYN'
      : last.kind === 'sent'
        ? `we sent ${last.bytes ?? '?'} bytes`
        : 'our TLS handshake bytes';
  const head = `the RST came ${fmt(gap)} ms after ${what}; the server's round trip is ${fmt(rttMs)} ms (our SYN to its SYN-ACK)`;
  if (gap < rttMs * RACE_SHARE) {
    // The strongest signal: a forger can copy a TTL and a sequence number, not the speed of light.
    return {
      name: 'race',
      vote: 'path',
      weight: 4,
      detail: `${head}: less than half of it, so the server could not have answered yet; something nearer did`,
    };
  }
  return {
    name: 'race',
    vote: 'neutral',
    weight: 0,
    detail: `${head}: time enough for the server to answer, so the timing says nothing`,
  };
}

/** The last moment we know we sent something the RST may answer (the capture sees only incoming packets). */
function lastSend(c: Conversation, before: number): ConversationEvent | null {
  const tls = c.tls !== null || c.phase === 'tls' || c.events.some((e) => e.kind === 'tls-done');
  // With TLS, the ClientHello leaves at 'connected' and the client's Finished at 'tls-done'.
  const kinds = new Set(tls ? ['connect-start', 'connected', 'tls-done', 'sent'] : ['connect-start', 'sent']);
  return c.events.filter((e) => kinds.has(e.kind) && e.at <= before).at(-1) ?? null;
}

/**
 * The handshake round trip of one connection, for the race: our SYN ('connect-start') to the SYN-ACK
 * as captured or to 'connected', whichever is sooner (both are read on the event loop, late if anything).
 */
export function handshakeRttMs(c: Conversation, own: CapturedPacket[]): number | null {
  const start = c.events.find((e) => e.kind === 'connect-start')?.at ?? c.startedAt;
  const synAck = own.find((p) => p.tcp?.flags.includes('S') && hasAck(p));
  const candidates = [synAck ? synAck.at - start : null, c.connectMs].filter(
    (ms): ms is number => ms !== null && ms > 0,
  );
  return candidates.length > 0 ? Math.min(...candidates) : null;
}

function afterSignal(rst: CapturedPacket, after: CapturedPacket[]): ResetSignal | null {
  const talk = after.filter((p) => (p.tcp?.payloadLength ?? 0) > 0 || p.tcp?.flags.includes('F'));
  if (talk.length === 0) return null;
  // As strong as the TTL: a server cannot talk after its own reset; only reordering on the path could explain it.
  return {
    name: 'after',
    vote: 'path',
    weight: 3,
    detail: `the server still sent ${talk.length} segment${talk.length > 1 ? 's' : ''} (data or FIN) after the RST, the first ${fmt(talk[0]!.at - rst.at)} ms later: the real answer lost the race, someone else reset it`,
  };
}

function fmt(ms: number): string {
  return ms >= 10 ? String(Math.round(ms)) : String(Math.round(ms * 10) / 10);
}

/** Adds the votes; the side with the most weight wins, and its share is the confidence. */
export function tally(signals: ResetSignal[]): { vote: SignalVote; confidence: number } {
  const sum = (v: SignalVote) => signals.filter((s) => s.vote === v).reduce((n, s) => n + s.weight, 0);
  const server = sum('server');
  const path = sum('path');
  const total = server + path;
  if (total === 0) return { vote: 'neutral', confidence: 0 };
  return server >= path
    ? { vote: 'server', confidence: server / total }
    : { vote: 'path', confidence: path / total };
}
