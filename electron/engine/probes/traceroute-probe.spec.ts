/**
 * The traceroute finds each hop whichever way it pings; without raw sockets (one process per query) it
 * sends only the hops the path's length calls for, and all of them when that length is unknown or wrong.
 */
import { describe, expect, it } from 'vitest';
import type { EchoRequest, IcmpIo } from '../net/engine-io.js';
import { echoAnswer, echoSilence, labDns } from '../../../test/unit/fake-icmp.js';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { pathLength, tracerouteProbe } from './traceroute-probe.js';

const SERVER = '198.18.4.2';
const ROUTERS = ['198.18.1.1', '198.18.2.1', '198.18.3.1'];
const router = (hop: number): string => ROUTERS[hop - 1] ?? `198.18.${hop}.1`;

interface PathModel {
  method: 'net-ping' | 'system-ping';
  /** Routers before the server: 3 unless said. */
  routers?: number;
  /** The routers' hops (1-based) that never answer. */
  silent?: number[];
  /** The server does not answer echoes at all. */
  serverSilent?: boolean;
  /** The way back is this many hops shorter than the way there (the reply's TTL undercounts). */
  shorterBack?: number;
}

/** Routers at hops 1-3 (or `routers`), the server after them; its replies leave with TTL 64. */
function fakePath(model: PathModel): { icmp: IcmpIo; sent: EchoRequest[] } {
  const sent: EchoRequest[] = [];
  const answer = echoAnswer;
  const silence = echoSilence;
  const icmp: IcmpIo = {
    method: model.method,
    echo(request, signal) {
      sent.push(request);
      const ttl = request.ttl ?? 64;
      const routers = model.routers ?? ROUTERS.length;
      if (ttl <= routers) {
        if (model.silent?.includes(ttl)) return silence(request, signal);
        return answer({ kind: 'time-exceeded', from: router(ttl) });
      }
      if (model.serverSilent === true) return silence(request, signal);
      const back = routers - (model.shorterBack ?? 0);
      return answer({ kind: 'reply', from: SERVER, replyTtl: 64 - back });
    },
    close() {},
  };
  return { icmp, sent };
}

const DNS = labDns(SERVER);

async function trace(model: PathModel) {
  const { icmp, sent } = fakePath(model);
  const env = { io: { icmp }, options: { timeoutSeconds: 1 }, privileges: { raw: false, note: '' } };
  const { data } = completed(await tracerouteProbe.run(probeContext(env, { dns: DNS })));
  const hops = data.hops.map((hop) => hop.address ?? '*');
  return { data, hops, sent, ttls: sent.map((request) => request.ttl ?? null) };
}

describe('traceroute probe', () => {
  it('sends every hop three times with raw sockets', async () => {
    const { hops, data, sent } = await trace({ method: 'net-ping', silent: [2] });
    expect(hops).toEqual([ROUTERS[0], '*', ROUTERS[2], SERVER]);
    expect(data.reached).toBe(true);
    expect(sent).toHaveLength(90);
  });

  it('without raw sockets, asks the path length first and sends only the hops it calls for', async () => {
    const { hops, data, ttls } = await trace({ method: 'system-ping', silent: [2] });
    expect(hops).toEqual([ROUTERS[0], '*', ROUTERS[2], SERVER]);
    expect(data).toMatchObject({ reached: true, destinationHop: 4 });
    // The echo without a TTL, the first eight hops, and one past the guessed length and its margin.
    expect(ttls.filter((ttl) => ttl === null)).toHaveLength(1);
    expect(Math.max(...ttls.filter((ttl): ttl is number => ttl !== null))).toBeLessThanOrEqual(9);
    expect(ttls.length).toBeLessThanOrEqual(10);
  });

  it('sends every hop when the target does not answer, and finds the routers', async () => {
    const { hops, data, ttls } = await trace({ method: 'system-ping', serverSilent: true });
    expect(hops.slice(0, 3)).toEqual(ROUTERS);
    expect(data.reached).toBe(false);
    expect(new Set(ttls.filter((ttl) => ttl !== null)).size).toBe(30);
  });

  it('goes on past the guessed length when the hop there is still a router', async () => {
    // Twelve routers on the way there, four on the way back: the reply's TTL says five hops.
    const { hops, data } = await trace({ method: 'system-ping', routers: 12, shorterBack: 8 });
    expect(data).toMatchObject({ reached: true, destinationHop: 13 });
    expect(hops).toEqual([...Array.from({ length: 12 }, (_, k) => router(k + 1)), SERVER]);
  });

  it('reads the hops a reply crossed from its TTL, whatever the sender started at', () => {
    expect(pathLength(61)).toBe(4);
    expect(pathLength(118)).toBe(11);
    expect(pathLength(250)).toBe(6);
    expect(pathLength(undefined)).toBeNull();
    expect(pathLength(0)).toBeNull();
  });
});
