import { describe, expect, it } from 'vitest';
import {
  conv,
  droppedRequest,
  facts,
  idleData,
  judged,
  mtuData,
  pingData,
  requestData,
  requestsData as requests,
  tcpData,
} from '../../../../test/unit/facts-fixture.js';
import type { Finding } from '../../../shared/cause-info.js';
import { codeParts } from '../../../shared/code-spans.js';
import type { Conversation } from '../../net/conversation-types.js';
import type { IdleTrial } from '../../probes/idle-probe.js';
import type { ResetHopData } from '../../probes/reset-hop-probe.js';
import type { DiagnosisFacts } from '../diagnosis-facts.js';
import { diagnoseFacts } from '../diagnose.js';
import { CAUSES } from './registry.js';

// Every cause's texts as a verdict shows them: remedies that do not repeat one another, and no backtick
// left over as a character (remedies and settle steps mark code with pairs the faces turn into code;
// evidence is shown as it is, so a backtick there is always a stray).

const ok = () => conv({ outcome: 'complete', at: 5 });
const quickReset = () => conv({ outcome: 'reset', at: 3 });

const located: ResetHopData = {
  connection: 'request',
  trigger: 'http-request',
  triggerText: 'GET / HTTP/1.1 (Host web.lab.test)',
  attempts: [],
  lastPassingTtl: 2,
  firstResetTtl: 3,
  controlOutcome: 'time-exceeded',
  hop: 2,
  hopAddress: '198.18.2.1',
  exact: true,
  verdict: 'located',
  reason: 'Replayed the request with TTL 1 to 3: TTL 3 was reset, so hop 2 sent it.',
};

/** An idle connection whose next packet got no answer: a device that forgets and drops. */
const noAnswerAfter = (gapSeconds: number): IdleTrial => ({
  round: 1,
  gapSeconds,
  result: 'no-answer',
  closedAfterSeconds: null,
  idleSeconds: gapSeconds,
  conversation: conv({ outcome: 'timeout', at: gapSeconds * 1000 }),
});

const resetsOf = (list: Conversation[], origin: 'server' | 'path', over = {}) =>
  list.filter((c) => c.outcome === 'reset').map((c) => judged(c, origin, over));

/** One run per way a cause is shaped; together they give every cause in the registry a finding. */
function scenarios(): [string, Partial<DiagnosisFacts>][] {
  const every = Array.from({ length: 11 }, quickReset);
  const third = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? quickReset() : ok()));
  const cutoffs = [2510, 2490, 2530, 2505].map((at) => conv({ outcome: 'reset', at }));
  const refused = conv({ outcome: 'refused', at: 1 });
  const acceptReset = conv({ outcome: 'reset', at: 1, phase: 'connect' });
  const dropped = droppedRequest();
  const held = Array.from({ length: 3 }, ok);
  return [
    ['dns', { dns: { failure: { code: 'dns_nxdomain', message: 'not found' }, durationMs: 3 } as never }],
    ['unreachable', { tcp: tcpData(conv({ outcome: 'unreachable', at: 1 })) }],
    [
      'refused by the server',
      { tcp: tcpData(refused), resets: [judged(refused, 'server', { role: 'connect' })] },
    ],
    ['refused, not captured', { tcp: tcpData(refused), captured: false }],
    [
      'reset on accept',
      { tcp: tcpData(acceptReset), resets: [judged(acceptReset, 'server', { role: 'connect' })] },
    ],
    ['dropped', { ...requests([dropped]), repeats: null, ping: pingData() }],
    ['reset by hop 2, located', { ...requests(every), resets: resetsOf(every, 'path'), resetHop: located }],
    ['reset by hop 2, not replayed', { ...requests(every), resets: resetsOf(every, 'path') }],
    [
      'reset by a local rule',
      { ...requests(every), resets: resetsOf(every, 'path', { hopsAway: 0, hop: null }) },
    ],
    ['every third reset by the server', { ...requests(third), resets: resetsOf(third, 'server') }],
    [
      'reset, no socket',
      { ...requests(every), resets: resetsOf(every, 'server', { senderState: 'no-socket' }) },
    ],
    [
      'cut off by the server',
      { ...requests(cutoffs.slice(0, 1), cutoffs.slice(1)), resets: resetsOf(cutoffs, 'server') },
    ],
    [
      'cut off by the path',
      { ...requests(cutoffs.slice(0, 1), cutoffs.slice(1)), resets: resetsOf(cutoffs, 'path') },
    ],
    ['idle, path', { ...requests([ok()]), idle: idleData({}) }],
    ['idle, server', { ...requests([ok()]), idle: idleData({ side: 'server' }) }],
    ['idle, silent', { ...requests([ok()]), idle: idleData({ trials: [2, 4].map(noAnswerAfter) }) }],
    [
      'crashed',
      {
        ...requests(every),
        recovery: {
          attempts: [{ outcome: 'refused', afterMs: 20 }],
          stoppedAccepting: true,
          recoveredAfterMs: 800,
        } as never,
      },
    ],
    ['lossy', { ...requests([conv({ outcome: 'timeout', at: 3000 })]), ping: pingData(30) }],
    [
      'mtu',
      {
        tcp: tcpData(conv({ outcome: 'complete', at: 300, bytes: 0 })),
        request: requestData(
          conv({ outcome: 'timeout', at: 1002 }),
          conv({ outcome: 'complete', at: 4, bytes: 1 }),
        ),
        mtu: mtuData(),
      },
    ],
    [
      'a limit of 3 at once',
      {
        ...requests([ok()]),
        concurrency: {
          requested: 8,
          connections: [...held, conv({ outcome: 'refused', at: 1 })],
          established: 3,
          refused: 1,
          reset: 0,
          timedOut: 0,
          limit: 3,
          steps: [],
          firstFailure: 4,
          firstFailureOutcome: 'refused',
          retest: null,
          confirmed: true,
          gapMs: 5,
          heldMs: 200,
          topHeldMs: 200,
        },
      },
    ],
  ];
}

const findings: [string, Finding][] = scenarios().flatMap(([name, over]) =>
  diagnoseFacts(facts(over)).findings.map((f): [string, Finding] => [`${name}: ${f.cause}`, f]),
);

/** The words of a remedy, for telling near-same wording apart from two remedies that share a topic. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z]{4,}/g) ?? []);
}

/** Share of two remedies' words they have in common (of all their words): past this, one is a copy of the other. */
const NEAR_SAME = 0.5;

function overlap(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((w) => b.has(w)).length;
  return shared / new Set([...a, ...b]).size;
}

/** What a remedy is about: its words up to the first colon or full stop ("TCP keep-alive every 2 s"). */
function lead(text: string): string {
  return text
    .split(/:|\.\s/)[0]!
    .trim()
    .toLowerCase();
}

describe("every cause's texts", () => {
  it('the scenarios give every cause in the registry a finding', () => {
    const seen = new Set(findings.map(([, f]) => f.cause));
    expect(CAUSES.map((c) => c.cause).filter((c) => !seen.has(c))).toEqual([]);
  });

  it.each(findings)(
    '%s: no remedy repeats another (same text, same lead, same command, near-same words)',
    (_, f) => {
      const r = f.remedies;
      const commands = r.flatMap((t, i) =>
        codeParts(t).flatMap((p) => (p.code ? [[p.text, i] as const] : [])),
      );
      expect(new Set(r).size).toBe(r.length);
      // A remedy whose subject another one already names in passing says it a second time.
      const restated = r.flatMap((a, i) =>
        r.flatMap((b, j) => (i !== j && b.toLowerCase().includes(lead(a)) ? [lead(a)] : [])),
      );
      expect(restated).toEqual([]);
      for (const [cmd, i] of commands)
        expect(commands.filter(([c, j]) => c === cmd && j !== i).map(([c]) => c)).toEqual([]);
      const nearSame = r.flatMap((a, i) =>
        r.slice(i + 1).flatMap((b) => (overlap(words(a), words(b)) >= NEAR_SAME ? [[a, b]] : [])),
      );
      expect(nearSame).toEqual([]);
      expect(r.length).toBeLessThanOrEqual(5);
    },
  );

  it('a located device is asked about once: its remedy names the hop, no general "ask the owner" beside it', () => {
    const [, f] = findings.find(([name]) => name === 'reset by hop 2, located: firewall-reset')!;
    expect(f.remedies.filter((r) => /owner/i.test(r))).toHaveLength(1);
    expect(f.remedies[0]).toContain('hop 2 (198.18.2.1)');
  });

  it('an idle timeout: one change a remedy, the first thing to change first', () => {
    const idle = (name: string) => findings.find(([n]) => n === `${name}: idle-timeout`)![1].remedies;
    const path = idle('idle, path');
    expect(path).toHaveLength(4);
    expect(path[0]).toMatch(
      /^A device on the path .* answers the next packet with a reset\. .*TCP keep-alive every 1 s/,
    );
    expect(path[1]).toMatch(/^Or close idle connections .* pool idle timeout of 1 s/);
    expect(path[2]).toMatch(/^Python requests\/urllib3/);
    expect(path[3]).toMatch(/^Or raise the idle timeout of the device/);
    expect(idle('idle, silent')[0]).toMatch(/drops their next packets/);
    expect(idle('idle, server')).toHaveLength(3);
  });

  it.each(findings)('%s: no backtick shown as a character', (_, f) => {
    for (const e of [...f.evidence, ...f.against]) expect(e.text).not.toContain('`');
    for (const t of [...f.remedies, ...f.settle.map((s) => s.text)])
      for (const p of codeParts(t)) if (!p.code) expect(p.text, t).not.toContain('`');
  });
});
