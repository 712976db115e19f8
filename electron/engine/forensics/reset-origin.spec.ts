import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation } from '../net/conversation-types.js';
import { hopsAway, judgeCloses, judgeResets, serverReference } from './reset-origin.js';

const server = '198.18.4.2';

function conversation(localPort: number, phase: Conversation['phase'] = 'request'): Conversation {
  return {
    id: `c${localPort}`,
    address: server,
    port: 80,
    localPort,
    startedAt: 0,
    endedAt: 100,
    outcome: 'reset',
    phase,
    failure: null,
    connectMs: 1,
    tlsMs: null,
    firstByteMs: null,
    bytesSent: 80,
    bytesReceived: 0,
    tls: null,
    response: null,
    events: [],
  };
}

function packet(dstPort: number, flags: string, ttl: number, at = 10): CapturedPacket {
  return {
    at,
    family: 4,
    src: server,
    dst: '198.18.1.2',
    ttl,
    ipId: 7,
    tcp: { srcPort: 80, dstPort, seq: 1, ack: 2, flags, window: 0, optionsLength: 0, payloadLength: 0 },
  };
}

/** A SYN-ACK with seq 0 (the server's next sequence number is then 1 plus what it sends) and options. */
function synAck(dstPort: number, at: number): CapturedPacket {
  const p = packet(dstPort, 'SA', 61, at);
  return { ...p, tcp: { ...p.tcp!, seq: 1, optionsLength: 20 } };
}

/** A conversation whose SYN left at 0 and was answered after rttMs, then the given events. */
function timed(localPort: number, rttMs: number, events: Conversation['events']): Conversation {
  return {
    ...conversation(localPort),
    connectMs: rttMs,
    events: [{ at: 0, kind: 'connect-start' }, { at: rttMs, kind: 'connected' }, ...events],
  };
}

describe('reset origin by TTL', () => {
  it('knows the usual initial TTLs', () => {
    expect([hopsAway(61), hopsAway(64), hopsAway(117), hopsAway(250)]).toEqual([3, 0, 11, 5]);
  });

  it('blames the server when the reset has the SYN-ACK distance', () => {
    const [v] = judgeResets(
      [{ label: 'request', role: 'request', conversation: conversation(40000) }],
      [packet(40000, 'SA', 61, 1), packet(40000, 'RA', 61)],
      null,
    );
    expect(v).toMatchObject({ origin: 'server', hop: null, phase: 'request' });
  });

  it('names the hop of a path device that is nearer than the server', () => {
    const [v] = judgeResets(
      [{ label: 'request', role: 'request', conversation: conversation(40001) }],
      [packet(40001, 'SA', 61, 1), packet(40001, 'RA', 63)],
      null,
    );
    expect(v).toMatchObject({ origin: 'path', hop: 2 });
  });

  it('uses echo replies or the trace for a reset that answers the SYN', () => {
    const ref = serverReference(server, [], 61, null);
    expect(ref).toEqual({ hopsAway: 3, ttl: 61, source: 'echo-reply' });
    const [v] = judgeResets(
      [{ label: 'tcp-connect', role: 'connect', conversation: conversation(40002, 'connect') }],
      [packet(40002, 'RA', 64)],
      ref,
    );
    expect(v).toMatchObject({ origin: 'path', hop: 1, phase: 'connect' });
    expect(serverReference(server, [], null, 4)).toMatchObject({ hopsAway: 3, source: 'traceroute' });
  });

  it('records each signal and is overruled when the server keeps talking after a reset with its TTL', () => {
    const c = conversation(40004);
    const data = (at: number, ipId: number, seq: number): CapturedPacket => {
      const base = packet(40004, 'PA', 61, at);
      return { ...base, ipId, tcp: { ...base.tcp!, seq, payloadLength: 100, optionsLength: 12 } };
    };
    // The SYN-ACK has seq 1: the server's next sequence number is 102 after 100 bytes, and the forger copies it.
    const forged = { ...packet(40004, 'RA', 61, 20), ipId: 4242 };
    forged.tcp = { ...forged.tcp!, seq: 102 };
    const [v] = judgeResets(
      [{ label: 'request', role: 'request', conversation: c }],
      [packet(40004, 'SA', 61, 1), data(10, 100, 2), forged, data(30, 101, 102)],
      null,
    );
    expect(v!.origin).toBe('path');
    expect(v!.signals.map((s) => [s.name, s.vote])).toEqual([
      ['ttl', 'server'],
      ['ip-id', 'path'],
      ['options', 'path'],
      ['seq', 'server'],
      ['flags', 'neutral'],
      ['after', 'path'],
    ]);
    expect(v!.reason).toMatch(/still sent 1 segment .* after the RST, the first 10 ms later/);
    expect(v!.senderState).toBeNull();
  });

  it('agrees with the server when the RST continues its IP ID sequence, options and sequence number', () => {
    const c = conversation(40005);
    const seg = packet(40005, 'PA', 61, 10);
    const rstPacket = packet(40005, 'RA', 61, 20);
    const [v] = judgeResets(
      [{ label: 'request', role: 'request', conversation: c }],
      [
        packet(40005, 'SA', 61, 1),
        { ...seg, ipId: 700, tcp: { ...seg.tcp!, seq: 2, optionsLength: 12, payloadLength: 50 } },
        { ...rstPacket, ipId: 701, tcp: { ...rstPacket.tcp!, seq: 52, optionsLength: 12 } },
      ],
      null,
    );
    expect(v).toMatchObject({ origin: 'server', confidence: 1, senderState: 'aborted' });
  });

  it('catches a forger that copies TTL and sequence number by its arrival time', () => {
    // Our SYN at 0, the SYN-ACK at 20 (RTT 20 ms), our request at 30, a "server" reset 1.5 ms later.
    const c = timed(40006, 20, [{ at: 30, kind: 'sent', bytes: 78 }]);
    // A second handshake of the run (24 ms): one alone is not trusted for the round trip.
    const other = { label: 'tcp-connect #1', role: 'connect' as const, conversation: timed(40016, 24, []) };
    // IP ID 0 (DF) says nothing either way.
    const forged = { ...packet(40006, 'RA', 61, 31.5), ipId: 0 };
    forged.tcp = { ...forged.tcp!, seq: 2 };
    const run = (rst: CapturedPacket) =>
      judgeResets(
        [{ label: 'request', role: 'request', conversation: c }, other],
        [synAck(40006, 20), synAck(40016, 24), rst],
        null,
      );
    const [v] = run(forged);
    expect(v).toMatchObject({ origin: 'path', senderState: null, confidence: 0.53 });
    expect(v!.signals.filter((s) => s.vote !== 'neutral').map((s) => [s.name, s.vote])).toEqual([
      ['ttl', 'server'],
      ['seq', 'server'],
      ['race', 'path'],
    ]);
    expect(v!.reason).toMatch(
      /^the RST came 1.5 ms after we sent 78 bytes; the server's round trip is 20 ms/,
    );
    // The same reset arriving after a full round trip is the server's, as far as the capture can tell.
    const [w] = run({ ...forged, at: 52 });
    expect(w).toMatchObject({ origin: 'server', senderState: 'aborted' });
    // With a single handshake to measure the round trip by, the timing is not judged.
    const [alone] = judgeResets(
      [{ label: 'request', role: 'request', conversation: c }],
      [synAck(40006, 20), forged],
      null,
    );
    expect(alone!.signals.map((s) => s.name)).not.toContain('race');
    expect(alone!.origin).toBe('server');
  });

  it("tells the server's kernel without a socket from its application aborting", () => {
    const c = conversation(40007);
    const fin = packet(40007, 'FA', 61, 10);
    fin.tcp = { ...fin.tcp!, seq: 2, payloadLength: 30 };
    // The application closed (FIN): our next segment met no socket, and the kernel answered at our ACK, 33.
    const kernel = { ...packet(40007, 'R', 61, 20), ipId: 0 };
    kernel.tcp = { ...kernel.tcp!, seq: 33 };
    const [v] = judgeResets(
      [{ label: 'request', role: 'request', conversation: c }],
      [synAck(40007, 1), fin, kernel],
      null,
    );
    expect(v).toMatchObject({ origin: 'server', senderState: 'no-socket' });
    const refused = packet(40008, 'RA', 61, 2);
    refused.tcp = { ...refused.tcp!, seq: 0 };
    const [r] = judgeResets(
      [{ label: 'tcp-connect', role: 'connect', conversation: conversation(40008, 'connect') }],
      [refused],
      serverReference(server, [], 61, null),
    );
    expect(r).toMatchObject({ origin: 'server', phase: 'connect', senderState: 'no-socket' });
  });

  it('blames the path for a burst of resets spread over the window', () => {
    const c = conversation(40009);
    const data = packet(40009, 'PA', 61, 10);
    data.tcp = { ...data.tcp!, seq: 2, payloadLength: 1000, optionsLength: 12 };
    // The injector copies the TTL and sprays seq, seq + 1460, seq + 4380 within 3 ms.
    const burst = [0, 1460, 4380].map((d, i) => {
      const p = { ...packet(40009, 'RA', 61, 20 + i * 1.5), ipId: 9000 + i * 7919 };
      p.tcp = { ...p.tcp!, seq: 1002 + d };
      return p;
    });
    const verdicts = judgeResets(
      [{ label: 'request', role: 'request', conversation: c }],
      [synAck(40009, 1), data, ...burst],
      null,
    );
    expect(verdicts.map((v) => v.origin)).toEqual(['path', 'path', 'path']);
    expect(verdicts[0]!.reason).toMatch(/3 RSTs within 3 ms: seq 1002 \(TTL 61/);
  });

  it('names a side for IPv6 from the other signals when they add up, and says no hop limit was captured', () => {
    const v6 = (p: CapturedPacket): CapturedPacket => ({ ...p, family: 6, ttl: null, ipId: null });
    const seg = packet(40010, 'PA', 61, 10);
    seg.tcp = { ...seg.tcp!, seq: 2, payloadLength: 50, optionsLength: 12 };
    const rstOf = (port: number, flags: string, seq: number, optionsLength: number) => {
      const p = packet(port, flags, 61, 20);
      return v6({ ...p, tcp: { ...p.tcp!, seq, optionsLength } });
    };
    const judgeV6 = (port: number, rst: CapturedPacket) =>
      judgeResets(
        [{ label: 'request', role: 'request', conversation: conversation(port) }],
        [v6(synAck(port, 1)), v6({ ...seg, tcp: { ...seg.tcp!, dstPort: port } }), rst],
        null,
      )[0]!;
    // Exact sequence number and the server's timestamps: two weak hints, enough together.
    const aborted = judgeV6(40010, rstOf(40010, 'RA', 52, 12));
    expect(aborted).toMatchObject({ origin: 'server', family: 6, ttl: null, senderState: 'aborted' });
    expect(aborted.reason).toMatch(
      /^no hop limit captured \(IPv6\); carries the TCP timestamps .*; RST seq 52 is exactly/,
    );
    // A kernel's bare reset has only its sequence number for it: one weak hint names no side.
    const kernel = judgeV6(40011, rstOf(40011, 'R', 52, 0));
    expect(kernel).toMatchObject({
      origin: 'unknown',
      reason: 'no hop limit captured (IPv6)',
      senderState: null,
    });
    // A bare RST+ACK 1460 bytes ahead: the path.
    const injected = judgeV6(40012, rstOf(40012, 'RA', 52 + 1460, 0));
    expect(injected).toMatchObject({ origin: 'path', hop: null });
  });

  it('says unknown without anything to compare with', () => {
    const [v] = judgeResets(
      [{ label: 'x', role: 'request', conversation: conversation(40003) }],
      [packet(40003, 'R', 64)],
      null,
    );
    expect(v?.origin).toBe('unknown');
  });
});

describe('who closed a connection early', () => {
  it('judges the FIN by its TTL against the connection’s own SYN-ACK, and only for early closes', () => {
    const closed = { ...conversation(40100), outcome: 'closed' as const };
    const fine = { ...conversation(40101), outcome: 'complete' as const };
    const verdicts = judgeCloses(
      [
        { label: 'request', role: 'request', conversation: closed },
        { label: 'request #2', role: 'repeat', conversation: fine },
      ],
      [synAck(40100, 1), packet(40100, 'FA', 63, 3000), synAck(40101, 1), packet(40101, 'FA', 61, 20)],
      null,
    );
    expect(verdicts).toEqual([
      expect.objectContaining({ connectionId: 'c40100', role: 'request', origin: 'path', hop: 2, ttl: 63 }),
    ]);
  });
});
