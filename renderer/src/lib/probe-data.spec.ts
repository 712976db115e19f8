import { describe, expect, it } from 'vitest';
import { demoReport } from '../../dev/sample-run.js';
import {
  connectionsToDraw,
  pickConnection,
  readConnections,
  readHops,
  readResetHop,
  readResets,
  readRtts,
  type TimelineEntryView,
} from './probe-data.js';
import {
  confidenceSentence,
  connectionFacts,
  describeEntry,
  outcomeWords,
  resetOriginSentence,
  signalName,
} from './timeline-words.js';
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
    const bare = {
      connection: null,
      origin: 'path',
      hop: 4,
      ttl: 61,
      reason: null,
      signals: [],
      confidence: null,
    };
    expect(readResets({ resets: [{ origin: 'path', hop: 4, ttl: 61 }, { origin: 'mars' }] })).toEqual([bare]);
    expect(resetOriginSentence({ ...bare, origin: 'path' })).toBe(
      'The reset (TTL 61) came from a device on the path (hop 4).',
    );
    expect(resetOriginSentence({ ...bare, origin: 'local', hop: null, ttl: null })).toBe(
      'The reset came from this machine.',
    );
  });

  it('read every signal of a verdict, names they do not know included, and drop malformed ones', () => {
    const [reset] = readResets({
      resets: [
        {
          connection: 'request',
          origin: 'server',
          signals: [
            { name: 'ttl', vote: 'server', weight: 3, detail: 'TTL 61 matches' },
            { name: 'hop-echo', vote: 'neutral', weight: 0, detail: 'new in a later version' },
            { name: 'ip-id', vote: 'maybe', weight: 1, detail: 'bad vote' },
            { name: 'options', vote: 'path', detail: 'no weight given' },
          ],
          confidence: 0.8,
        },
      ],
    })!;
    expect(reset!.signals.map((x) => [x.name, x.vote, x.weight])).toEqual([
      ['ttl', 'server', 3],
      ['hop-echo', 'neutral', 0],
      ['options', 'path', null],
    ]);
    expect(reset!.confidence).toBe(0.8);
    expect(signalName('ttl')).toBe('TTL (how many routers away)');
    expect(signalName('hop-echo')).toBe('hop-echo');
    expect(confidenceSentence(reset!)).toBe('Confidence: 80% of the signals’ weight points to the server.');
    expect(readResets({ resets: [{ origin: 'path', confidence: 7 }] })![0]!.confidence).toBeNull();
  });

  it('read the reset-hop result only when its fields have their shapes, with the attempts by TTL', () => {
    const data = {
      connection: 'request',
      trigger: 'http-request',
      triggerText: 'GET /x HTTP/1.1 (Host web.lab.test)',
      attempts: [
        { ttl: 3, payload: 'trigger', outcome: 'reset', from: '198.18.4.2', rstTtl: 62, ms: 1.2 },
        { ttl: 1, payload: 'trigger', outcome: 'time-exceeded', from: '198.18.1.1', rstTtl: null, ms: 0.3 },
        { ttl: 'x', payload: 'trigger', outcome: 'reset' },
      ],
      lastPassingTtl: 1,
      firstResetTtl: 3,
      controlOutcome: 'answered',
      hop: 3,
      hopAddress: '198.18.3.1',
      verdict: 'located',
      reason: 'hop 3 resets it',
    };
    const view = readResetHop(data)!;
    expect(view.attempts.map((a) => [a.ttl, a.outcome])).toEqual([
      [1, 'time-exceeded'],
      [3, 'reset'],
    ]);
    expect(view).toMatchObject({ hop: 3, hopAddress: '198.18.3.1', controlOutcome: 'answered' });
    expect(readResetHop({ ...data, hop: 'three' })).toBeNull();
    expect(readResetHop({ ...data, attempts: null })).toBeNull();
    expect(readResetHop(null)).toBeNull();
    expect(outcomeWords('time-exceeded')).toMatch(/^ICMP time exceeded/);
    expect(outcomeWords('teleported')).toBe('teleported');
  });

  it('read the connections of the demo run whole: the after-what sentence, the end and the bytes', () => {
    const capture = demoReport()
      .steps.flatMap((s) => s.probes)
      .find((p) => p.id === 'packet-capture')!;
    const connections = readConnections(capture.data)!;
    expect(connections).toHaveLength(7);
    for (const c of connections) {
      expect(c.afterWhat).not.toBeNull();
      expect(c.end).not.toBeNull();
      expect(c.endPhase).not.toBeNull();
      expect(c.bytesSent).not.toBeNull();
    }
    const drawn = connectionsToDraw(connections);
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

  it('draw the request connection alone when every connection ended well', () => {
    const timeline = [{ at: 0, direction: 'sent', what: 'SYN' }];
    const ok = (connection: string) => ({ connection, outcome: 'complete', phase: 'idle', timeline });
    const connections = readConnections({ connections: [ok('tcp-connect #1'), ok('concurrency #1')] })!;
    expect(connectionsToDraw(connections).map((c) => c.connection)).toEqual(['tcp-connect #1']);
    const withRequest = readConnections({ connections: [ok('concurrency #1'), ok('request')] })!;
    expect(connectionsToDraw(withRequest).map((c) => c.connection)).toEqual(['request']);
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
    const kinded = (e: Partial<TimelineEntryView>) =>
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
