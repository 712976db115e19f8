import type { EchoResult, IcmpIo, ResolvedAddress } from '../net/engine-io.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';
import { linkWords } from '../../shared/common-words.js';
import { echoRound } from './echo-round.js';
import { locateLimit, sweepHops, type MtuHopResult, type MtuLocation } from './path-mtu-locate.js';
import { answerTimeoutMs, icmpReady } from './probe-helpers.js';
import { tracerouteProbe } from './traceroute-probe.js';

export type { MtuHopResult, MtuLocation } from './path-mtu-locate.js';

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
  /** The path MTU when a limit below the largest size tried was found: the largest packet that passes. */
  pathMtu: number | null;
  /** The search narrowed to the byte (the smallest failing size is the path MTU + 1). */
  exact: boolean;
  /** A router said "fragmentation needed" (or the kernel already knew the MTU): path MTU discovery works. */
  reportedMtu: number | null;
  /** The router that said "fragmentation needed" during the search. */
  announcedBy: string | null;
  verdict: 'ok' | 'blackhole' | 'pmtud-works' | 'no-icmp' | 'lossy';
  /** Per TTL: the path MTU's size and the failing size, when there is a limit to place. */
  hops: MtuHopResult[];
  /** Which link holds the limit; null when there is none or it could not be placed. */
  location: MtuLocation | null;
  /**
   * Side effect: a router's "fragmentation needed" makes the kernel remember the smaller path MTU for
   * ten minutes, and every later connection to the target then announces a smaller MSS, so the request
   * would never meet a black hole for the server's full-size segments. 'forgotten': the probe flushed
   * the route cache again (needs CAP_NET_ADMIN); 'remembered': it could not; 'untouched': nothing learned.
   */
  kernelMtu: 'untouched' | 'forgotten' | 'remembered';
}

const ICMP_OVERHEAD = { 4: 28, 6: 48 } as const;
const TRIES = 2;
const COARSE = [1500, 1492, 1480, 1460, 1400, 1280, 1200, 1000, 576];
const SIZES_PER_ROUND = 10;
const MAX_NARROWING_ROUNDS = 4;
// Narrowing stops here: a search whose rounds wait out full timeouts (system ping) must not hold the step.
const NARROWING_BUDGET_MS = 3000;
// The sweep's depth when the traceroute has not finished: its own small echoes find the destination.
const FALLBACK_HOPS = { 'system-ping': 12, other: 30 };

/**
 * Path MTU with DF-set echoes. Sizes go out in parallel rounds (a binary search would cost one timeout
 * per failing step): a coarse round, then rounds that split the gap between the largest passing and the
 * smallest failing size until it is one byte. Then echoes of both sizes with TTL 1..N show on which link
 * the larger one stops.
 */
export const pathMtuProbe: ProbeDefinition<PathMtuData> = {
  id: 'path-mtu',
  title: 'Path MTU',
  async run(ctx) {
    const ready = icmpReady(ctx);
    if ('skip' in ready) return ready.skip;
    const { target, icmp } = ready;
    const timeoutMs = answerTimeoutMs(ctx, 800);
    const attempts = await searchSizes(ctx, icmp, target, timeoutMs);
    if (ctx.signal.aborted) return CANCELLED;
    const { largestPassing, smallestFailing } = bounds(attempts);
    const data: PathMtuData = {
      address: target.address,
      method: icmp.method,
      attempts,
      largestPassing,
      smallestFailing,
      pathMtu: null,
      exact: false,
      reportedMtu: reportedMtu(attempts),
      announcedBy:
        attempts.find(
          (a) =>
            a.from !== null &&
            a.packetSize > (largestPassing ?? 0) &&
            (a.kind === 'too-big' || a.kind === 'unreachable'),
        )?.from ?? null,
      verdict: 'ok',
      hops: [],
      location: null,
      kernelMtu: 'untouched',
    };
    data.verdict = verdictOf(data);
    if (data.verdict === 'blackhole' || data.verdict === 'pmtud-works') {
      data.pathMtu = largestPassing;
      data.exact = smallestFailing! - largestPassing! === 1;
      ctx.progress(`placing the ${largestPassing}-byte limit`, 0.8);
      await placeLimit(ctx, icmp, target, data, timeoutMs);
      if (ctx.signal.aborted) return CANCELLED;
    }
    if (data.attempts.some((a) => a.kind === 'too-big' || a.mtu !== null))
      data.kernelMtu = (await forgetLearnedMtu(ctx, target)) ? 'forgotten' : 'remembered';
    return {
      status: 'complete',
      summary: summarize(data),
      assessment: data.verdict === 'blackhole' ? 'fail' : 'ok',
      data,
    };
  },
};

/**
 * Undoes the probe's side effect: the path MTU the kernel learned from a router's answer to our echoes
 * (a route cache exception, ten minutes by default). Setting DF with IP_PMTUDISC_PROBE does not stop the
 * kernel from learning it; flushing the route cache does, and needs CAP_NET_ADMIN. It also forgets what
 * other connections taught it, which they learn again from the routers. `ip` exits 0 even when the flush
 * was refused, so the route is read back to see whether the MTU is still remembered.
 */
async function forgetLearnedMtu(ctx: ProbeContext, target: ResolvedAddress): Promise<boolean> {
  const run = (args: string[]) =>
    ctx.env.io.system.run('ip', target.family === 6 ? ['-6', ...args] : args, {
      timeoutMs: 2000,
      signal: ctx.signal,
    });
  try {
    await run(['route', 'flush', 'cache']);
    const route = await run(['route', 'get', target.address]);
    return route.code === 0 && !/\bmtu \d+/.test(route.stdout);
  } catch {
    return false;
  }
}

const CANCELLED = { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } } as const;

/** The coarse sizes, then rounds that narrow the gap to the byte; attempts largest first. */
async function searchSizes(
  ctx: ProbeContext,
  icmp: IcmpIo,
  target: ResolvedAddress,
  timeoutMs: number,
): Promise<MtuAttempt[]> {
  const started = performance.now();
  const sizes = target.family === 6 ? COARSE.filter((s) => s >= 1280) : COARSE;
  const attempts = await probeSizes(icmp, target, sizes, null, timeoutMs, ctx.signal);
  ctx.progress('coarse sizes done', 0.3);
  for (let round = 0; round < MAX_NARROWING_ROUNDS && !ctx.signal.aborted; round++) {
    const { largestPassing: lp, smallestFailing: sf } = bounds(attempts);
    if (lp === null || sf === null || sf - lp <= 1 || lostBelow(attempts, lp)) break;
    if (performance.now() - started > NARROWING_BUDGET_MS) break;
    const next = narrowingSizes(lp, sf, reportedMtu(attempts));
    attempts.push(...(await probeSizes(icmp, target, next, lp, timeoutMs, ctx.signal)));
    ctx.progress(`between ${lp} and ${sf} bytes`, 0.3 + 0.1 * (round + 1));
  }
  return attempts.sort((a, b) => b.packetSize - a.packetSize);
}

/** Sweeps the TTLs with both sizes and records where the larger stops; a recheck that passes is loss. */
async function placeLimit(
  ctx: ProbeContext,
  icmp: IcmpIo,
  target: ResolvedAddress,
  data: PathMtuData,
  timeoutMs: number,
): Promise<void> {
  const depth =
    ctx.results.data(tracerouteProbe)?.destinationHop ??
    FALLBACK_HOPS[icmp.method === 'system-ping' ? 'system-ping' : 'other'];
  const sizes = { small: data.largestPassing!, big: data.smallestFailing! };
  const overhead = ICMP_OVERHEAD[target.family];
  const sweep = await sweepHops(icmp, target, sizes, depth, timeoutMs, overhead, ctx.signal);
  data.hops = trimmed(sweep.hops);
  if (sweep.recheck.includes('reply') || data.hops.some((h) => h.big.kind === 'reply')) {
    data.verdict = 'lossy';
    data.pathMtu = null;
    data.exact = false;
    return;
  }
  data.location = locateLimit(data.hops, data.announcedBy);
}

async function probeSizes(
  icmp: IcmpIo,
  target: ResolvedAddress,
  sizes: number[],
  control: number | null,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<MtuAttempt[]> {
  const overhead = ICMP_OVERHEAD[target.family];
  const request = (packetSize: number) => ({
    address: target.address,
    family: target.family,
    size: packetSize - overhead,
    dontFragment: true,
    timeoutMs,
  });
  // Two tries per size, so one lost packet is not taken for a size that cannot pass. A size known to
  // pass rides along: its answer paces the wait even when every new size vanishes.
  const requests = sizes.flatMap((s) => Array.from({ length: TRIES }, () => request(s)));
  if (control !== null) requests.push(request(control));
  const results = await echoRound(icmp, requests, signal);
  return sizes.map((packetSize, i) => {
    const tries = results.slice(i * TRIES, (i + 1) * TRIES);
    const r = tries.find((t) => t.kind === 'reply') ?? tries.find((t) => t.kind !== 'timeout') ?? tries[0]!;
    return { packetSize, kind: r.kind, from: r.from, mtu: r.mtu ?? null };
  });
}

/** Sizes that split (lp, sf) evenly; a router's announced MTU is tried first, with the byte above it. */
export function narrowingSizes(lp: number, sf: number, announced: number | null): number[] {
  if (announced !== null && announced >= lp && announced < sf)
    return [announced, announced + 1].filter((s) => s > lp && s < sf);
  const count = Math.min(sf - lp - 1, SIZES_PER_ROUND);
  const sizes = new Set<number>();
  for (let i = 1; i <= count; i++) sizes.add(lp + Math.round((i * (sf - lp)) / (count + 1)));
  return [...sizes].filter((s) => s > lp && s < sf);
}

function bounds(attempts: MtuAttempt[]) {
  const passing = attempts.filter((a) => a.kind === 'reply').map((a) => a.packetSize);
  const largestPassing = passing.length ? Math.max(...passing) : null;
  const failing = attempts
    .filter((a) => a.kind !== 'reply' && a.packetSize > (largestPassing ?? 0))
    .map((a) => a.packetSize);
  return { largestPassing, smallestFailing: failing.length ? Math.min(...failing) : null };
}

/** Small sizes failing too means loss, not size: the MTU cannot be read through it. */
function lostBelow(attempts: MtuAttempt[], largestPassing: number): boolean {
  return attempts.some((a) => a.kind === 'timeout' && a.packetSize < largestPassing);
}

function reportedMtu(attempts: MtuAttempt[]): number | null {
  return attempts.find((a) => a.mtu !== null)?.mtu ?? null;
}

/** The sweep's TTLs up to the first that reached the destination with the small size. */
function trimmed(hops: MtuHopResult[]): MtuHopResult[] {
  const end = hops.findIndex((h) => h.small.kind === 'reply');
  return end === -1 ? hops : hops.slice(0, end + 1);
}

function verdictOf(data: PathMtuData): PathMtuData['verdict'] {
  if (data.largestPassing === null) return 'no-icmp';
  if (lostBelow(data.attempts, data.largestPassing)) return 'lossy';
  if (data.smallestFailing === null) return 'ok';
  const told = data.attempts.some(
    (a) => a.kind === 'too-big' || (a.kind === 'unreachable' && a.packetSize > data.largestPassing!),
  );
  return told ? 'pmtud-works' : 'blackhole';
}

function summarize(data: PathMtuData): string {
  const lp = data.largestPassing;
  const size = data.exact ? `${lp}` : `between ${lp} and ${(data.smallestFailing ?? 1) - 1}`;
  const where = data.location ? `; the limit is on ${linkWords(data.location)}` : '';
  switch (data.verdict) {
    case 'no-icmp':
      return `No DF echo came back from ${data.address}: ICMP is filtered, the path MTU is unknown`;
    case 'lossy':
      return `Echoes were lost now and then, whatever their size: packet loss hides the path MTU`;
    case 'ok':
      return `Full-size ${lp}-byte packets pass with DF set`;
    case 'pmtud-works': {
      const who = data.announcedBy
        ? `${data.announcedBy} answers "fragmentation needed"`
        : 'this machine already knows it and refuses larger packets';
      const kept =
        data.kernelMtu === 'remembered'
          ? '; this machine now remembers it for ten minutes (forgetting it needs CAP_NET_ADMIN), so later connections announce a smaller MSS'
          : '';
      return `Path MTU ${size} bytes: ${who}, so path MTU discovery works${where}${kept}`;
    }
    case 'blackhole': {
      const l = data.location;
      const reach = !l
        ? ''
        : l.afterHop === 0
          ? `; they do not reach hop ${l.beforeHop}`
          : `; they reach hop ${l.afterHop} but not hop ${l.beforeHop}`;
      return `Path MTU ${size} bytes: ${data.smallestFailing}-byte packets with DF set vanish without an ICMP "fragmentation needed" (an MTU black hole)${reach}${where}`;
    }
  }
}
