import { describe, expect, it } from 'vitest';
import type { CapturedPacket, TcpHeaderInfo } from '../net/capture-types.js';
import type { Conversation, ConversationEvent } from '../net/conversation-types.js';
import { seqDistance, serverNextSeq } from './reset-sequence.js';
import { corroboratingSignals, handshakeRttMs, senderShape, tally } from './reset-signals.js';
import type { ResetSignal, SignalName } from '../../shared/reset-data-info.js';

/** The server's initial sequence number: close to the wrap, so every expectation crosses 2^32. */
const ISN = 2 ** 32 - 100;
const seqAt = (offset: number) => (ISN + offset) % 2 ** 32;

function pkt(at: number, flags: string, tcp: Partial<TcpHeaderInfo> = {}, ip: Partial<CapturedPacket> = {}) {
  const p: CapturedPacket = {
    at,
    family: 4,
    src: '198.18.4.2',
    dst: '198.18.1.2',
    ttl: 61,
    ipId: 500 + Math.round(at),
    tcp: {
      srcPort: 80,
      dstPort: 40000,
      seq: seqAt(1),
      ack: 1001,
      flags,
      window: 502,
      optionsLength: 12,
      payloadLength: 0,
      ...tcp,
    },
    ...ip,
  };
  return p;
}

/** SYN-ACK at 10 ms, then 200 bytes of answer at 30 ms: the server's next sequence number is ISN + 201. */
const synAck = pkt(10, 'SA', { seq: ISN, optionsLength: 20 });
const answer = pkt(30, 'PA', { seq: seqAt(1), payloadLength: 200 });
const NEXT = seqAt(201);

function conversation(events: ConversationEvent[], over: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    address: '198.18.4.2',
    port: 80,
    localPort: 40000,
    startedAt: 0,
    endedAt: 100,
    outcome: 'reset',
    phase: 'request',
    failure: null,
    connectMs: 10,
    tlsMs: null,
    firstByteMs: null,
    bytesSent: 78,
    bytesReceived: 0,
    tls: null,
    response: null,
    events,
    ...over,
  };
}

/** Our side: SYN at 0, connected at 10 (RTT 10 ms), 78 bytes of request at 20. */
const requestAt20 = conversation([
  { at: 0, kind: 'connect-start' },
  { at: 10, kind: 'connected' },
  { at: 20, kind: 'sent', bytes: 78 },
]);

function signal(signals: ResetSignal[], name: SignalName): ResetSignal | undefined {
  return signals.find((s) => s.name === name);
}

describe('sequence arithmetic', () => {
  it('measures distances across the 2^32 wrap', () => {
    expect(seqDistance(5, 2 ** 32 - 5)).toBe(10);
    expect(seqDistance(2 ** 32 - 5, 5)).toBe(-10);
    expect(serverNextSeq([synAck, answer])).toBe(NEXT);
    // Retransmissions and reordering do not move the furthest end back; a FIN counts one.
    expect(serverNextSeq([synAck, answer, pkt(31, 'FA', { seq: seqAt(201) }), answer])).toBe(seqAt(202));
    expect(serverNextSeq([])).toBeNull();
  });
});

describe('sequence number signal', () => {
  const seqOf = (rst: CapturedPacket) => signal(corroboratingSignals(rst, [synAck, answer, rst]), 'seq');

  it('calls an exact sequence number consistent with the server, weakly', () => {
    const s = seqOf(pkt(40, 'RA', { seq: NEXT }));
    expect(s).toMatchObject({ vote: 'server', weight: 0.5 });
    expect(s!.detail).toContain(`RST seq ${NEXT} is exactly the server's next sequence number ${NEXT}`);
  });

  it('blames the path for a reset ahead, behind or far outside the window', () => {
    const ahead = seqOf(pkt(40, 'RA', { seq: seqAt(201 + 1460) }));
    expect(ahead).toMatchObject({ vote: 'path', weight: 1 });
    expect(ahead!.detail).toMatch(/is 1460 bytes ahead of .*inside the window/);
    const behind = seqOf(pkt(40, 'RA', { seq: seqAt(150) }));
    expect(behind).toMatchObject({ vote: 'path', weight: 1 });
    expect(behind!.detail).toMatch(/is 51 bytes behind .*already used/);
    const blind = seqOf(pkt(40, 'RA', { seq: 123456789 }));
    expect(blind).toMatchObject({ vote: 'path', weight: 1.5 });
    expect(blind!.detail).toMatch(/far outside any receive window: a blind guess/);
  });

  it("accepts a kernel's reset at an earlier acknowledgement of ours, without ACK only", () => {
    // Our ACK of the SYN-ACK (ack ISN + 1) was still in flight when the server's socket went away.
    expect(seqOf(pkt(40, 'R', { seq: seqAt(1), optionsLength: 0 }))).toMatchObject({ vote: 'server' });
    expect(seqOf(pkt(40, 'RA', { seq: seqAt(1) }))).toMatchObject({ vote: 'path' });
  });

  it('says nothing without any segment of the server (a reset answering the SYN)', () => {
    expect(seqOf(pkt(5, 'RA', { seq: 0 }))).toBeUndefined();
    expect(signal(corroboratingSignals(pkt(5, 'RA', { seq: 0 }), []), 'seq')).toBeUndefined();
  });
});

describe("the sender's state from flags and sequence number", () => {
  it('tells a kernel without a socket from an application that aborted', () => {
    const noSocket = senderShape(pkt(40, 'R', { seq: NEXT, optionsLength: 0 }), [synAck, answer]);
    expect(noSocket.state).toBe('no-socket');
    expect(noSocket.signal).toMatchObject({ name: 'flags', vote: 'neutral', weight: 0 });
    expect(noSocket.signal!.detail).toMatch(/RST without ACK, seq \d+ taken from our acknowledgement/);
    const aborted = senderShape(pkt(40, 'RA', { seq: NEXT }), [synAck, answer]);
    expect(aborted.state).toBe('aborted');
    expect(aborted.signal!.detail).toMatch(/application aborts it/);
  });

  it('recognises the answer to a SYN nothing listens for', () => {
    expect(senderShape(pkt(5, 'RA', { seq: 0, ack: 1001 }), []).state).toBe('no-socket');
    expect(senderShape(pkt(5, 'RA', { seq: 77 }), []).state).toBeNull();
  });

  it('does not call a RST without ACK at a number we never acknowledged a kernel answer', () => {
    expect(senderShape(pkt(40, 'R', { seq: seqAt(201 + 1460) }), [synAck, answer]).state).toBeNull();
  });

  it('does not hold the missing timestamps against a kernel reset for a connection without a socket', () => {
    const bare = pkt(40, 'R', { seq: NEXT, optionsLength: 0, window: 0 });
    expect(signal(corroboratingSignals(bare, [synAck, answer, bare]), 'options')).toMatchObject({
      vote: 'neutral',
    });
    const bareAck = pkt(40, 'RA', { seq: NEXT, optionsLength: 0, window: 0 });
    expect(signal(corroboratingSignals(bareAck, [synAck, answer, bareAck]), 'options')).toMatchObject({
      vote: 'path',
    });
  });
});

describe('several resets at once', () => {
  it('blames the path for a burst spread over the window', () => {
    const burst = [0, 1460, 4380].map((d, i) => pkt(40 + i * 2, 'RA', { seq: seqAt(201 + d) }, { ipId: 0 }));
    const own = [synAck, answer, ...burst];
    const s = signal(corroboratingSignals(burst[0]!, own), 'burst');
    expect(s).toMatchObject({ vote: 'path', weight: 3 });
    expect(s!.detail).toContain(`3 RSTs within 4 ms: seq ${NEXT} (TTL 61, IP ID 0, RA, +0 ms)`);
    expect(s!.detail).toContain(`seq ${seqAt(201 + 4380)} (TTL 61, IP ID 0, RA, +4 ms)`);
  });

  it('blames the path for resets with different TTLs', () => {
    const burst = [pkt(40, 'RA', { seq: NEXT }), pkt(41, 'RA', { seq: NEXT }, { ttl: 62 })];
    expect(signal(corroboratingSignals(burst[0]!, [synAck, answer, ...burst]), 'burst')).toMatchObject({
      vote: 'path',
      weight: 2,
    });
  });

  it('finds nothing odd in a kernel answering each of our segments in flight', () => {
    // The socket went away after 200 bytes: our ACKs of ISN+1 and ISN+201 each get a reset.
    const burst = [
      pkt(40, 'R', { seq: NEXT, optionsLength: 0 }),
      pkt(41, 'R', { seq: seqAt(1), optionsLength: 0 }),
    ];
    expect(signal(corroboratingSignals(burst[1]!, [synAck, answer, ...burst]), 'burst')).toMatchObject({
      vote: 'neutral',
    });
  });

  it('keeps resets more than 10 ms apart out of one burst', () => {
    const apart = [pkt(40, 'RA', { seq: NEXT }), pkt(60, 'RA', { seq: seqAt(201 + 1460) })];
    expect(signal(corroboratingSignals(apart[0]!, [synAck, answer, ...apart]), 'burst')).toBeUndefined();
  });
});

describe('arrival time against the round trip', () => {
  const race = (rst: CapturedPacket, c: Conversation, rttMs: number | null) =>
    signal(corroboratingSignals(rst, [synAck, rst], { conversation: c, rttMs }), 'race');

  it('blames the path for a reset sooner than half the round trip after our request', () => {
    const s = race(pkt(22, 'RA', { seq: seqAt(1) }), requestAt20, 10);
    expect(s).toMatchObject({ vote: 'path', weight: 4 });
    expect(s!.detail).toBe(
      "the RST came 2 ms after we sent 78 bytes; the server's round trip is 10 ms (our SYN to its SYN-ACK): less than half of it, so the server could not have answered yet; something nearer did",
    );
  });

  it('says nothing when the server had time, or the round trip is too short to judge', () => {
    expect(race(pkt(31, 'RA', { seq: seqAt(1) }), requestAt20, 10)).toMatchObject({ vote: 'neutral' });
    expect(race(pkt(20.2, 'RA', { seq: seqAt(1) }), requestAt20, 1.5)).toBeUndefined();
    expect(race(pkt(22, 'RA', { seq: seqAt(1) }), requestAt20, null)).toBeUndefined();
  });

  it('times a reset of the SYN from the SYN, and TLS from the handshake bytes', () => {
    const syn = race(pkt(3, 'RA', { seq: 0 }), conversation([{ at: 0, kind: 'connect-start' }]), 10);
    expect(syn).toMatchObject({ vote: 'path' });
    expect(syn!.detail).toMatch(/^the RST came 3 ms after our SYN/);
    const tls = conversation(
      [
        { at: 0, kind: 'connect-start' },
        { at: 10, kind: 'connected' },
      ],
      { phase: 'tls' },
    );
    expect(race(pkt(12, 'RA', { seq: seqAt(1) }), tls, 10)!.detail).toMatch(
      /^the RST came 2 ms after our TLS handshake bytes/,
    );
  });

  it('measures the round trip from the SYN to the sooner of SYN-ACK and connected', () => {
    expect(handshakeRttMs(requestAt20, [synAck])).toBe(10);
    expect(handshakeRttMs({ ...requestAt20, connectMs: 12 }, [pkt(8, 'SA', { seq: ISN })])).toBe(8);
    expect(handshakeRttMs({ ...requestAt20, connectMs: null }, [])).toBeNull();
  });
});

describe('traffic after the reset', () => {
  it('says how much later the real answer came', () => {
    const rst = pkt(25, 'RA', { seq: seqAt(1) });
    const s = signal(corroboratingSignals(rst, [synAck, rst, answer]), 'after');
    expect(s).toMatchObject({ vote: 'path', weight: 3 });
    expect(s!.detail).toMatch(/still sent 1 segment \(data or FIN\) after the RST, the first 5 ms later/);
  });
});

describe('IPv6 packets (no hop limit, no IP ID)', () => {
  it('still reads sequence, flags, options, burst and timing', () => {
    const v6 = (p: CapturedPacket): CapturedPacket => ({ ...p, family: 6, ttl: null, ipId: null });
    const own = [v6(synAck), v6(answer)];
    const rst = v6(pkt(31, 'RA', { seq: NEXT }));
    const names = corroboratingSignals(rst, [...own, rst], { conversation: requestAt20, rttMs: 10 }).map(
      (s) => [s.name, s.vote],
    );
    expect(names).toEqual([
      ['options', 'server'],
      ['seq', 'server'],
      ['flags', 'neutral'],
      ['race', 'neutral'],
    ]);
  });
});

describe('tally', () => {
  it('gives the side with more weight and its share', () => {
    const s = (vote: ResetSignal['vote'], weight: number): ResetSignal => ({
      name: 'ttl',
      vote,
      weight,
      detail: '',
    });
    expect(tally([s('server', 3), s('path', 4), s('neutral', 0)])).toEqual({
      vote: 'path',
      confidence: 4 / 7,
    });
    expect(tally([s('neutral', 0)])).toEqual({ vote: 'neutral', confidence: 0 });
  });
});
