import { setMaxListeners } from 'node:events';
import type { ResolvedAddress, RttStats } from '../../shared/probe-data-info.js';
import type { IcmpIo } from '../net/engine-io.js';
import type { ProbeContext, ProbeOutcome } from '../runner/probe-types.js';
import { dnsProbe } from './dns-probe.js';

/**
 * The address the network probes talk to. IPv4 first when the name has both: the captured TTL, which
 * says who sent a reset, is only readable for IPv4 here (IPv6 raw sockets hide the hop limit).
 */
export function targetAddress(ctx: Pick<ProbeContext, 'results'>): ResolvedAddress | null {
  return preferredAddress(ctx.results.data(dnsProbe)?.addresses ?? []);
}

/**
 * The address the probes talk to: IPv4 first, because the capture reads a TTL there and gets no hop
 * limit for IPv6, and a reset's sender is told by it.
 */
export function preferredAddress(addresses: ResolvedAddress[]): ResolvedAddress | null {
  return addresses.find((a) => a.family === 4) ?? addresses[0] ?? null;
}

export const NO_ADDRESS = 'the target has no address to probe (DNS gave none)';

export function rttStats(values: number[]): RttStats | null {
  if (values.length === 0) return null;
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - avg) ** 2, 0) / values.length;
  const r = (n: number) => Math.round(n * 1000) / 1000;
  return {
    minMs: r(Math.min(...values)),
    avgMs: r(avg),
    maxMs: r(Math.max(...values)),
    stddevMs: r(Math.sqrt(variance)),
  };
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Per-answer wait: the person's --timeout, but never so long that a lost packet stalls a step. */
export function answerTimeoutMs(ctx: Pick<ProbeContext, 'env'>, capMs: number): number {
  return Math.min(ctx.env.options.timeoutSeconds * 1000, capMs);
}

export function ms(value: number): string {
  return value < 10 ? `${value.toFixed(3)} ms` : `${value.toFixed(1)} ms`;
}

/** One signal for several reasons to stop; as with the step's signal, many waits may listen to it. */
export function anySignal(...signals: AbortSignal[]): AbortSignal {
  const signal = AbortSignal.any(signals);
  setMaxListeners(0, signal);
  return signal;
}

/** What every ICMP probe needs first: an address, and a way to send echoes (raw sockets or ping). */
export function icmpReady(
  ctx: Pick<ProbeContext, 'results' | 'env'>,
): { target: ResolvedAddress; icmp: IcmpIo } | { skip: ProbeOutcome<never> } {
  const target = targetAddress(ctx);
  if (!target) return { skip: { status: 'skipped', reason: NO_ADDRESS } };
  const icmp = ctx.env.io.icmp;
  if (!icmp) {
    const reason = `ICMP needs raw sockets or the system ping tool, and neither is available. ${ctx.env.privileges.note}`;
    return { skip: { status: 'skipped', reason } };
  }
  return { target, icmp };
}

/** first, 2·first, 4·first, ... below the bound, then the bound itself: a ramp that always ends there. */
export function doublingRamp(first: number, bound: number): number[] {
  const steps: number[] = [];
  for (let n = first; n < bound; n *= 2) steps.push(n);
  steps.push(bound);
  return steps;
}
