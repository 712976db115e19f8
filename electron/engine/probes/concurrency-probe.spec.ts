import { describe, expect, it } from 'vitest';
import { conversation } from '../../../test/unit/fake-io.js';
import { HELD_REQUEST, loadProbeContext, type Admit } from '../../../test/unit/fake-server.js';
import { completed } from '../../../test/unit/probe-context.js';
import {
  concurrencyProbe,
  HOLD_MS,
  rampTargets,
  TOP_HOLD_MS,
  type ConcurrencyData,
} from './concurrency-probe.js';
import type { ConnectionRateData } from './connection-rate-probe.js';

const complete = completed<ConcurrencyData>;
const context = (admit: Admit, concurrency: number, more: Record<string, unknown> = {}) =>
  loadProbeContext(admit, { concurrency, timeoutSeconds: 1 }, more);

/** A server that holds at most `limit` connections and refuses the next one, like nft `ct count over`. */
const countLimit =
  (limit: number): Admit =>
  ({ held }) =>
    held >= limit ? 'refuse' : 'accept';

describe('concurrency probe', () => {
  it('ramps 1, 2, 4, ... and always ends at the bound', () => {
    expect(rampTargets(8)).toEqual([1, 2, 4, 8]);
    expect(rampTargets(5)).toEqual([1, 2, 4, 5]);
    expect(rampTargets(1)).toEqual([1]);
    expect(rampTargets(64)).toEqual([1, 2, 4, 8, 16, 32, 64]);
  });

  it('holds all N together on a healthy server, never more than N at once', async () => {
    const { ctx, server } = context(() => 'accept', 8);
    const started = performance.now();
    const { data, assessment, summary } = complete(await concurrencyProbe.run(ctx));
    const took = performance.now() - started;
    expect(assessment).toBe('ok');
    expect(data.limit).toBeNull();
    expect(data.steps.map((s) => s.target)).toEqual([1, 2, 4, 8]);
    expect(data.connections).toHaveLength(8);
    expect(server.maxOpen()).toBe(8);
    expect(data.heldMs).toBeGreaterThanOrEqual(HOLD_MS);
    expect(data.topHeldMs).toBeGreaterThanOrEqual(TOP_HOLD_MS);
    expect(summary).toMatch(/^8 concurrent connections held without a reset/);
    // The whole ramp stays short on a healthy target (held together, not one step after the other).
    expect(took).toBeLessThan(1200);
  });

  it('stops at the first failing step, names the Nth connection and confirms it from nothing', async () => {
    const { ctx, server } = context(countLimit(3), 64);
    const { data, assessment, summary } = complete(await concurrencyProbe.run(ctx));
    expect(assessment).toBe('fail');
    expect(data.limit).toBe(3);
    expect(data.firstFailure).toBe(4);
    expect(data.firstFailureOutcome).toBe('refused');
    // 1, 2, 4: the ramp never went on to 8 (or 64), and the retest opened 3 + 1.
    expect(data.steps).toEqual([
      { target: 1, failed: 0, timedOut: 0 },
      { target: 2, failed: 0, timedOut: 0 },
      { target: 4, failed: 1, timedOut: 0 },
    ]);
    expect(data.connections).toHaveLength(4);
    expect(data.retest).toMatchObject({ established: 3, firstFailure: 4 });
    expect(data.confirmed).toBe(true);
    expect(server.opened).toHaveLength(8);
    expect(server.maxOpen()).toBeLessThanOrEqual(4);
    expect(summary).toMatch(/^Resets began at the 4th concurrent connection: 3 held/);
    expect(summary).toMatch(/a retest from nothing failed at the same count/);
  });

  it('never opens more than the bound, even when the limit lies beyond it', async () => {
    const { ctx, server } = context(countLimit(10), 6);
    const { data } = complete(await concurrencyProbe.run(ctx));
    expect(data.limit).toBeNull();
    expect(data.steps.map((s) => s.target)).toEqual([1, 2, 4, 6]);
    expect(server.opened).toHaveLength(6);
    expect(server.maxOpen()).toBe(6);
  });

  it('opens the connections of a step one after another, so the count is exact', async () => {
    const { ctx, server } = context(countLimit(5), 8);
    const { data } = complete(await concurrencyProbe.run(ctx));
    expect(data.limit).toBe(5);
    expect(data.firstFailure).toBe(6);
    const times = server.opened.slice(0, 8).map((o) => o.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('does not call a one-off reset a limit when the retest holds them all', async () => {
    let n = 0;
    const { ctx } = context(() => (++n === 3 ? 'reset' : 'accept'), 8);
    const { data, summary } = complete(await concurrencyProbe.run(ctx));
    expect(data.limit).toBe(3);
    expect(data.steps).toHaveLength(3);
    expect(data.retest).toMatchObject({ firstFailure: null, established: 4 });
    expect(data.confirmed).toBe(false);
    expect(summary).toMatch(/not a steady limit/);
  });

  it('leaves a new-connection rate limit to the rate probe instead of running into it', async () => {
    const rate = { verdict: 'limited', failingRate: 40, cleanRate: 20, acceptedPerSecond: 9.9 };
    const { ctx, server } = context(() => 'accept', 8, {
      'connection-rate': rate as Partial<ConnectionRateData>,
    });
    expect(await concurrencyProbe.run(ctx)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/already limited to about 9.9 per second/),
    });
    expect(server.opened).toHaveLength(0);
  });

  it('is skipped when turned off, when one connection fails, or when the server stopped accepting', async () => {
    const off = await concurrencyProbe.run(context(() => 'accept', 0).ctx);
    expect(off).toMatchObject({
      status: 'skipped',
      reason: 'turned off (0 connections at once)',
      enables: { option: 'concurrency', value: 8 },
    });
    const single = context(() => 'accept', 8, {
      'tcp-connect': { attempts: [conversation(HELD_REQUEST, { outcome: 'refused' })] },
    });
    expect(await concurrencyProbe.run(single.ctx)).toMatchObject({ status: 'skipped' });
    expect(single.server.opened).toHaveLength(0);
    const crashed = context(() => 'accept', 8, {
      recovery: { attempts: [], stoppedAccepting: true, recoveredAfterMs: null },
    });
    expect(await concurrencyProbe.run(crashed.ctx)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/stopped accepting/),
    });
  });
});
