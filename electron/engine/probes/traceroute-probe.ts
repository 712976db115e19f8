import type { Hop, TracerouteData, TracerouteProgress } from '../../shared/probe-data-info.js';
import type { EchoResult } from '../net/engine-io.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { answerTimeoutMs, anySignal, icmpReady, rttStats, sleep } from './probe-helpers.js';

// Declared where the faces read it too (the traceroute picture).
export type { TracerouteData } from '../../shared/probe-data-info.js';

const MAX_HOPS = 30;
const QUERIES = 3;
const QUERY_SPACING_MS = 20;
// As traceroute(8)'s NEAR factor: once the destination answered, a silent hop gets this many times the
// slowest round trip seen (never less than the floor) before it is called silent.
const NEAR_FACTOR = 10;
const NEAR_FLOOR_MS = 50;

/** Ends the wait for silent hops early once the destination has answered, instead of a full timeout. */
class EarlyFinish {
  private readonly controller = new AbortController();
  private reachedEnd = false;
  private sent = false;
  private slowestMs = 0;
  private timer: NodeJS.Timeout | null = null;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  answered(result: EchoResult) {
    if (result.kind === 'timeout' || result.kind === 'error') return;
    this.slowestMs = Math.max(this.slowestMs, result.rttMs);
    if (result.kind === 'reply' || result.kind === 'unreachable') this.reachedEnd = true;
    this.arm();
  }

  allSent() {
    this.sent = true;
    this.arm();
  }

  private arm() {
    if (!this.sent || !this.reachedEnd) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => this.controller.abort(),
      Math.max(NEAR_FLOOR_MS, this.slowestMs * NEAR_FACTOR),
    );
    this.timer.unref();
  }
}

/**
 * Every TTL is probed at once: a silent hop costs one timeout for the whole trace, not one per hop as
 * in net-ping's traceRoute(). Rounds are spaced a little so routers' ICMP rate limits are not hit.
 */
export const tracerouteProbe: ProbeDefinition<TracerouteData> = {
  id: 'traceroute',
  title: 'Traceroute',
  async run(ctx) {
    const ready = icmpReady(ctx);
    if ('skip' in ready) return ready.skip;
    const { target, icmp } = ready;
    const timeoutMs = answerTimeoutMs(ctx, 1000);
    // One query per TTL with the system tool: each is a process.
    const queries = icmp.method === 'system-ping' ? 1 : QUERIES;
    const early = new EarlyFinish();
    const signal = anySignal(ctx.signal, early.signal);
    const pending: Promise<{ ttl: number; query: number; result: EchoResult }>[] = [];
    for (let query = 0; query < queries; query++) {
      for (let ttl = 1; ttl <= MAX_HOPS; ttl++) {
        const p = icmp.echo({ address: target.address, family: target.family, ttl, timeoutMs }, signal).catch(
          // Stopped early: the hop did not answer in the time its neighbours' answers allow.
          (): EchoResult => ({ kind: 'timeout', from: null, rttMs: timeoutMs }),
        );
        pending.push(
          p.then((result) => {
            early.answered(result);
            if (result.kind !== 'timeout')
              ctx.progress(`hop ${ttl}: ${result.from ?? '*'}`, null, {
                ttl,
                from: result.from,
                rttMs: result.rttMs,
              } satisfies TracerouteProgress);
            return { ttl, query, result };
          }),
        );
      }
      if (query < queries - 1) await sleep(QUERY_SPACING_MS, ctx.signal);
    }
    early.allSent();
    const answers = await Promise.all(pending);
    if (ctx.signal.aborted) return { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } };
    const data = buildTrace(target.address, icmp.method, answers);
    return {
      status: 'complete',
      summary: summarize(data),
      assessment: data.unreachableAt ? 'fail' : data.reached ? 'ok' : 'warn',
      data,
    };
  },
};

export function buildTrace(
  address: string,
  method: string,
  answers: { ttl: number; query: number; result: EchoResult }[],
): TracerouteData {
  const byTtl = new Map<number, EchoResult[]>();
  for (const a of answers) byTtl.set(a.ttl, [...(byTtl.get(a.ttl) ?? []), a.result]);
  const terminal = (r: EchoResult) => r.kind === 'reply' || r.kind === 'unreachable';
  const ends = [...byTtl.entries()].filter(([, rs]) => rs.some(terminal)).map(([ttl]) => ttl);
  const lastAnswering = Math.max(
    0,
    ...[...byTtl.entries()].filter(([, rs]) => rs.some((r) => r.from)).map(([ttl]) => ttl),
  );
  const endTtl = ends.length > 0 ? Math.min(...ends) : Math.min(MAX_HOPS, lastAnswering + 1);
  const hops: Hop[] = [];
  for (let ttl = 1; ttl <= endTtl; ttl++) {
    const results = byTtl.get(ttl) ?? [];
    const answered = results.filter((r) => r.from !== null && r.kind !== 'timeout' && r.kind !== 'error');
    const address = mostFrequent(answered.map((r) => r.from!));
    const rtts = answered.map((r) => r.rttMs);
    const kind =
      answered.length === 0
        ? 'silent'
        : answered.some((r) => r.kind === 'reply')
          ? 'destination'
          : answered.some((r) => r.kind === 'unreachable')
            ? 'unreachable'
            : 'router';
    hops.push({
      ttl,
      address,
      rttMs: rttStats(rtts)?.avgMs ?? null,
      rttsMs: results.map((r) => (r.from !== null && r.kind !== 'timeout' ? r.rttMs : null)),
      lossPercent: results.length
        ? Math.round(((results.length - answered.length) / results.length) * 1000) / 10
        : 100,
      kind,
    });
  }
  const destination = hops.find((h) => h.kind === 'destination');
  const unreachable = hops.find((h) => h.kind === 'unreachable');
  return {
    address,
    method,
    hops,
    reached: destination !== undefined,
    destinationHop: destination?.ttl ?? null,
    unreachableAt: unreachable?.ttl ?? null,
  };
}

function mostFrequent(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

function summarize(data: TracerouteData): string {
  const silent = data.hops.filter((h) => h.kind === 'silent').map((h) => h.ttl);
  const silentText = silent.length ? `, silent hop${silent.length > 1 ? 's' : ''} ${silent.join(', ')}` : '';
  if (data.unreachableAt)
    return `Hop ${data.unreachableAt} (${data.hops[data.unreachableAt - 1]?.address}) says ${data.address} is unreachable${silentText}`;
  if (data.reached) return `${data.address} reached in ${data.destinationHop} hops${silentText}`;
  return `${data.address} not reached: the last answer came from hop ${lastAnswered(data)}${silentText}`;
}

function lastAnswered(data: TracerouteData): number {
  return [...data.hops].reverse().find((h) => h.kind !== 'silent')?.ttl ?? 0;
}
