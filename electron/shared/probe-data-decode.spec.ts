import { describe, expect, it } from 'vitest';
import {
  decodeAddresses,
  decodeConnections,
  decodeHops,
  decodePingProgress,
  decodeRtts,
  decodeTracerouteProgress,
  endedBadly,
  requestFirst,
  ticketConnection,
} from './probe-data-decode.js';
import type { CapturedConnection } from './probe-data-info.js';

/** A connection as the packet-capture probe writes it: reset on the request, with its id and role. */
const CONNECTION: CapturedConnection = {
  id: 'c3',
  role: 'request',
  connection: 'request',
  address: '2001:db8::2',
  port: 443,
  localPort: 40112,
  localAddress: '2001:db8::10',
  outcome: 'reset',
  phase: 'request',
  endPhase: 'request',
  bytesSent: 78,
  bytesReceived: 0,
  bytesCaptured: 0,
  end: { how: 'reset', at: 51, afterMs: 1, from: '2001:db8::2', ttl: null, captured: true },
  afterWhat: 'reset on the request: 78 bytes sent, nothing received, 0.4 ms after sending it',
  timeline: [
    { at: 50.5, direction: 'sent', kind: 'request', what: 'request 78 bytes', bytes: 78 },
    { at: 50, direction: 'sent', kind: 'syn', what: 'SYN' },
    { at: 50.3, direction: 'received', kind: 'syn-ack', what: 'SYN-ACK', flags: 'SA', ttl: null, ipId: 7 },
    { at: 50.3, direction: 'idle', kind: 'idle', what: 'idle 0.20 s', ms: 0.2 },
    { at: 51, direction: 'received', kind: 'rst', what: 'RST', flags: 'R', ttl: null, window: 0 },
  ],
};

describe('path decoders', () => {
  it('read hops only when every hop has its shape, the per-query times only when they have theirs', () => {
    const hop = { ttl: 1, address: '10.0.0.1', rttMs: 0.4, rttsMs: [0.4], lossPercent: 0, kind: 'router' };
    expect(
      decodeHops({
        hops: [hop, { ...hop, ttl: 2, address: null, rttMs: null, rttsMs: [null, 'x'] }],
      }),
    ).toEqual([
      { ttl: 1, address: '10.0.0.1', rttMs: 0.4, rttsMs: [0.4], lossPercent: 0 },
      { ttl: 2, address: null, rttMs: null, lossPercent: 0 },
    ]);
    expect(decodeHops({ hops: [hop, { ...hop, ttl: '2' }] })).toBeNull();
    expect(decodeHops({ hops: [{ ttl: 1 }] })).toBeNull();
    expect(decodeHops({ hops: [] })).toBeNull();
    expect(decodeHops(null)).toBeNull();
  });

  it('read the round trips of every ping, a lost one as null', () => {
    expect(decodeRtts({ rttsMs: [1.2, null, 3] })).toEqual([1.2, null, 3]);
    expect(decodeRtts({ rttsMs: [1.2, 'x'] })).toBeNull();
    expect(decodeRtts({ rttsMs: [1, Number.NaN] })).toBeNull();
    expect(decodeRtts({ rttsMs: [] })).toBeNull();
    expect(decodeRtts([1, 2])).toBeNull();
  });

  it('read the live answers of traceroute and ping', () => {
    expect(decodeTracerouteProgress({ ttl: 3, from: '198.18.3.1', rttMs: 0.5 })).toEqual({
      ttl: 3,
      from: '198.18.3.1',
      rttMs: 0.5,
    });
    expect(decodeTracerouteProgress({ ttl: 0, from: null, rttMs: 0.5 })).toBeNull();
    expect(decodeTracerouteProgress({ ttl: 2, from: 7, rttMs: 0.5 })).toBeNull();
    expect(decodePingProgress({ seq: 4, rttMs: 0.3 })).toEqual({ seq: 4, rttMs: 0.3 });
    expect(decodePingProgress({ seq: 4, rttMs: 'lost' })).toEqual({ seq: 4, rttMs: null });
    expect(decodePingProgress({ seq: -1, rttMs: 1 })).toBeNull();
    expect(decodePingProgress({ seq: 1e9, rttMs: 1 })).toBeNull();
  });

  it('read the resolved addresses, as the DNS probe writes them or as plain strings (older reports)', () => {
    const dns = { addresses: [{ address: '198.18.4.2', family: 4 }, { address: 7 }, '2001:db8::2'] };
    expect(decodeAddresses(dns)).toEqual(['198.18.4.2', '2001:db8::2']);
    expect(decodeAddresses({ addresses: 'x' })).toBeNull();
  });
});

describe('connection decoders', () => {
  it('read a connection as the probe writes it, the timeline in time order and the peer in words', () => {
    const [c] = decodeConnections({ connections: [CONNECTION] })!;
    expect(c).toMatchObject({
      id: 'c3',
      role: 'request',
      connection: 'request',
      peer: '[2001:db8::2]:443',
      local: '[2001:db8::10]:40112',
      outcome: 'reset',
      phase: 'request',
      endPhase: 'request',
      end: CONNECTION.end,
      bytesSent: 78,
      bytesReceived: 0,
      afterWhat: CONNECTION.afterWhat,
    });
    expect(c!.timeline.map((e) => e.kind)).toEqual(['syn', 'syn-ack', 'idle', 'request', 'rst']);
    expect(c!.timeline[1]).toEqual({
      at: 50.3,
      direction: 'received',
      kind: 'syn-ack',
      what: 'SYN-ACK',
      ttl: null,
    });
    expect(endedBadly(c!)).toBe(true);
  });

  it('read an older report’s connection: no id, no end, entries without a kind', () => {
    const [c] = decodeConnections({
      connections: [
        {
          connection: 'request',
          timeline: [{ at: 5, direction: 'received', what: 'RA', ttl: 61, kind: 'reset-ish' }],
        },
      ],
    })!;
    expect(c).toEqual({
      id: null,
      role: null,
      connection: 'request',
      peer: null,
      local: null,
      outcome: 'unknown',
      phase: 'unknown',
      timeline: [{ at: 5, direction: 'received', what: 'RA', ttl: 61 }],
      end: null,
      endPhase: null,
      bytesSent: null,
      bytesReceived: null,
      afterWhat: null,
    });
  });

  it('pick the connection a ticket names, with where it came from', () => {
    const as = (id: string, role: string, how: string, localAddress: string | null = '198.18.1.2') => ({
      ...CONNECTION,
      id,
      role,
      address: '198.18.4.2',
      localAddress,
      localPort: Number(id.slice(1)) + 40000,
      end: { ...CONNECTION.end, how },
    });
    const pick = (...list: object[]) => ticketConnection(decodeConnections({ connections: list })!);
    // The request's own connection when it failed; else the first reset; else the request's.
    expect(pick(as('c1', 'connect', 'reset'), as('c2', 'request', 'timeout'))?.local).toBe(
      '198.18.1.2:40002',
    );
    expect(
      pick(as('c1', 'request', 'complete'), as('c2', 'concurrency', 'fin'), as('c3', 'rate', 'reset'))?.id,
    ).toBe('c3');
    expect(pick(as('c1', 'connect', 'complete'), as('c2', 'request', 'complete'))?.id).toBe('c2');
    // A report older than localAddress names none.
    expect(pick(as('c1', 'request', 'reset', null))).toBeNull();
    expect(pick({ ...as('c1', 'request', 'reset'), localAddress: undefined })).toBeNull();
  });

  it('leave out the connections and entries of another shape', () => {
    const entries = [
      { at: 1, direction: 'sent', kind: 'syn', what: 'SYN' },
      { at: 2, direction: 'sideways', what: 'x' },
      { at: 3, direction: 'idle', kind: 'idle', what: 'idle' },
      { at: 4, direction: 'received', what: 'x', bytes: '12' },
      { at: '5', direction: 'sent', what: 'x' },
    ];
    const connections = decodeConnections({
      connections: [
        { ...CONNECTION, timeline: entries },
        { ...CONNECTION, connection: 7 },
        { ...CONNECTION, timeline: 'nope' },
        { ...CONNECTION, role: 'spy', end: { how: 'reset' }, endPhase: 'teleport', id: 3 },
        null,
      ],
    })!;
    expect(connections).toHaveLength(2);
    expect(connections[0]!.timeline.map((e) => e.at)).toEqual([1]);
    expect(connections[1]).toMatchObject({ id: null, role: null, end: null, endPhase: null });
    expect(decodeConnections({ connections: {} })).toBeNull();
    expect(decodeConnections(undefined)).toBeNull();
  });

  it('put the request first and keep the others in run order', () => {
    const [request] = decodeConnections({ connections: [CONNECTION] })!;
    const other = (id: string) => ({ ...request!, id, role: 'concurrency' as const });
    expect([other('c1'), other('c2'), request!, other('c4')].sort(requestFirst).map((c) => c.id)).toEqual([
      'c3',
      'c1',
      'c2',
      'c4',
    ]);
    expect(endedBadly({ ...request!, end: null, outcome: 'complete' })).toBe(false);
  });
});
