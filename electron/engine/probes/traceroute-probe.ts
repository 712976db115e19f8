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
 * Without raw sockets, one query per hop, and only as many hops as the path's length calls for
 * (sendUpToPathLength). Side effects: ICMP echoes only, at most 3 per hop.
 */
export const tracerouteProbe: ProbeDefinition<TracerouteData> = {
  id: 'traceroute',
  title: 'Traceroute',
  async run(ctx) {
    const ready = icmpReady(ctx);
    if ('skip' in ready) return ready.skip;
    const { target, icmp } = ready;
    const timeoutMs = answerTimeoutMs(ctx, 1000);
    const early = new EarlyFinish();
    const signal = anySignal(ctx.signal, early.signal);
    const pending: Promise<Answer>[] = [];
    const send = (ttl: number, query: number): Promise<Answer> => {
      const p = icmp
        .echo({ address: target.address, family: target.family, ttl, timeoutMs }, signal)
        .catch(
          // Stopped early: the hop did not answer in the time its neighbours' answers allow.
          (): EchoResult => ({ kind: 'timeout', from: null, rttMs: timeoutMs }),
        )
        .then((result) => {
          early.answered(result);
          if (result.kind !== 'timeout')
            ctx.progress(`hop ${ttl}: ${result.from ?? '*'}`, null, {
              ttl,
              from: result.from,
              rttMs: result.rttMs,
            } satisfies TracerouteProgress);
          return { ttl, query, result };
        });
      pending.push(p);
      return p;
    };
    if (icmp.method === 'system-ping') {
      const direct = icmp
        .echo({ address: target.address, family: target.family, timeoutMs }, signal)
        .catch((): EchoResult => ({ kind: 'timeout', from: null, rttMs: timeoutMs }));
      await sendUpToPathLength(send, direct);
    } else {
      for (let query = 0; query < QUERIES; query++) {
        for (let ttl = 1; ttl <= MAX_HOPS; ttl++) void send(ttl, query);
        if (query < QUERIES - 1) await sleep(QUERY_SPACING_MS, ctx.signal);
      }
    }
    early.allSent();
    // Hops may still be added while the first ones are awaited (system ping, a path longer than guessed).
    const answers: Answer[] = [];
    while (answers.length < pending.length)
      answers.push(...(await Promise.all(pending.slice(answers.length))));
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

interface Answer {
  ttl: number;
  query: number;
  result: EchoResult;
}

/** Hops sent at once before the path's length is known, without raw sockets. */
const FIRST_HOPS = 8;
/** Beyond the length the target's reply suggests: the way there may be longer than the way back. */
const LENGTH_MARGIN = 2;

/**
 * Without raw sockets each query is a ping process, and thirty of them at once cost a 2-core machine more
 * CPU than the rest of the connectivity step (measured in the lab: the step took 0.74 s against 0.32 s
 * with raw sockets). So one query per hop, and the path's length is asked first: one echo without a TTL,
 * whose reply's TTL says how many hops it crossed, goes out beside the first FIRST_HOPS hops; then only
 * the hops up to that length (and a margin) follow. When the target does not answer within
 * LENGTH_WAIT_MS, or the hop past the guessed length turns out to be a router, every remaining hop goes
 * out as before.
 */
async function sendUpToPathLength(
  send: (ttl: number, query: number) => Promise<Answer>,
  direct: Promise<EchoResult>,
): Promise<void> {
  for (let ttl = 1; ttl <= FIRST_HOPS; ttl++) void send(ttl, 0);
  const reply = await Promise.race([direct, lengthDeadline()]);
  const length = reply?.kind === 'reply' ? pathLength(reply.replyTtl) : null;
  const last = length === null ? MAX_HOPS : Math.min(MAX_HOPS, Math.max(FIRST_HOPS, length + LENGTH_MARGIN));
  const rest = (from: number): void => {
    for (let ttl = from; ttl <= MAX_HOPS; ttl++) void send(ttl, 0);
  };
  for (let ttl = FIRST_HOPS + 1; ttl <= last; ttl++) void send(ttl, 0);
  if (last === MAX_HOPS) return;
  // The top hop sent is still a router: the target is further than its reply suggested.
  void send(last + 1, 0).then(({ result }) => {
    if (result.kind === 'time-exceeded') rest(last + 2);
  });
}

/**
 * Many hosts do not answer echoes at all: their trace must not wait a whole timeout before sending the
 * rest. A reply later than this (a satellite link) only costs the processes the guess would have saved.
 */
const LENGTH_WAIT_MS = 250;

function lengthDeadline(): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), LENGTH_WAIT_MS).unref());
}

/**
 * The hops a reply crossed, from its TTL: senders start at 64 (Linux, macOS), 128 (Windows) or 255
 * (routers, some appliances), and each hop takes one off. Null when the TTL is not known.
 */
export function pathLength(replyTtl: number | undefined): number | null {
  if (replyTtl === undefined || replyTtl < 1 || replyTtl > 255) return null;
  const initial = [64, 128, 255].find((start) => replyTtl <= start) ?? 255;
  return initial - replyTtl + 1;
}

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
