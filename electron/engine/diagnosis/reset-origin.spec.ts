import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation } from '../net/conversation-types.js';
import { hopsAway, judgeResets, serverReference } from './reset-origin.js';

const server = '198.18.4.2';

function conversation(localPort: number, phase: Conversation['phase'] = 'request'): Conversation {
  return {
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

describe('reset origin by TTL', () => {
  it('knows the usual initial TTLs', () => {
    expect([hopsAway(61), hopsAway(64), hopsAway(117), hopsAway(250)]).toEqual([3, 0, 11, 5]);
  });

  it('blames the server when the reset has the SYN-ACK distance', () => {
    const [v] = judgeResets(
      [{ label: 'request', conversation: conversation(40000) }],
      [packet(40000, 'SA', 61, 1), packet(40000, 'RA', 61)],
      null,
    );
    expect(v).toMatchObject({ origin: 'server', hop: null, phase: 'request' });
  });

  it('names the hop of a path device that is nearer than the server', () => {
    const [v] = judgeResets(
      [{ label: 'request', conversation: conversation(40001) }],
      [packet(40001, 'SA', 61, 1), packet(40001, 'RA', 63)],
      null,
    );
    expect(v).toMatchObject({ origin: 'path', hop: 2 });
  });

  it('uses echo replies or the trace for a reset that answers the SYN', () => {
    const ref = serverReference(server, [], 61, null);
    expect(ref).toEqual({ hopsAway: 3, ttl: 61, source: 'echo-reply' });
    const [v] = judgeResets(
      [{ label: 'tcp-connect', conversation: conversation(40002, 'connect') }],
      [packet(40002, 'RA', 64)],
      ref,
    );
    expect(v).toMatchObject({ origin: 'path', hop: 1, phase: 'connect' });
    expect(serverReference(server, [], null, 4)).toMatchObject({ hopsAway: 3, source: 'traceroute' });
  });

  it('records each signal and is overruled when the server keeps talking after a reset with its TTL', () => {
    const c = conversation(40004);
    const data = (at: number, ipId: number): CapturedPacket => {
      const base = packet(40004, 'PA', 61, at);
      return { ...base, ipId, tcp: { ...base.tcp!, payloadLength: 100, optionsLength: 12 } };
    };
    const forged = { ...packet(40004, 'RA', 61, 20), ipId: 4242 };
    const [v] = judgeResets(
      [{ label: 'request', conversation: c }],
      [packet(40004, 'SA', 61, 1), data(10, 100), forged, data(30, 101)],
      null,
    );
    expect(v!.origin).toBe('path');
    expect(v!.signals.map((s) => [s.name, s.vote])).toEqual([
      ['ttl', 'server'],
      ['ip-id', 'path'],
      ['options', 'path'],
      ['after', 'path'],
    ]);
    expect(v!.reason).toMatch(/still sent 1 segment .* after the RST/);
  });

  it('agrees with the server when the RST continues its IP ID sequence and options', () => {
    const c = conversation(40005);
    const seg = packet(40005, 'PA', 61, 10);
    const rstPacket = packet(40005, 'RA', 61, 20);
    const [v] = judgeResets(
      [{ label: 'request', conversation: c }],
      [
        packet(40005, 'SA', 61, 1),
        { ...seg, ipId: 700, tcp: { ...seg.tcp!, optionsLength: 12, payloadLength: 50 } },
        { ...rstPacket, ipId: 701, tcp: { ...rstPacket.tcp!, optionsLength: 12 } },
      ],
      null,
    );
    expect(v).toMatchObject({ origin: 'server', confidence: 1 });
  });

  it('says unknown without anything to compare with', () => {
    const [v] = judgeResets(
      [{ label: 'x', conversation: conversation(40003) }],
      [packet(40003, 'R', 64)],
      null,
    );
    expect(v?.origin).toBe('unknown');
  });
});
