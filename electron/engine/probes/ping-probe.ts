import type { PingData, PingProgress } from '../../shared/probe-data-info.js';
import type { EchoResult } from '../net/engine-io.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import { answerTimeoutMs, icmpReady, ms, rttStats, sleep } from './probe-helpers.js';

// Declared where the faces read it too (the ping picture).
export type { PingData } from '../../shared/probe-data-info.js';

const COUNT = 20;
// 20 echoes in about 0.3 s, no longer than the TCP connect probe's held connection beside it, so the
// ping does not hold up the steps after it. 67 small echoes a second is far from a flood; Linux limits
// the ICMP errors it sends (icmp_ratemask), not its echo replies.
const INTERVAL_MS = 15;

export const pingProbe: ProbeDefinition<PingData> = {
  id: 'ping',
  title: 'ICMP ping',
  async run(ctx) {
    const ready = icmpReady(ctx);
    if ('skip' in ready) return ready.skip;
    const { target, icmp } = ready;
    const timeoutMs = answerTimeoutMs(ctx, 1000);
    const rttsMs: (number | null)[] = new Array(COUNT).fill(null);
    // The ping tool sends the series from one process: twenty processes would load the machine while the
    // connect probe beside it times its connections.
    const series = await icmp.series?.(
      { address: target.address, family: target.family, timeoutMs },
      COUNT,
      INTERVAL_MS,
      ctx.signal,
    );
    // One answer in: kept for the figures and shown live.
    const answered = (seq: number, r: EchoResult) => {
      if (r.kind === 'reply') rttsMs[seq] = r.rttMs;
      ctx.progress(`echo ${seq + 1}/${COUNT}`, (seq + 1) / COUNT, {
        seq,
        rttMs: r.kind === 'reply' ? r.rttMs : null,
      } satisfies PingProgress);
    };
    if (series) {
      series.forEach((r, seq) => answered(seq, r));
      return finish(ctx, target.address, icmp.method, series, rttsMs);
    }
    const answers: Promise<EchoResult>[] = [];
    for (let seq = 0; seq < COUNT && !ctx.signal.aborted; seq++) {
      const answer = icmp.echo({ address: target.address, family: target.family, timeoutMs }, ctx.signal);
      answers.push(answer);
      void answer.then(
        (r) => answered(seq, r),
        () => undefined,
      );
      await sleep(INTERVAL_MS, ctx.signal);
    }
    return finish(ctx, target.address, icmp.method, await Promise.all(answers), rttsMs);
  },
};

function finish(
  ctx: ProbeContext,
  address: string,
  method: string,
  results: EchoResult[],
  rttsMs: (number | null)[],
): ProbeOutcome<PingData> {
  if (ctx.signal.aborted) return { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } };
  const replies = results.filter((r) => r.kind === 'reply');
  const unreachableFrom = [
    ...new Set(results.filter((r) => r.kind === 'unreachable').map((r) => r.from ?? '?')),
  ];
  const lossPercent = round1(((results.length - replies.length) / results.length) * 100);
  const data: PingData = {
    address,
    method,
    sent: results.length,
    received: replies.length,
    lossPercent,
    rttsMs: rttsMs.slice(0, results.length),
    stats: rttStats(replies.map((r) => r.rttMs)),
    replyTtl: replies.find((r) => r.replyTtl !== undefined)?.replyTtl ?? null,
    unreachableFrom,
  };
  return { status: 'complete', summary: summarize(data), assessment: assess(data), data };
}

function assess(data: PingData): 'ok' | 'warn' | 'fail' {
  if (data.unreachableFrom.length > 0) return 'fail';
  if (data.received === 0) return 'warn';
  return data.lossPercent >= 5 ? 'fail' : data.lossPercent > 0 ? 'warn' : 'ok';
}

function summarize(data: PingData): string {
  if (data.unreachableFrom.length > 0)
    return `${data.address} is unreachable (ICMP unreachable from ${data.unreachableFrom.join(', ')})`;
  if (data.received === 0)
    return `No echo reply from ${data.address} (${data.sent} sent): ICMP may be filtered`;
  const s = data.stats!;
  return `${data.received}/${data.sent} replies, ${data.lossPercent}% loss, rtt min/avg/max/stddev ${s.minMs}/${s.avgMs}/${s.maxMs}/${s.stddevMs} ms (${ms(s.avgMs)} avg)`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
