import type { EchoResult, IcmpIo, ResolvedAddress } from '../net/engine-io.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { answerTimeoutMs, icmpReady } from './probe-helpers.js';

export interface MtuAttempt {
  /** Whole IP packet size in bytes. */
  packetSize: number;
  kind: EchoResult['kind'];
  from: string | null;
  mtu: number | null;
}

export interface PathMtuData {
  address: string;
  method: string;
  attempts: MtuAttempt[];
  /** Largest packet that made the round trip with DF set. */
  largestPassing: number | null;
  smallestFailing: number | null;
  /** A router said "fragmentation needed" (or the kernel already knew the MTU): path MTU discovery works. */
  reportedMtu: number | null;
  verdict: 'ok' | 'blackhole' | 'pmtud-works' | 'no-icmp' | 'lossy';
}

const ICMP_OVERHEAD = { 4: 28, 6: 48 } as const;
const TRIES = 2;
const COARSE = [1500, 1492, 1480, 1460, 1400, 1280, 1200, 1000, 576];

/**
 * Path MTU with DF-set echoes. Sizes go out in parallel (a binary search would cost one timeout per
 * failing step), then a second round narrows the gap between the largest passing and the smallest failing.
 */
export const pathMtuProbe: ProbeDefinition<PathMtuData> = {
  id: 'path-mtu',
  title: 'Path MTU',
  async run(ctx) {
    const ready = icmpReady(ctx);
    if ('skip' in ready) return ready.skip;
    const { target, icmp } = ready;
    const timeoutMs = answerTimeoutMs(ctx, 800);
    const sizes = target.family === 6 ? COARSE.filter((s) => s >= 1280) : COARSE;
    const attempts = await probeSizes(icmp, target, sizes, timeoutMs, ctx.signal);
    ctx.progress('coarse sizes done', 0.5);
    const coarse = bounds(attempts);
    if (coarse.largestPassing !== null && coarse.smallestFailing !== null) {
      const step = Math.max(1, Math.ceil((coarse.smallestFailing - coarse.largestPassing) / 8));
      const fine: number[] = [];
      for (let s = coarse.largestPassing + step; s < coarse.smallestFailing; s += step) fine.push(s);
      attempts.push(...(await probeSizes(icmp, target, fine, timeoutMs, ctx.signal)));
    }
    if (ctx.signal.aborted) return { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } };
    attempts.sort((a, b) => b.packetSize - a.packetSize);
    const data = {
      address: target.address,
      method: icmp.method,
      attempts,
      ...bounds(attempts),
    } as PathMtuData;
    data.reportedMtu = attempts.find((a) => a.mtu !== null)?.mtu ?? null;
    data.verdict = verdictOf(data);
    return {
      status: 'complete',
      summary: summarize(data),
      assessment: data.verdict === 'blackhole' ? 'fail' : 'ok',
      data,
    };
  },
};

async function probeSizes(
  icmp: IcmpIo,
  target: ResolvedAddress,
  sizes: number[],
  timeoutMs: number,
  signal: AbortSignal,
) {
  const overhead = ICMP_OVERHEAD[target.family];
  const echo = (packetSize: number) =>
    icmp.echo(
      {
        address: target.address,
        family: target.family,
        size: packetSize - overhead,
        dontFragment: true,
        timeoutMs,
      },
      signal,
    );
  return Promise.all(
    sizes.map(async (packetSize): Promise<MtuAttempt> => {
      // Two tries per size, so one lost packet is not taken for a size that cannot pass.
      const tries = await Promise.all(Array.from({ length: TRIES }, () => echo(packetSize)));
      const r = tries.find((t) => t.kind === 'reply') ?? tries.find((t) => t.kind !== 'timeout') ?? tries[0]!;
      return { packetSize, kind: r.kind, from: r.from, mtu: r.mtu ?? null };
    }),
  );
}

function bounds(attempts: MtuAttempt[]) {
  const passing = attempts.filter((a) => a.kind === 'reply').map((a) => a.packetSize);
  const largestPassing = passing.length ? Math.max(...passing) : null;
  const failing = attempts
    .filter((a) => a.kind !== 'reply' && a.packetSize > (largestPassing ?? 0))
    .map((a) => a.packetSize);
  return { largestPassing, smallestFailing: failing.length ? Math.min(...failing) : null };
}

function verdictOf(data: PathMtuData): PathMtuData['verdict'] {
  if (data.largestPassing === null) return 'no-icmp';
  // Small sizes failing too means loss, not size: the MTU cannot be read through it.
  const lostBelow = data.attempts.some((a) => a.kind === 'timeout' && a.packetSize < data.largestPassing!);
  if (lostBelow) return 'lossy';
  if (data.smallestFailing === null) return 'ok';
  const told = data.attempts.some(
    (a) => a.kind === 'too-big' || (a.kind === 'unreachable' && a.packetSize > data.largestPassing!),
  );
  return told ? 'pmtud-works' : 'blackhole';
}

function summarize(data: PathMtuData): string {
  switch (data.verdict) {
    case 'no-icmp':
      return `No DF echo came back from ${data.address}: ICMP is filtered, the path MTU is unknown`;
    case 'lossy':
      return `Echoes of every size were lost now and then: packet loss hides the path MTU`;
    case 'ok':
      return `Full-size ${data.largestPassing}-byte packets pass with DF set`;
    case 'pmtud-works':
      return `Path MTU ${data.reportedMtu ?? data.largestPassing} bytes, announced by the path (fragmentation needed): discovery works`;
    case 'blackhole':
      return `Packets up to ${data.largestPassing} bytes pass but ${data.smallestFailing}-byte ones vanish without an ICMP "fragmentation needed": an MTU black hole`;
  }
}
