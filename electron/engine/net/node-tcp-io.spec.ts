import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SocketState } from './conversation-types.js';
import { createNodeTcpIo } from './node-tcp-io.js';
import type { SocketStateReader } from './socket-state-reader.js';

let server: Server | null = null;
const sockets = new Set<Socket>();

/** A loopback server that reads the request and never answers. */
async function silentServer(): Promise<number> {
  server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('data', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

const start = performance.now();
const now = () => performance.now() - start;

/** What the socket's TCP state says, as a recorded `ss -ti` would: fixed for the whole wait. */
function reader(state: Partial<SocketState>): SocketStateReader {
  return async () => ({
    at: now(),
    unacked: 0,
    retransmits: 0,
    bytesSent: 80,
    bytesAcked: 80,
    bytesReceived: 0,
    rttMs: 0.05,
    ...state,
  });
}

function request(port: number, over: Record<string, unknown> = {}) {
  return {
    address: '127.0.0.1',
    port,
    family: 4 as const,
    send: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
    readUntil: 'http-response' as const,
    connectTimeoutMs: 1000,
    responseTimeoutMs: 200,
    answerWaitMs: 1500,
    ...over,
  };
}

describe('waiting for the answer', () => {
  it('waits up to answerWaitMs while the server has acknowledged the request, and says so', async () => {
    const port = await silentServer();
    const c = await createNodeTcpIo(now, reader({ unacked: 0 })).converse(
      request(port),
      new AbortController().signal,
    );
    expect(c.outcome).toBe('timeout');
    expect(c.endedAt - c.startedAt).toBeGreaterThan(1400);
    expect(c.events.map((e) => e.kind)).toContain('acked');
    expect(c.socketState).toMatchObject({ unacked: 0 });
    expect(c.id).toMatch(/^c\d+$/);
  });

  it('ends early when the request is never acknowledged and retransmitted: its bytes are dropped', async () => {
    const port = await silentServer();
    const c = await createNodeTcpIo(now, reader({ unacked: 1, retransmits: 3, bytesAcked: 0 })).converse(
      request(port),
      new AbortController().signal,
    );
    expect(c.outcome).toBe('timeout');
    expect(c.endedAt - c.startedAt).toBeLessThan(1000);
    expect(c.failure?.message).toMatch(/never acknowledged: retransmitted 3 times/);
  });

  it('without a reading of the socket, waits only the plain response timeout when no wait is asked', async () => {
    const port = await silentServer();
    const c = await createNodeTcpIo(now).converse(
      request(port, { answerWaitMs: undefined }),
      new AbortController().signal,
    );
    expect(c.outcome).toBe('timeout');
    expect(c.endedAt - c.startedAt).toBeLessThan(800);
  });

  it('stops waiting when told to, as a timeout rather than a cancellation', async () => {
    const port = await silentServer();
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const c = await createNodeTcpIo(now, reader({})).converse(
      request(port, { stopWaiting: stop.signal }),
      new AbortController().signal,
    );
    expect(c.outcome).toBe('timeout');
    expect(c.failure?.message).toMatch(/stopped waiting/);
    expect(c.endedAt - c.startedAt).toBeLessThan(1000);
  });

  it('numbers connections in the order they open', async () => {
    const port = await silentServer();
    const io = createNodeTcpIo(now);
    const signal = new AbortController().signal;
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await io.converse(request(port, { readUntil: 'none' }), signal)).id);
    expect(ids).toEqual(['c1', 'c2', 'c3']);
  });
});
