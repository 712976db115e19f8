import { describe, expect, it } from 'vitest';
import { decodeConnections, type TimelineEntryRead } from '../../../electron/shared/probe-data-decode.js';
import { decodeResets } from '../../../electron/shared/reset-data-decode.js';
import { demoReport } from '../../dev/sample-run.js';
import { connectionsToDraw, pickConnection, resetsElsewhere, resetsFor } from './connection-picks.js';
import {
  connectionFacts,
  describeEntry,
  outcomeWords,
  resetOriginSentence,
  signalName,
  strengthSentence,
} from './timeline-words.js';
import { errorLine, formatMs } from './words.js';

const timeline = [{ at: 5, direction: 'sent', kind: 'syn', what: 'SYN' }];
const ok = (id: string, role: string, connection: string) => ({
  id,
  role,
  connection,
  outcome: 'complete',
  phase: 'idle',
  timeline,
});

describe('connection picks', () => {
  it('prefer the request connection, then the first TCP connect, by role', () => {
    const connections = decodeConnections({
      connections: [
        ok('c1', 'concurrency', 'concurrency #1'),
        ok('c2', 'connect', 'tcp-connect #1'),
        ok('c3', 'connect', 'tcp-connect #2'),
      ],
    })!;
    expect(pickConnection(connections)?.id).toBe('c2');
    expect(pickConnection([...connections, { ...connections[0]!, id: 'c4', role: 'request' }])?.id).toBe(
      'c4',
    );
    // A label alone does not make a connection the request.
    expect(pickConnection([{ ...connections[0]!, connection: 'request', role: null }])?.id).toBe('c1');
    expect(pickConnection([])).toBeNull();
  });

  it('draw the request connection alone when every connection ended well', () => {
    const connections = decodeConnections({
      connections: [ok('c1', 'connect', 'tcp-connect #1'), ok('c2', 'concurrency', 'concurrency #1')],
    })!;
    expect(connectionsToDraw(connections).map((c) => c.connection)).toEqual(['tcp-connect #1']);
    const withRequest = decodeConnections({
      connections: [ok('c1', 'concurrency', 'concurrency #1'), ok('c2', 'request', 'request')],
    })!;
    expect(connectionsToDraw(withRequest).map((c) => c.connection)).toEqual(['request']);
    const empty = decodeConnections({ connections: [{ ...ok('c1', 'request', 'request'), timeline: [] }] })!;
    expect(connectionsToDraw(empty)).toEqual([]);
  });

  it('draw the demo run’s request first, then every connection that ended badly, with its figures', () => {
    const capture = demoReport()
      .steps.flatMap((s) => s.probes)
      .find((p) => p.id === 'packet-capture')!;
    const drawn = connectionsToDraw(decodeConnections(capture.data)!);
    expect(drawn.map((c) => c.connection)).toEqual([
      'request',
      'concurrency #1',
      'concurrency #2',
      'concurrency #3',
      'concurrency #4',
      'concurrency #5',
    ]);
    expect(connectionFacts(drawn[0]!)).toEqual([
      'request: 0 bytes sent',
      'response: 0 bytes received',
      'ended: reset (RST captured, TTL 61, from 203.0.113.10) at +12.7 ms',
      'phase: TLS handshake',
    ]);
  });

  it('say where a connection came from when the report knows (newer reports)', () => {
    const [c] = decodeConnections({
      connections: [{ ...ok('c2', 'request', 'request'), localAddress: 'fd00::2', localPort: 51234 }],
    })!;
    expect(connectionFacts(c!)[0]).toBe('from [fd00::2]:51234 (this machine)');
  });

  it('join verdicts to connections by id, not by label; a verdict with no id goes with the first drawn', () => {
    const [request, other] = decodeConnections({
      connections: [ok('c2', 'request', 'request'), ok('c5', 'concurrency', 'concurrency #1')],
    })!;
    const resets = decodeResets({
      resets: [
        { origin: 'path', connection: 'request', connectionId: 'c5' },
        { origin: 'server', connection: 'request', connectionId: 'c2' },
        { origin: 'path', connection: 'rate #1', connectionId: 'c9' },
        { origin: 'unknown' },
      ],
    })!;
    expect(resetsFor(request!, resets).map((r) => r.origin)).toEqual(['server', 'unknown']);
    expect(resetsFor(other!, resets, false).map((r) => r.connectionId)).toEqual(['c5']);
    expect(resetsElsewhere(resets, [request!]).map((r) => r.connectionId)).toEqual(['c5', 'c9']);
    expect(resetsElsewhere(resets, [])).toHaveLength(4);
  });
});

describe('timeline words', () => {
  it('say who sent a reset, from whatever a verdict gives', () => {
    const [bare] = decodeResets({ resets: [{ origin: 'path', hop: 4, ttl: 61 }] })!;
    expect(resetOriginSentence(bare!)).toBe('The reset (TTL 61) came from a device on the path (hop 4).');
    expect(resetOriginSentence({ ...bare!, origin: 'local', hop: null, ttl: null })).toBe(
      'The reset came from this machine.',
    );
    expect(strengthSentence(bare!)).toBeNull();
    const signals = [
      { name: 'ttl', vote: 'server' as const, weight: 3, detail: 'TTL 61 matches the SYN-ACK' },
      { name: 'seq', vote: 'path' as const, weight: 0.5, detail: 'sequence off by one' },
    ];
    expect(strengthSentence({ ...bare!, origin: 'server', confidence: 0.86, signals })).toBe(
      'Strength of the signals: moderate (weight 3 for it, 0.5 against).',
    );
    expect(signalName('ttl')).toBe('TTL (how many routers away)');
    expect(signalName('hop-echo')).toBe('hop-echo');
    expect(outcomeWords('time-exceeded')).toMatch(/^ICMP time exceeded/);
    expect(outcomeWords('teleported')).toBe('teleported');
  });

  it('name timeline entries in words', () => {
    const entry = (direction: 'sent' | 'received' | 'event', what: string) =>
      describeEntry({ at: 0, direction, what });
    // Older reports: flags as letters.
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
    // Newer reports: a kind and readable words.
    const kinded = (e: Partial<TimelineEntryRead>) =>
      describeEntry({ at: 0, direction: 'received', what: '', ...e }).label;
    expect(kinded({ kind: 'data', what: '1448 bytes', bytes: 1448 })).toBe('Data (1,448 bytes)');
    expect(kinded({ kind: 'ack', what: 'ACK' })).toBe('ACK');
    expect(kinded({ kind: 'rst', what: 'RST' })).toBe('RST (reset)');
    expect(kinded({ direction: 'sent', kind: 'request', what: 'request 78 bytes', bytes: 78 })).toBe(
      'Request sent (78 bytes)',
    );
    expect(kinded({ direction: 'sent', kind: 'client-hello', what: 'TLS ClientHello' })).toBe(
      'TLS ClientHello',
    );
    expect(kinded({ direction: 'idle', kind: 'idle', what: 'idle 7.0 s', ms: 7000 })).toBe('Idle for 7 s');
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
