import { describe, expect, it } from 'vitest';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { SERVER, conversation, fakeIo, rst, synAck } from '../../../test/unit/fake-io.js';
import type { CapturedPacket } from '../net/capture-types.js';
import type { Conversation, ConversationEvent, ConversationRequest } from '../net/conversation-types.js';
import { packetCaptureProbe, type CapturedConnection } from './packet-capture-probe.js';

const REQUEST = 'GET / HTTP/1.1\r\nHost: web.lab.test\r\nUser-Agent: reset-doctor\r\nAccept: */*\r\n\r\n';

function request(over: Partial<ConversationRequest> = {}): ConversationRequest {
  return {
    address: SERVER,
    port: 80,
    family: 4,
    send: REQUEST,
    readUntil: 'http-response',
    connectTimeoutMs: 1000,
    responseTimeoutMs: 1000,
    ...over,
  };
}

/** A connection that started at `t0`, with its own events given as offsets from it. */
function talk(
  t0: number,
  over: Partial<Conversation>,
  events: [number, ConversationEvent['kind'], number?][],
  req = request(),
): Conversation {
  return conversation(req, {
    startedAt: t0,
    endedAt: t0 + events[events.length - 1]![0],
    events: events.map(([ms, kind, bytes]) => ({
      at: t0 + ms,
      kind,
      ...(bytes !== undefined ? { bytes } : {}),
    })),
    ...over,
  });
}

function data(c: Conversation, at: number, payloadLength: number, ipId = 0): CapturedPacket {
  const base = rst(c, 61, 'PA', at);
  return { ...base, ipId, tcp: { ...base.tcp!, payloadLength, window: 502, optionsLength: 12 } };
}

/** Runs the probe over these probes' connections, with `packets` captured (null: no capture). */
async function run(
  found: Record<string, unknown>,
  packets: ((made: Conversation[]) => CapturedPacket[]) | null,
) {
  const { capture } = fakeIo(packets ? { packets: () => packets([]) } : {});
  const outcome = await packetCaptureProbe.run(probeContext({ capture }, found));
  return outcome;
}

function only(connections: CapturedConnection[], label: string): CapturedConnection {
  const c = connections.find((x) => x.connection === label);
  if (!c) throw new Error(`no connection ${label}`);
  return c;
}

describe('packet-capture probe: timelines and after what each connection ended', () => {
  it('names a reset in the middle of the response with the bytes read and the time since the last data', async () => {
    const c = talk(100, { outcome: 'reset', phase: 'transfer', bytesSent: 78, bytesReceived: 8192 }, [
      [0, 'connect-start'],
      [0.4, 'connected'],
      [0.5, 'sent', 78],
      [12.2, 'first-byte', 1448],
      [12.3, 'headers'],
      [20.3, 'reset'],
    ]);
    const chunks = [1448, 1448, 1448, 1448, 1448, 952];
    const packets = [
      synAck(c, 61),
      ...chunks.map((n, i) => data(c, 112 + i * 1.5, n, 100 + i)),
      rst(c, 61, 'R', 119.9),
    ];
    const out = completed(await run({ request: { conversation: c } }, () => packets));
    const conn = only(out.data.connections, 'request');
    expect(out.data.captured).toBe(true);
    expect(conn.afterWhat).toBe(
      'reset after 8,192 bytes of the response (transfer), 0.4 ms after the last data',
    );
    expect(conn.endPhase).toBe('transfer');
    expect(conn).toMatchObject({ bytesSent: 78, bytesReceived: 8192, bytesCaptured: 8192 });
    expect(conn.end).toEqual({
      how: 'reset',
      at: 119.9,
      afterMs: 19.9,
      from: SERVER,
      ttl: 61,
      captured: true,
    });
    const whats = conn.timeline.map((t) => t.what);
    expect(whats.slice(0, 5)).toEqual(['SYN', 'SYN-ACK', 'connected', 'request 78 bytes', '1448 bytes']);
    expect(whats).toContain('952 bytes');
    expect(whats).toContain('RST');
    expect(conn.timeline.find((t) => t.kind === 'rst')).toMatchObject({
      direction: 'received',
      flags: 'R',
      ttl: 61,
    });
    expect(conn.timeline.some((t) => t.direction === 'idle')).toBe(false);
    expect(out.summary).toBe(
      '8 packets from the target matched 1 connection. request: reset after 8,192 bytes of the response (transfer), 0.4 ms after the last data',
    );
  });

  it('tells a reset on connect, on the request and during TLS apart', async () => {
    const refused = talk(10, { outcome: 'refused', phase: 'connect', bytesSent: 0, bytesReceived: 0 }, [
      [0, 'connect-start'],
      [0.3, 'error'],
    ]);
    const onRequest = talk(50, { outcome: 'reset', phase: 'request', bytesSent: 78, bytesReceived: 0 }, [
      [0, 'connect-start'],
      [0.4, 'connected'],
      [0.5, 'sent', 78],
      [1.0, 'reset'],
    ]);
    const tls = talk(
      80,
      { outcome: 'reset', phase: 'tls', bytesSent: 0, bytesReceived: 0 },
      [
        [0, 'connect-start'],
        [12.3, 'connected'],
        [13.2, 'reset'],
      ],
      request({ port: 443, tls: { servername: 'web.lab.test' } }),
    );
    const packets = () => [
      rst(refused, 61, 'RA', 10.2),
      synAck(onRequest, 61),
      rst(onRequest, 61, 'R', 50.9),
      synAck(tls, 58),
      rst(tls, 61, 'R', 93.0),
    ];
    const out = completed(
      await run(
        {
          'tcp-connect': { attempts: [refused] },
          request: { conversation: onRequest },
          concurrency: { connections: [tls] },
        },
        packets,
      ),
    );
    const [a, b, t] = [
      only(out.data.connections, 'tcp-connect #1'),
      only(out.data.connections, 'request'),
      only(out.data.connections, 'concurrency #1'),
    ];
    // Each timeline carries its connection's id and role: verdicts and the faces join on those.
    expect([a, b, t].map((c) => [c.id, c.role])).toEqual([
      [refused.id, 'connect'],
      [onRequest.id, 'request'],
      [tls.id, 'concurrency'],
    ]);
    expect(a.endPhase).toBe('connect');
    expect(a.afterWhat).toBe('reset on connect: the SYN was answered with a RST');
    expect(a.timeline.map((e) => e.what)).toEqual(['SYN', 'RST', 'error']);
    expect(b.endPhase).toBe('request');
    expect(b.afterWhat).toBe(
      'reset on the request: 78 bytes sent, nothing received, 0.4 ms after sending it',
    );
    expect(t.endPhase).toBe('tls');
    expect(t.timeline.map((e) => e.what)).toEqual([
      'SYN',
      'SYN-ACK',
      'connected',
      'TLS ClientHello',
      'RST',
      'reset',
    ]);
    expect(t.afterWhat).toBe(
      'reset during the TLS handshake: ClientHello sent, nothing received, 0.7 ms after the ClientHello',
    );
    // The request connection is the one the summary names.
    expect(out.summary).toMatch(/\. request: reset on the request: .* \(and 2 others\)$/);
  });

  it('marks the silence and blames the next packet after it for an idle reset', async () => {
    const trial = talk(1000, { outcome: 'reset', phase: 'request', bytesSent: 78, bytesReceived: 0 }, [
      [0, 'connect-start'],
      [0.4, 'connected'],
      [7000.4, 'sent', 78],
      [7000.9, 'reset'],
    ]);
    const survived = talk(
      1000,
      { outcome: 'complete', phase: 'transfer', bytesSent: 78, bytesReceived: 120 },
      [
        [0, 'connect-start'],
        [0.4, 'connected'],
        [2000.4, 'sent', 78],
        [2001, 'first-byte', 120],
        [2001.1, 'headers'],
        [2001.2, 'response-complete', 120],
      ],
    );
    const out = completed(
      await run(
        {
          'idle-timeout': {
            trials: [
              { gapSeconds: 7, conversation: trial },
              { gapSeconds: 2, conversation: survived },
            ],
          },
        },
        () => [synAck(trial, 61), rst(trial, 61, 'R', 8000.7)],
      ),
    );
    const reset = only(out.data.connections, 'idle 7 s');
    const idle = reset.timeline.find((e) => e.direction === 'idle');
    expect(idle).toMatchObject({ what: 'idle 7.0 s', ms: 7000 });
    // The silence sits between the handshake and the request that ended it.
    const order = reset.timeline.map((e) => e.what);
    expect(order.indexOf('idle 7.0 s')).toBe(order.indexOf('connected') + 1);
    expect(order.indexOf('request 78 bytes')).toBe(order.indexOf('idle 7.0 s') + 1);
    expect(reset.endPhase).toBe('idle');
    expect(reset.phase).toBe('request');
    expect(reset.afterWhat).toBe(
      'reset on the next packet after 7.0 s idle: 78 bytes sent, nothing received',
    );
    const ok = only(out.data.connections, 'idle 2 s');
    expect(ok.end.how).toBe('complete');
    expect(ok.afterWhat).toBe('complete: 78 bytes sent, 120 bytes received');
    expect(ok.timeline.filter((e) => e.direction === 'idle').map((e) => e.what)).toEqual(['idle 2.0 s']);
  });

  it('still draws the timelines from the probes’ own events when packets cannot be captured', async () => {
    const c = talk(5, { outcome: 'closed', phase: 'request', bytesSent: 78, bytesReceived: 0 }, [
      [0, 'connect-start'],
      [0.4, 'connected'],
      [0.5, 'sent', 78],
      [300.5, 'fin'],
    ]);
    const out = completed(await run({ request: { conversation: c } }, null));
    expect(out.data).toMatchObject({ captured: false, packetCount: 0 });
    expect(out.data.note).toMatch(/not captured .*setcap cap_net_raw/);
    const conn = only(out.data.connections, 'request');
    expect(conn.timeline.every((e) => e.direction !== 'received')).toBe(true);
    expect(conn.end).toMatchObject({ how: 'fin', at: 305.5, captured: false, ttl: null, from: null });
    expect(conn.bytesCaptured).toBeNull();
    // 300 ms of waiting is most of this connection's life: shown as a silence.
    expect(conn.timeline.find((e) => e.direction === 'idle')?.what).toBe('idle 0.30 s');
    expect(conn.afterWhat).toBe(
      'closed by the peer (FIN) on the request: 78 bytes sent, nothing received, 300 ms after sending it',
    );
    expect(out.summary).toBe(
      "Packets were not captured; 1 connection from the probes' own clocks. request: closed by the peer (FIN) on the request: 78 bytes sent, nothing received, 300 ms after sending it",
    );
  });

  it('is skipped with the way to enable capture when there is nothing to draw', async () => {
    const out = await run({}, null);
    expect(out.status).toBe('skipped');
    expect(out.status === 'skipped' && out.reason).toMatch(/setcap cap_net_raw/);
  });
});

describe('a connection Reset Doctor closed itself', () => {
  it('ends "stopped", not failed: a cancelled idle trial did not end badly', async () => {
    const stopped = talk(
      1000,
      {
        outcome: 'failed',
        phase: 'idle',
        failure: { code: 'cancelled', message: 'cancelled' },
      },
      [
        [0, 'connected'],
        [4000, 'error'],
      ],
    );
    const failed = talk(
      1000,
      {
        outcome: 'failed',
        phase: 'idle',
        failure: { code: 'unknown_failure', message: 'x' },
      },
      [
        [0, 'connected'],
        [4000, 'error'],
      ],
    );
    const end = async (c: Conversation) =>
      only(completed(await run({ request: { conversation: c } }, () => [])).data.connections, 'request').end
        .how;
    expect(await end(stopped)).toBe('stopped');
    expect(await end(failed)).toBe('failed');
  });
});
