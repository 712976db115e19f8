import type { MtuDirection, Phase } from '../../../shared/cause-info.js';
import { count, linkWords, type LinkPlace } from '../../../shared/common-words.js';
import { against, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import type { ObservationOf, RequestOutcome } from '../observation-types.js';

type Mtu = ObservationOf<'mtu'>;

const narrow = (m: Mtu | null) => m?.verdict === 'blackhole' || m?.verdict === 'pmtud-works';

/**
 * Large packets vanish on a link with a smaller MTU whose "fragmentation needed" never reaches the
 * sender. Client to server, DF echoes show it. Server to client, the conversation does: the head or a
 * small answer arrives, the full-size segments never do, while the route learned by this machine is
 * forgotten so the request announces a full-size MSS as the application's does.
 */
export const mtuBlackhole: CauseHypothesis = {
  cause: 'mtu-blackhole',
  judge(o, all) {
    switch (o.kind) {
      case 'mtu':
        if (o.verdict === 'blackhole') return supports(WEIGHT.strong);
        if (o.verdict === 'ok')
          return against(WEIGHT.strong, `${o.text} No size limit on the path towards the server.`);
        // The echoes taught the kernel the path MTU and it could not be made to forget: the request went
        // out with a smaller MSS, so it could not meet a black hole for the server's full-size segments.
        if (o.remembered && all.one('requests')?.failed === 0)
          return supports(
            WEIGHT.weak,
            `${o.text} So the request could not show whether the server's full-size segments get through.`,
          );
        return null;
      case 'requests': {
        const mtu = all.one('mtu');
        const stalled = stalledOne(o, mtu);
        if (!stalled) return null;
        return supports(
          narrow(mtu) ? WEIGHT.moderate : WEIGHT.weak,
          stallWords(stalled, mtu?.largestPassing ?? null),
        );
      }
      case 'size-control':
        return o.answered ? supports(WEIGHT.strong) : against(WEIGHT.weak);
      default:
        return null;
    }
  },
  shape(all) {
    const mtu = all.one('mtu');
    const requests = all.one('requests');
    const stalledRequest = requests ? stalledOne(requests, mtu) : null;
    const stalled = stalledRequest !== null || all.one('size-control')?.answered === true;
    const echoes = mtu?.verdict === 'blackhole';
    const direction: MtuDirection =
      echoes && stalled ? 'both' : echoes ? 'client-to-server' : 'server-to-client';
    const lp = mtu?.largestPassing ?? null;
    const phase: Phase = stalledRequest?.phase ?? 'transfer';
    const untested = !echoes && !stalled;
    return {
      origin: 'path',
      phase: phase === 'connect' ? 'transfer' : phase,
      hop: mtu?.hop ?? null,
      direction,
      settle: untested ? [FORGET_STEP] : [],
      remedies: lp !== null ? mtuRemedies(mtu!.family, lp, mtu!.location, direction) : GENERIC,
    };
  },
};

/**
 * The request whose answer stalled: part of it came and the rest did not, or, on a path narrower than
 * the local link, none of it came while the server had the request.
 */
function stalledOne(r: ObservationOf<'requests'>, mtu: Mtu | null): RequestOutcome | null {
  return (
    r.outcomes.find((o) => o.failure === 'stalled') ??
    // Not when the kernel kept the smaller MTU: the request then announced an MSS the path carries.
    (narrow(mtu) && !mtu!.remembered ? (r.outcomes.find((o) => o.failure === 'unanswered') ?? null) : null)
  );
}

/** The request's stall in the words of the size limit: what passed, and how long nothing came. */
function stallWords(r: RequestOutcome, lp: number | null): string {
  const waited = `${count(Math.round((r.silentSeconds ?? 0) * 1000))} ms`;
  const big = lp
    ? `full-size segments, larger than the ${count(lp)}-byte path MTU, do not arrive`
    : 'full-size segments do not arrive';
  if (r.bytesReceived === 0)
    return `Request: the connection opened and the request went out (small packets pass), then not one byte of the response came back in ${waited}: the ${big}.`;
  const passed =
    r.status !== null ? 'the headers and the first small segments passed' : 'the first small segments passed';
  return `Request: the response stalled after ${count(r.bytesReceived)} bytes (${passed}), then nothing in ${waited}: the ${big}.`;
}

const FORGET_STEP = {
  kind: 'privilege' as const,
  text: 'Run as root (CAP_NET_ADMIN): the path-MTU test then makes the kernel forget the MTU it learned, and the request meets the path with a full-size MSS, as the application does after ten minutes.',
};

const GENERIC = [
  'Allow ICMP "fragmentation needed" (IPv4 type 3 code 4, IPv6 "packet too big") through the firewalls on the path.',
  'Clamp the TCP MSS on the tunnel or router (`iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu`), or lower the interface MTU.',
];

/** Remedies with this path's numbers: the MSS that fits, the routers whose ICMP must get out. */
function mtuRemedies(family: 4 | 6, mtu: number, l: LinkPlace | null, direction: MtuDirection): string[] {
  const mss = mtu - (family === 6 ? 60 : 40);
  const toward =
    direction === 'server-to-client'
      ? ' towards the server (this machine gets them, the server does not)'
      : direction === 'client-to-server'
        ? ' towards this machine'
        : '';
  const where = l
    ? ` out of the routers at both ends of ${linkWords(l)}${toward} and through every firewall between them and the two hosts`
    : ` on the firewalls and routers of the path${toward}`;
  const icmp =
    family === 6
      ? 'ICMPv6 "packet too big" (type 2): nftables `icmpv6 type packet-too-big accept`, `ip6tables -A OUTPUT -p icmpv6 --icmpv6-type packet-too-big -j ACCEPT` (and in FORWARD)'
      : 'ICMP "fragmentation needed" (type 3 code 4): nftables `icmp type destination-unreachable icmp code frag-needed accept`, `iptables -A OUTPUT -p icmp --icmp-type fragmentation-needed -j ACCEPT` (and in FORWARD)';
  const tables = family === 6 ? 'ip6tables' : 'iptables';
  return [
    `Clamp the TCP MSS to ${mss} (the ${mtu}-byte path MTU minus ${mtu - mss} bytes of IPv${family} and TCP headers) on a router the connection crosses (one at the narrow link's ends, or your own gateway): \`${tables} -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss ${mss}\`, or in an nftables forward chain \`tcp flags syn tcp option maxseg size set ${mss}\`.`,
    `Allow ${icmp}${where}, so path MTU discovery works again.`,
    `Or lower the interface MTU to ${mtu} on this machine (\`ip link set dev IFACE mtu ${mtu}\`) or on the server: the MSS each side announces follows, so neither sends packets that do not fit.`,
  ];
}
