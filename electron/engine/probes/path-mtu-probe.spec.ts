import { describe, expect, it } from 'vitest';
import { echoAnswer, echoSilence, labDns } from '../../../test/unit/fake-icmp.js';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import type { DiagnosisFacts } from '../diagnosis/diagnosis-facts.js';
import { diagnoseFacts } from '../diagnosis/diagnose.js';
import { facts as baseFacts, requestData } from '../../../test/unit/facts-fixture.js';
import type { Conversation } from '../net/conversation-types.js';
import type { EchoRequest, IcmpIo } from '../net/engine-io.js';
import { locateLimit, type MtuHopResult } from './path-mtu-locate.js';
import { narrowingSizes, pathMtuProbe, type PathMtuData } from './path-mtu-probe.js';
import type { TracerouteData } from './traceroute-probe.js';

const ROUTERS = ['198.18.1.1', '198.18.2.1', '198.18.3.1'];
const SERVER = '198.18.4.2';

interface PathModel {
  /** MTU of link k at index k-1: link 1 joins this machine and hop 1, the last one reaches the server. */
  links: number[];
  /** Routers answer a packet too big for the next link with "fragmentation needed". */
  fragNeeded: boolean;
  /** false: nothing on the path answers ICMP at all. */
  icmp?: boolean;
  /** The first `count` echoes of this packet size are lost (one-off loss, not a size limit). */
  lose?: { size: number; count: number };
}

/**
 * A path of routers as Linux forwards: the TTL is checked on arrival, then the next link's MTU; a
 * "fragmentation needed" teaches this machine the path MTU, after which it refuses larger DF packets
 * itself (EMSGSIZE) as the kernel does. Silence lasts the echo's timeout unless the caller stops waiting.
 */
function fakePath(model: PathModel): { icmp: IcmpIo; sent: EchoRequest[] } {
  const sent: EchoRequest[] = [];
  let learnt: number | null = null;
  let lost = 0;
  const answer = echoAnswer;
  const silence = echoSilence;
  const icmp: IcmpIo = {
    method: 'net-ping',
    echo(request, signal) {
      sent.push(request);
      const packet = (request.size ?? 16) + 28;
      if (model.icmp === false) return silence(request, signal);
      if (model.lose?.size === packet && lost < model.lose.count) {
        lost += 1;
        return silence(request, signal);
      }
      if (request.dontFragment && learnt !== null && packet > learnt)
        return answer({ kind: 'too-big', from: null, message: 'send EMSGSIZE' });
      const ttl = request.ttl ?? 64;
      for (let k = 1; k <= model.links.length; k++) {
        if (packet > model.links[k - 1]!) {
          if (k === 1) return answer({ kind: 'too-big', from: null, message: 'send EMSGSIZE' });
          if (!model.fragNeeded) return silence(request, signal);
          learnt = model.links[k - 1]!;
          // net-ping reports IPv4 "fragmentation needed" as destination unreachable.
          return answer({ kind: 'unreachable', from: ROUTERS[k - 2]! });
        }
        if (k === model.links.length) return answer({ kind: 'reply', from: SERVER });
        if (ttl === k) return answer({ kind: 'time-exceeded', from: ROUTERS[k - 1]! });
      }
      throw new Error('unreachable');
    },
    close() {},
  };
  return { icmp, sent };
}

const DNS = labDns(SERVER);

const TRACE = { destinationHop: 4, reached: true } as TracerouteData;

async function measure(model: PathModel, trace: TracerouteData | null = TRACE) {
  const { icmp, sent } = fakePath(model);
  const env = { io: { icmp }, options: { timeoutSeconds: 1 }, privileges: { raw: true, note: '' } };
  const started = performance.now();
  const outcome = completed(
    await pathMtuProbe.run(probeContext(env, { dns: DNS, ...(trace ? { traceroute: trace } : {}) })),
  );
  return { outcome, data: outcome.data, sent, ms: performance.now() - started };
}

describe('path MTU probe', () => {
  it('finds a black hole to the byte and places it on the link between hop 2 and hop 3', async () => {
    const { outcome, data, sent, ms } = await measure({ links: [1500, 1500, 1280, 1500], fragNeeded: false });
    expect(data).toMatchObject({
      verdict: 'blackhole',
      largestPassing: 1280,
      smallestFailing: 1281,
      pathMtu: 1280,
      exact: true,
      announcedBy: null,
    });
    expect(data.location).toEqual({
      afterHop: 2,
      beforeHop: 3,
      address: '198.18.2.1',
      nextAddress: '198.18.3.1',
      evidence: 'silence',
      exact: true,
    });
    expect(data.hops.map((h) => [h.ttl, h.small.kind, h.big.kind])).toEqual([
      [1, 'time-exceeded', 'time-exceeded'],
      [2, 'time-exceeded', 'time-exceeded'],
      [3, 'time-exceeded', 'timeout'],
      [4, 'reply', 'timeout'],
    ]);
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toContain('Path MTU 1280 bytes');
    expect(outcome.summary).toContain('between hop 2 (198.18.2.1) and hop 3 (198.18.3.1)');
    // Every echo went out with DF set, and the sweep used no more than one echo per TTL and size.
    expect(sent.every((r) => r.dontFragment)).toBe(true);
    expect(sent.filter((r) => r.ttl === 3)).toHaveLength(2);
    // Four rounds that each had silent echoes: waiting out the 800 ms timeout would take 3.2 s.
    expect(ms).toBeLessThan(1600);
  });

  it('walks the TTLs itself when the traceroute has not finished', async () => {
    const { data } = await measure({ links: [1500, 1500, 1280, 1500], fragNeeded: false }, null);
    expect(data.location).toMatchObject({ afterHop: 2, beforeHop: 3 });
    expect(data.hops).toHaveLength(4);
  });

  it('places a limit right after hop 1', async () => {
    const { data } = await measure({ links: [1500, 1400, 1500, 1500], fragNeeded: false });
    expect(data).toMatchObject({ verdict: 'blackhole', pathMtu: 1400, exact: true });
    expect(data.location).toMatchObject({ afterHop: 1, beforeHop: 2, address: '198.18.1.1' });
  });

  it('calls a limit announced with "fragmentation needed" discovery that works, and names the router', async () => {
    const { outcome, data } = await measure({ links: [1500, 1400, 1500, 1500], fragNeeded: true });
    expect(data).toMatchObject({
      verdict: 'pmtud-works',
      pathMtu: 1400,
      exact: true,
      announcedBy: '198.18.1.1',
    });
    // This machine learnt the MTU from the first answers and refuses larger packets from then on.
    expect(data.hops.every((h) => h.big.kind === 'too-big' && h.big.from === null)).toBe(true);
    expect(data.location).toEqual({
      afterHop: 1,
      beforeHop: 2,
      address: '198.18.1.1',
      nextAddress: '198.18.2.1',
      evidence: 'frag-needed',
      exact: true,
    });
    expect(outcome.assessment).toBe('ok');
    expect(outcome.summary).toContain('198.18.1.1 answers "fragmentation needed"');
  });

  it('says the MTU is unknown when nothing answers ICMP, and sends no sweep', async () => {
    const { outcome, data, sent } = await measure({
      links: [1500, 1500, 1500, 1500],
      fragNeeded: false,
      icmp: false,
    });
    expect(data).toMatchObject({ verdict: 'no-icmp', largestPassing: null, pathMtu: null, location: null });
    expect(data.hops).toEqual([]);
    expect(sent.some((r) => r.ttl !== undefined)).toBe(false);
    expect(outcome.summary).toContain('ICMP is filtered');
  });

  it('takes a full-size echo lost in the search but answered on the recheck for loss, not a black hole', async () => {
    const { data } = await measure({
      links: [1500, 1500, 1500, 1500],
      fragNeeded: false,
      lose: { size: 1500, count: 2 },
    });
    expect(data.verdict).toBe('lossy');
    expect(data.location).toBeNull();
  });

  it('reports full-size packets passing as ok, with no sweep', async () => {
    const { data, sent } = await measure({ links: [1500, 1500, 1500, 1500], fragNeeded: false });
    expect(data).toMatchObject({ verdict: 'ok', largestPassing: 1500, smallestFailing: null });
    expect(sent).toHaveLength(18);
  });
});

describe('narrowingSizes', () => {
  it('splits the gap into at most ten sizes, and every size when it is small', () => {
    expect(narrowingSizes(1280, 1400, null)).toHaveLength(10);
    expect(narrowingSizes(1280, 1291, null)).toEqual([
      1281, 1282, 1283, 1284, 1285, 1286, 1287, 1288, 1289, 1290,
    ]);
    expect(narrowingSizes(1400, 1460, 1420)).toEqual([1420, 1421]);
    // The announced MTU already passed: only the byte above it is left to try.
    expect(narrowingSizes(1400, 1460, 1400)).toEqual([1401]);
  });
});

describe('locateLimit', () => {
  const hop = (ttl: number, small: string | null, big: string | null): MtuHopResult => ({
    ttl,
    small: small ? { kind: 'time-exceeded', from: small } : { kind: 'timeout', from: null },
    big: big ? { kind: 'time-exceeded', from: big } : { kind: 'timeout', from: null },
  });

  it('gives a span of links when a silent router hides where the limit is', () => {
    const hops = [hop(1, 'a', 'a'), hop(2, null, null), hop(3, 'c', null)];
    expect(locateLimit(hops, null)).toMatchObject({ afterHop: 1, beforeHop: 3, exact: false });
  });

  it('takes a router that refused the packet in the sweep for the hop before the link', () => {
    const hops = [
      hop(1, 'a', 'a'),
      { ttl: 2, small: { kind: 'time-exceeded', from: 'b' }, big: { kind: 'unreachable', from: 'a' } },
    ] as MtuHopResult[];
    expect(locateLimit(hops, null)).toMatchObject({ afterHop: 1, beforeHop: 2, evidence: 'frag-needed' });
  });
});

describe('mtu-blackhole rule', () => {
  function stalled(bytesReceived: number): Conversation {
    return {
      id: 'c1',
      address: SERVER,
      port: 80,
      localPort: 40000,
      startedAt: 100,
      endedAt: 2104,
      outcome: 'timeout',
      phase: bytesReceived ? 'transfer' : 'request',
      failure: { code: 'generic_timeout', message: 'no answer within 2000 ms' },
      connectMs: 1,
      tlsMs: null,
      firstByteMs: bytesReceived ? 3 : null,
      bytesSent: 99,
      bytesReceived,
      tls: null,
      response: bytesReceived ? { statusCode: 200, statusLine: 'HTTP/1.1 200 OK', headers: {} } : null,
      events: [
        { at: 100, kind: 'connect-start' },
        { at: 101, kind: 'connected' },
        { at: 102, kind: 'sent', bytes: 99 },
        ...(bytesReceived ? [{ at: 104, kind: 'headers' as const }] : []),
        { at: 2104, kind: 'timeout' },
      ],
    };
  }

  function facts(mtu: PathMtuData, conversation: Conversation | null): DiagnosisFacts {
    return baseFacts({ mtu, request: conversation ? requestData(conversation) : null });
  }

  const pathRules = (f: DiagnosisFacts) => diagnoseFacts(f).findings;

  it('ties the stalled response to the size limit and its link, with the MSS that fits', async () => {
    const { data } = await measure({ links: [1500, 1500, 1280, 1500], fragNeeded: false });
    const [finding] = pathRules(facts(data, stalled(1228)));
    expect(finding).toMatchObject({ cause: 'mtu-blackhole', origin: 'path', phase: 'transfer', hop: 3 });
    const evidence = finding!.evidence.map((e) => e.text).join('\n');
    expect(evidence).toContain('1,280-byte echoes with DF set pass, 1,281-byte ones get no answer');
    expect(evidence).toContain('past hop 2 nothing');
    expect(evidence).toContain('the response stalled after 1,228 bytes');
    expect(evidence).toContain('nothing in 2,000 ms');
    expect(finding!.confidence).toBeGreaterThan(0.9);
    expect(finding!.direction).toBe('both');
    const remedies = finding!.remedies!.join('\n');
    expect(remedies).toContain('--set-mss 1240');
    expect(remedies).toContain('tcp option maxseg size set 1240');
    expect(remedies).toContain('icmp code frag-needed accept');
    expect(remedies).toContain('hop 2 (198.18.2.1) and hop 3 (198.18.3.1)');
    expect(remedies).toContain('mtu 1280');
  });

  it('says when not one byte of the response came back', async () => {
    const { data } = await measure({ links: [1500, 1500, 1280, 1500], fragNeeded: false });
    const [finding] = pathRules(facts(data, stalled(0)));
    expect(finding!.phase).toBe('request');
    expect(finding!.evidence.map((e) => e.text).join('\n')).toContain(
      'not one byte of the response came back in 2,002 ms',
    );
  });

  it('finds no black hole when a router announces the limit', async () => {
    const { data } = await measure({ links: [1500, 1400, 1500, 1500], fragNeeded: true });
    expect(
      pathRules(facts(data, stalled(0))).filter((c) => c.cause === 'mtu-blackhole' && c.confidence > 0),
    ).toEqual([]);
  });
});
