import type { EchoKind, EchoRequest, EchoResult, IcmpIo, ResolvedAddress } from '../net/engine-io.js';
import { echoRound } from './echo-round.js';

/** One TTL of the location sweep: a packet of the path MTU and one a byte (or a few) larger. */
export interface MtuHopResult {
  ttl: number;
  small: { kind: EchoKind; from: string | null };
  big: { kind: EchoKind; from: string | null };
}

/** Where the size limit is: the link between hop `afterHop` and hop `beforeHop` (traceroute numbering). */
export interface MtuLocation {
  /** The last hop large packets reach; 0 = this machine. */
  afterHop: number;
  /** The first hop large packets do not reach. */
  beforeHop: number;
  /** The router at `afterHop`, in front of the narrow link: it sent, or should have sent, "fragmentation needed". */
  address: string | null;
  /** The router (or server) at `beforeHop`. */
  nextAddress: string | null;
  /** 'frag-needed': that router named itself; 'silence': large packets stop answering there while small ones go on. */
  evidence: 'frag-needed' | 'silence';
  /** One link exactly; false when silent hops leave a span of links. */
  exact: boolean;
}

export interface MtuSweep {
  hops: MtuHopResult[];
  /** Full-TTL echoes of the failing size sent alongside, to tell a size limit from plain loss. */
  recheck: EchoKind[];
}

const RECHECKS = 2;

/**
 * Echoes of both sizes with TTL 1..hops, all at once: routers answer "time exceeded" for the packets that
 * reach them, so the first TTL where the small packet is answered and the large one is not is the hop just
 * past the narrow link. One echo per TTL and size: routers allow about six "time exceeded" at once per
 * source (Linux icmp_ratelimit), and the traceroute has already used three.
 */
export async function sweepHops(
  icmp: IcmpIo,
  target: ResolvedAddress,
  sizes: { small: number; big: number },
  hops: number,
  timeoutMs: number,
  overhead: number,
  signal: AbortSignal,
): Promise<MtuSweep> {
  const request = (packetSize: number, ttl?: number): EchoRequest => ({
    address: target.address,
    family: target.family,
    size: packetSize - overhead,
    dontFragment: true,
    timeoutMs,
    ...(ttl === undefined ? {} : { ttl }),
  });
  const requests: EchoRequest[] = [];
  for (let ttl = 1; ttl <= hops; ttl++) requests.push(request(sizes.small, ttl), request(sizes.big, ttl));
  for (let i = 0; i < RECHECKS; i++) requests.push(request(sizes.big));
  const results = await echoRound(icmp, requests, signal);
  const pick = (r: EchoResult) => ({ kind: r.kind, from: r.from });
  const out: MtuHopResult[] = [];
  for (let ttl = 1; ttl <= hops; ttl++)
    out.push({ ttl, small: pick(results[2 * ttl - 2]!), big: pick(results[2 * ttl - 1]!) });
  return { hops: out, recheck: results.slice(2 * hops).map((r) => r.kind) };
}

const reached = (kind: EchoKind) => kind === 'time-exceeded' || kind === 'reply';
/** "Fragmentation needed" (IPv4 unreachable, IPv6 packet too big) from a router, not this machine's EMSGSIZE. */
const announced = (r: { kind: EchoKind; from: string | null }) =>
  (r.kind === 'too-big' || r.kind === 'unreachable') && r.from !== null;

/** Who answered at a TTL, from either size. */
function addressAt(hops: MtuHopResult[], ttl: number): string | null {
  const hop = hops[ttl - 1];
  if (!hop) return null;
  if (reached(hop.small.kind)) return hop.small.from;
  return reached(hop.big.kind) ? hop.big.from : null;
}

/**
 * Reads the sweep. A router that announced the limit names the hop outright (matched to a TTL by its
 * "time exceeded" answers, or by the first TTL whose large packet it refused); otherwise the limit sits
 * after the last hop large packets reach, before the first one beyond that which still answers small ones.
 * `announcedBy` is the router that said "fragmentation needed" during the size search: once this machine
 * has learnt the path MTU it refuses larger packets itself, so the sweep cannot hear that router again.
 */
export function locateLimit(hops: MtuHopResult[], announcedBy: string | null): MtuLocation | null {
  const refusal = hops.find((h) => announced(h.big));
  const sender = refusal?.big.from ?? announcedBy;
  if (sender !== null) {
    const answeredAs = hops.find((h) => addressAt(hops, h.ttl) === sender)?.ttl;
    const afterHop = answeredAs ?? (refusal ? refusal.ttl - 1 : null);
    if (afterHop !== null)
      return {
        afterHop,
        beforeHop: afterHop + 1,
        address: sender,
        nextAddress: addressAt(hops, afterHop + 1),
        evidence: 'frag-needed',
        exact: true,
      };
  }
  // Large packets reaching the destination, or refused by this machine: the sweep cannot place a limit.
  if (hops.some((h) => h.big.kind === 'reply')) return null;
  const lastReach = Math.max(0, ...hops.filter((h) => reached(h.big.kind)).map((h) => h.ttl));
  const firstSilent = hops.find(
    (h) => h.ttl > lastReach && reached(h.small.kind) && h.big.kind === 'timeout',
  );
  if (!firstSilent) return null;
  return {
    afterHop: lastReach,
    beforeHop: firstSilent.ttl,
    address: lastReach === 0 ? null : addressAt(hops, lastReach),
    nextAddress: addressAt(hops, firstSilent.ttl),
    evidence: 'silence',
    exact: firstSilent.ttl === lastReach + 1,
  };
}
