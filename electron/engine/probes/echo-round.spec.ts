/**
 * A round of echoes: with the system ping tool, alike echoes go out as one series per kind; a tool that
 * refuses a series gets them one by one; with raw sockets every echo is its own.
 */
import { describe, expect, it } from 'vitest';
import type { EchoRequest, EchoResult, IcmpIo } from '../net/engine-io.js';
import { echoRound } from './echo-round.js';

function fakeIcmp(method: string, seriesWorks: boolean) {
  const calls: { kind: 'echo' | 'series'; size: number; count: number }[] = [];
  const answer = (request: EchoRequest): EchoResult =>
    (request.size ?? 0) > 1400
      ? { kind: 'timeout', from: null, rttMs: 800 }
      : { kind: 'reply', from: '198.18.4.2', rttMs: 1 };
  const icmp: IcmpIo = {
    method,
    echo(request) {
      calls.push({ kind: 'echo', size: request.size ?? 0, count: 1 });
      return Promise.resolve(answer(request));
    },
    series(request, count) {
      calls.push({ kind: 'series', size: request.size ?? 0, count });
      return Promise.resolve(seriesWorks ? Array.from({ length: count }, () => answer(request)) : null);
    },
    close() {},
  };
  return { icmp, calls };
}

const request = (size: number): EchoRequest => ({
  address: '198.18.4.2',
  family: 4,
  size,
  dontFragment: true,
  timeoutMs: 800,
});
const ROUND = [request(1472), request(1472), request(1372), request(1372), request(1200)];

describe('echoRound', () => {
  it('sends the tries of one size as one series with the system ping tool, answers in order', async () => {
    const { icmp, calls } = fakeIcmp('system-ping', true);
    const results = await echoRound(icmp, ROUND, new AbortController().signal);
    expect(results.map((r) => r.kind)).toEqual(['timeout', 'timeout', 'reply', 'reply', 'reply']);
    expect(calls).toEqual([
      { kind: 'series', size: 1472, count: 2 },
      { kind: 'series', size: 1372, count: 2 },
      { kind: 'echo', size: 1200, count: 1 },
    ]);
  });

  it('sends them one by one when the tool refuses a series', async () => {
    const { icmp, calls } = fakeIcmp('system-ping', false);
    const results = await echoRound(icmp, ROUND, new AbortController().signal);
    expect(results.map((r) => r.kind)).toEqual(['timeout', 'timeout', 'reply', 'reply', 'reply']);
    expect(calls.filter((c) => c.kind === 'echo')).toHaveLength(ROUND.length + 1);
  });

  it('sends every echo on its own with raw sockets', async () => {
    const { icmp, calls } = fakeIcmp('net-ping', true);
    await echoRound(icmp, ROUND, new AbortController().signal);
    expect(calls.map((c) => c.kind)).toEqual(Array.from(ROUND, () => 'echo'));
  });
});
