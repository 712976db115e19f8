import { describe, expect, it } from 'vitest';
import {
  loadProbeContext,
  tokenBucket,
  type Admit,
  type FakeServer,
} from '../../../test/unit/fake-server.js';
import { completed } from '../../../test/unit/probe-context.js';
import { ordinal } from '../../shared/common-words.js';
import { runOption } from '../../shared/run-options-info.js';
import { connectionRateProbe, rateSteps, type ConnectionRateData } from './connection-rate-probe.js';

const complete = completed<ConnectionRateData>;
const context = (admit: Admit, rateMax: number = runOption('rateMax').default) =>
  loadProbeContext(admit, { concurrency: 8, timeoutSeconds: 0.3, rateMax });

/** The most connections opened within any one second: the rate the server saw. */
function peakPerSecond(server: FakeServer): number {
  const times = server.opened.map((o) => o.at);
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

/** The shortest gap between two openings: never shorter than the bound's interval allows. */
function shortestGapMs(server: FakeServer): number {
  const times = server.opened.map((o) => o.at);
  return Math.min(...times.slice(1).map((t, i) => t - times[i]!));
}

describe('connection rate probe', () => {
  it('ramps 20, 40/s ... and always ends at the bound', () => {
    expect(rateSteps(40)).toEqual([20, 40]);
    expect(rateSteps(100)).toEqual([20, 40, 80, 100]);
    expect(rateSteps(15)).toEqual([15]);
    expect(rateSteps(5)).toEqual([5]);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
  });

  it('says how far along its schedule it is, climbing to 1 at its last opening', async () => {
    const { ctx } = context(() => 'accept');
    const fractions: number[] = [];
    ctx.progress = (_message, fraction) => fractions.push(fraction!);
    const { data } = complete(await connectionRateProbe.run(ctx));
    expect(fractions).toHaveLength(data.attempts.length);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions[0]).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBeCloseTo(1, 5);
  });

  it('accepts every step on a healthy server, within the default bound of 40/s', async () => {
    const { ctx, server } = context(() => 'accept');
    const started = performance.now();
    const { data, assessment, summary } = complete(await connectionRateProbe.run(ctx));
    expect(performance.now() - started).toBeLessThan(900);
    expect(assessment).toBe('ok');
    expect(data.verdict).toBe('clean');
    expect(data.steps.map((s) => [s.rate, s.attempts, s.established])).toEqual([
      [20, 4, 4],
      [40, 8, 8],
    ]);
    expect(data.failingRate).toBeNull();
    expect(shortestGapMs(server)).toBeGreaterThanOrEqual(23);
    expect(summary).toMatch(/^All 12 new connections were accepted at 20, 40\/s/);
  });

  it('stops rising at the first refusal and measures the rate that still gets through', async () => {
    const { ctx, server } = context(tokenBucket(10, 5));
    const { data, assessment, summary } = complete(await connectionRateProbe.run(ctx));
    expect(assessment).toBe('fail');
    expect(data.verdict).toBe('limited');
    expect(data.failingRate).toBe(40);
    expect(data.cleanRate).toBe(20);
    expect(data.steps.at(-1)!.rate).toBe(40);
    // Measured at 40/s for 600 ms past the first refusal: a quarter gets through.
    expect(data.acceptedPerSecond).toBeGreaterThanOrEqual(6);
    expect(data.acceptedPerSecond).toBeLessThanOrEqual(14);
    expect(data.after!.windowMs).toBeGreaterThanOrEqual(550);
    expect(peakPerSecond(server)).toBeLessThanOrEqual(40);
    expect(shortestGapMs(server)).toBeGreaterThanOrEqual(23);
    expect(server.opened.length).toBeLessThanOrEqual(14 + 25);
    expect(summary).toMatch(/^New connections were refused from 40\/s on \(20\/s was clean\)/);
  });

  it('never asks for more than --rate-max', async () => {
    const { ctx, server } = context(() => 'accept', 15);
    const { data } = complete(await connectionRateProbe.run(ctx));
    expect(data.steps.map((s) => s.rate)).toEqual([15]);
    expect(data.rateMax).toBe(15);
    expect(shortestGapMs(server)).toBeGreaterThanOrEqual(1000 / 15 - 3);
  });

  it('a low limit is found at the first step, and the ramp goes no higher', async () => {
    const { ctx, server } = context(tokenBucket(4, 1));
    const { data } = complete(await connectionRateProbe.run(ctx));
    expect(data.verdict).toBe('limited');
    expect(data.failingRate).toBe(20);
    expect(data.cleanRate).toBeNull();
    expect(server.opened.every((o) => o.at - server.opened[0]!.at < 1000)).toBe(true);
    expect(shortestGapMs(server)).toBeGreaterThanOrEqual(47);
  });

  it('waits out what the probes before it left at a limit on connections at once: a refused first connection, then none', async () => {
    let n = 0;
    const { ctx, server } = context(() => (++n <= 2 ? 'refuse' : 'accept'));
    const { data, summary, assessment } = complete(await connectionRateProbe.run(ctx));
    expect(data.verdict).toBe('clean');
    expect(assessment).toBe('ok');
    expect(data.doorRefused).toBe(2);
    expect(data.attempts.every((a) => a.conversation.outcome === 'complete')).toBe(true);
    expect(summary).toMatch(/refused 2 times, 250 ms apart/);
    // The bound holds from the door's connection to the ramp's first.
    expect(shortestGapMs(server)).toBeGreaterThanOrEqual(23);
  });

  it('a server that stops accepting is not a rate limit', async () => {
    let n = 0;
    const { ctx } = context(() => (++n <= 3 ? 'accept' : 'refuse'));
    const { data, summary } = complete(await connectionRateProbe.run(ctx));
    expect(data.verdict).toBe('refusing');
    expect(summary).toMatch(/stopped accepting/);
  });

  it('stops at the first unanswered connection without calling it a limit', async () => {
    let n = 0;
    const { ctx, server } = context(() => (++n === 2 ? 'silent' : 'accept'));
    const { data, assessment } = complete(await connectionRateProbe.run(ctx));
    expect(data.verdict).toBe('unanswered');
    expect(assessment).toBe('warn');
    expect(data.failingRate).toBeNull();
    // The timeout (300 ms) ended during the 40/s step: nothing was opened after it was seen.
    const timedOut = server.opened[1]!;
    const seen = timedOut.at + 300;
    expect(server.opened.filter((o) => o.at > seen + 60)).toHaveLength(0);
  });

  it('is skipped when ping already shows loss: lost SYNs would pass for a limit', async () => {
    const { ctx, server } = loadProbeContext(
      () => 'accept',
      { concurrency: 8, timeoutSeconds: 0.3, rateMax: 40 },
      {
        ping: { lossPercent: 25 },
      },
    );
    const outcome = await connectionRateProbe.run(ctx);
    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(outcome.status === 'skipped' && outcome.reason).toContain('loses 25% of packets');
    expect(server.opened).toHaveLength(0);
  });

  it('is skipped with --rate-max 0', async () => {
    const { ctx, server } = context(() => 'accept', 0);
    expect(await connectionRateProbe.run(ctx)).toMatchObject({
      status: 'skipped',
      reason: 'turned off (0 new connections per second)',
      enables: { option: 'rateMax', value: 40 },
    });
    expect(server.opened).toHaveLength(0);
  });
});
