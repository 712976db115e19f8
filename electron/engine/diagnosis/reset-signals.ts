import type { CapturedPacket } from '../net/capture-types.js';

export type SignalVote = 'server' | 'path' | 'neutral';

/** One independent reason to believe who sent a reset, as a network engineer would check it. */
export interface ResetSignal {
  name: 'ttl' | 'ip-id' | 'options' | 'after';
  vote: SignalVote;
  /** How much this signal counts: TTL most, the others as corroboration. */
  weight: number;
  detail: string;
}

const IP_ID_NEAR = 16;

/**
 * The signals besides TTL, from the connection's own packets: does the RST continue the server's IP ID
 * sequence, does it carry the TCP options the server's segments carry, and did the server keep talking
 * after it (an injected RST races the real answer).
 */
export function corroboratingSignals(rst: CapturedPacket, own: CapturedPacket[]): ResetSignal[] {
  const before = own.filter((p) => p !== rst && p.at <= rst.at && !p.tcp?.flags.includes('R'));
  const after = own.filter((p) => p !== rst && p.at > rst.at && !p.tcp?.flags.includes('R'));
  return [ipIdSignal(rst, before), optionsSignal(rst, before), afterSignal(after)].filter(
    (s): s is ResetSignal => s !== null,
  );
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
  return {
    name: 'options',
    vote: 'path',
    weight: 0.5,
    detail: `no TCP options and window ${rst.tcp?.window ?? 0}, unlike the server's segments (injected resets are often bare)`,
  };
}

function afterSignal(after: CapturedPacket[]): ResetSignal | null {
  const talk = after.filter((p) => (p.tcp?.payloadLength ?? 0) > 0 || p.tcp?.flags.includes('F'));
  if (talk.length === 0) return null;
  return {
    name: 'after',
    vote: 'path',
    weight: 2,
    detail: `the server still sent ${talk.length} segment${talk.length > 1 ? 's' : ''} (data or FIN) after the RST: someone else reset it`,
  };
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
