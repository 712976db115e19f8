import { describe, expect, it } from 'vitest';
import { pickConnection, readConnections, readHops, readResets, readRtts } from './probe-data.js';
import { describeEntry, resetOriginSentence } from './timeline-words.js';
import { errorLine, formatMs } from './words.js';

describe('probe data readers', () => {
  it('read hops only when every hop has the expected shape', () => {
    const hop = { ttl: 1, address: '10.0.0.1', rttMs: 0.4, rttsMs: [0.4], lossPercent: 0, kind: 'router' };
    expect(readHops({ hops: [hop] })).toEqual([{ ttl: 1, address: '10.0.0.1', rttMs: 0.4, lossPercent: 0 }]);
    expect(readHops({ hops: [hop, { ...hop, ttl: '2' }] })).toBeNull();
    expect(readHops({ hops: [] })).toBeNull();
    expect(readHops(null)).toBeNull();
    expect(readRtts({ rttsMs: [1.2, null, 3] })).toEqual([1.2, null, 3]);
    expect(readRtts({ rttsMs: [1.2, 'x'] })).toBeNull();
  });

  it('prefer the request connection, then the first TCP connect, for the timeline', () => {
    const timeline = [{ at: 5, direction: 'sent', what: 'SYN' }];
    const data = {
      connections: [
        { connection: 'concurrency #1', outcome: 'complete', phase: 'idle', timeline },
        { connection: 'tcp-connect #1', outcome: 'complete', phase: 'idle', timeline },
        { connection: 'broken', timeline: 'nope' },
      ],
    };
    const connections = readConnections(data)!;
    expect(connections.map((c) => c.connection)).toEqual(['concurrency #1', 'tcp-connect #1']);
    expect(pickConnection(connections)?.connection).toBe('tcp-connect #1');
    expect(pickConnection([...connections, { ...connections[0]!, connection: 'request' }])?.connection).toBe(
      'request',
    );
    expect(readConnections({ connections: [] })).toEqual([]);
  });

  it('read reset verdicts leniently: only the origin is required', () => {
    expect(readResets({ resets: [{ origin: 'path', hop: 4, ttl: 61 }, { origin: 'mars' }] })).toEqual([
      { connection: null, origin: 'path', hop: 4, ttl: 61, reason: null },
    ]);
    expect(resetOriginSentence({ connection: null, origin: 'path', hop: 4, ttl: 61, reason: null })).toBe(
      'The reset (TTL 61) came from a device on the path (hop 4).',
    );
    expect(
      resetOriginSentence({ connection: null, origin: 'local', hop: null, ttl: null, reason: null }),
    ).toBe('The reset came from this machine.');
  });

  it('name timeline entries in words', () => {
    const entry = (direction: 'sent' | 'received' | 'event', what: string) =>
      describeEntry({ at: 0, direction, what });
    expect(entry('received', 'SA')).toEqual({ kind: 'syn-ack', label: 'SYN-ACK' });
    expect(entry('received', 'RA')).toEqual({ kind: 'rst', label: 'RST (reset)' });
    expect(entry('received', 'PA 1460 bytes')).toEqual({ kind: 'data', label: 'Data (1,460 bytes)' });
    expect(entry('received', 'FA')).toEqual({ kind: 'fin', label: 'FIN (close)' });
    expect(entry('sent', 'sent 100 bytes')).toEqual({ kind: 'sent', label: 'Request sent (100 bytes)' });
    expect(entry('event', 'first-byte 512 bytes')).toEqual({
      kind: 'event',
      label: 'First byte of the answer (512 bytes)',
    });
    expect(entry('event', 'tls-done')).toEqual({ kind: 'event', label: 'TLS handshake complete' });
  });
});

describe('words', () => {
  it('turn any thrown error into one line for people', () => {
    expect(
      errorLine(new Error("Error invoking remote method 'report:export': Error: disk full\n    at x")),
    ).toBe('disk full');
    expect(errorLine(new TypeError('TypeError: x is not a function'))).toBe('x is not a function');
    expect(errorLine('plain text')).toBe('plain text');
    expect(errorLine({})).toBe('unknown error');
  });

  it('give milliseconds the precision their size needs', () => {
    expect([0.05234, 4.81, 41.73, 312.4, 5012.8].map(formatMs)).toEqual([
      '0.052 ms',
      '4.81 ms',
      '41.7 ms',
      '312 ms',
      '5,013 ms',
    ]);
  });
});
