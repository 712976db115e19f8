import { describe, expect, it } from 'vitest';
import { conversation } from '../../../test/unit/fake-io.js';
import { HELD_REQUEST } from '../../../test/unit/fake-server.js';
import type { ConversationOutcome } from '../net/conversation-types.js';
import type { ConcurrencyData } from '../probes/concurrency-probe.js';
import type { ConnectionRateData, RateAttempt } from '../probes/connection-rate-probe.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import { connectionLimitRule } from './load-rules.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';

const held = (outcome: ConversationOutcome = 'complete') => conversation(HELD_REQUEST, { outcome });

/** Three held, the fourth refused; the retest from nothing did the same (or held them all). */
function concurrency(confirmed = true): ConcurrencyData {
  const connections = [held(), held(), held(), held('refused')];
  const retest = confirmed ? connections : [held(), held(), held(), held()];
  return {
    requested: 8,
    connections,
    established: 3,
    refused: 1,
    reset: 0,
    timedOut: 0,
    limit: 3,
    steps: [
      { target: 1, failed: 0, timedOut: 0 },
      { target: 2, failed: 0, timedOut: 0 },
      { target: 4, failed: 1, timedOut: 0 },
    ],
    firstFailure: 4,
    firstFailureOutcome: 'refused',
    retest: { connections: retest, established: confirmed ? 3 : 4, firstFailure: confirmed ? 4 : null },
    confirmed,
    gapMs: 10,
    heldMs: 620,
    topHeldMs: 250,
  };
}

/** 10/s and 20/s clean, refusals from the 9th at 40/s, then 6 of 24 through in 600 ms. */
function rate(verdict: ConnectionRateData['verdict'] = 'limited'): ConnectionRateData {
  const attempts: RateAttempt[] = [
    ...[0, 100].map((atMs) => ({ rate: 10, atMs, conversation: held() })),
    ...[200, 250, 300, 350].map((atMs) => ({ rate: 20, atMs, conversation: held() })),
    ...Array.from({ length: 26 }, (_, i) => ({
      rate: 40,
      atMs: 400 + i * 25,
      conversation: held(i < 2 || (i > 2 && i % 4 === 2) ? 'complete' : 'refused'),
    })),
  ];
  return {
    verdict,
    rateMax: 40,
    stepMs: 200,
    steps: [],
    attempts,
    failingRate: 40,
    cleanRate: 20,
    firstFailure: 9,
    firstFailureOutcome: 'refused',
    after: { attempts: 23, established: 6, windowMs: 600 },
    acceptedPerSecond: 10,
  };
}

function reset(connection: string, origin: 'server' | 'path', hop: number | null = null): ResetVerdict {
  return { connection, origin, hop, ttl: origin === 'server' ? 61 : 63 } as ResetVerdict;
}

function facts(over: Partial<DiagnosisFacts>): DiagnosisFacts {
  return { concurrency: null, rate: null, resets: [], captured: true, ...over } as DiagnosisFacts;
}

const words = (r: ResetVerdict | null) => (r ? `RST TTL ${r.ttl}` : 'no RST');

describe('connection-limit rule', () => {
  it('names the Nth concurrent connection, who refused it, and the pool size that stays under it', () => {
    const [finding] = connectionLimitRule(
      facts({ concurrency: concurrency(), resets: [reset('concurrency #4', 'server')] }),
      words,
    );
    expect(finding).toMatchObject({ cause: 'connection-limit', origin: 'server', confidence: 0.9 });
    expect(finding!.evidence[0]).toBe(
      'Concurrency: resets began at the 4th concurrent connection: 3 were held at once (the first for 620 ms), the 4th was refused: its SYN was answered with a reset by the server; ramp 1, 2, 4 of at most 8, while a single connection works.',
    );
    expect(finding!.evidence).toContain(
      'Concurrency retest: from no open connection, 3 held and the 4th failed again.',
    );
    expect(finding!.evidence).toContain('RST TTL 61');
    expect(finding!.remedies![0]).toMatch(
      /^Cap the client's connection pool at 3 connections per client instance/,
    );
    expect(finding!.remedies![1]).toMatch(/raise the concurrent-connection limit on the server above 3/);
  });

  it('is less sure of a threshold the retest did not repeat', () => {
    const [finding] = connectionLimitRule(facts({ concurrency: concurrency(false) }), words);
    expect(finding).toMatchObject({ origin: 'unknown', confidence: 0.55 });
    expect(finding!.evidence.join('\n')).toMatch(/all held, so the limit is not steady/);
  });

  it('names the rate that gets through and the device on the path that refuses the rest', () => {
    const [finding] = connectionLimitRule(
      facts({ rate: rate(), resets: [reset('rate #9 (40/s)', 'path', 2)] }),
      words,
    );
    expect(finding).toMatchObject({ cause: 'connection-limit', origin: 'path', hop: 2, confidence: 0.85 });
    expect(finding!.evidence[0]).toBe(
      'New-connection rate: new connections beyond ~10 per second were refused by hop 2 on the path: at 40/s (20/s passed) the 9th short connection was the first refused, and after it 6 of 23 got through in 600 ms (10/s), while a single connection works.',
    );
    expect(finding!.remedies![0]).toMatch(
      /^Open fewer than ~10 new connections per second \(e\.g\. at most 8\/s\)/,
    );
    expect(finding!.remedies![1]).toMatch(/rate limit on the device at hop 2/);
  });

  it('says nothing without a limit, or when the server simply stopped accepting', () => {
    expect(connectionLimitRule(facts({}), words)).toEqual([]);
    expect(connectionLimitRule(facts({ rate: rate('refusing') }), words)).toEqual([]);
  });
});
