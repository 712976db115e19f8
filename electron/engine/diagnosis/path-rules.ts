import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Conversation } from '../net/conversation-types.js';
import { linkWords, type MtuLocation } from '../probes/path-mtu-probe.js';
import { hostPort } from '../probes/probe-helpers.js';
import { candidate, type Candidate } from './finding-candidate.js';

/** Causes visible before any connection is made: name, route, loss, MTU, silent drops. */
export function pathRules(f: DiagnosisFacts): Candidate[] {
  return [...dnsFailure(f), ...unreachable(f), ...packetLoss(f), ...mtuBlackhole(f), ...silentDrop(f)];
}

function dnsFailure(f: DiagnosisFacts): Candidate[] {
  const failure = f.dns?.failure;
  if (!failure) return [];
  const authoritative = failure.code === 'dns_nxdomain' || failure.code === 'dns_no_answer';
  return [
    candidate('dns-failure', authoritative ? 'server' : 'unknown', 'dns', 0.95, [
      `DNS: ${failure.message} (after ${f.dns!.durationMs.toFixed(1)} ms, system resolver).`,
    ]),
  ];
}

function unreachable(f: DiagnosisFacts): Candidate[] {
  const first = f.tcp?.attempts[0];
  const hop = f.trace?.unreachableAt ?? null;
  const routers = f.ping?.unreachableFrom ?? [];
  if (hop !== null || routers.length > 0 || first?.outcome === 'unreachable') {
    const evidence: string[] = [];
    if (hop !== null)
      evidence.push(
        `Traceroute: hop ${hop} (${f.trace!.hops[hop - 1]?.address}) answers "destination unreachable".`,
      );
    if (routers.length) evidence.push(`Ping: ICMP unreachable from ${routers.join(', ')}.`);
    if (first?.outcome === 'unreachable')
      evidence.push(`TCP connect to ${hostPort(first.address, first.port)}: ${first.failure?.message}.`);
    const local = hop === null && routers.length === 0 && first?.failure?.code === 'network_unreachable';
    return [
      candidate(
        'host-unreachable',
        local ? 'local' : 'path',
        'route',
        0.9,
        evidence,
        hop !== null ? { hop } : {},
      ),
    ];
  }
  const silent = first?.outcome === 'timeout' && (f.ping?.received ?? 0) === 0 && f.trace?.reached !== true;
  if (!silent) return [];
  const lastAnswer = [...(f.trace?.hops ?? [])].reverse().find((h) => h.kind !== 'silent');
  const evidence = [
    `TCP connect: no answer to the SYN to ${hostPort(first!.address, first!.port)}.`,
    f.ping ? `Ping: 0 of ${f.ping.sent} echo requests answered.` : 'Ping did not run.',
  ];
  if (f.trace) {
    evidence.push(
      lastAnswer
        ? `Traceroute: answers stop after hop ${lastAnswer.ttl} (${lastAnswer.address}).`
        : 'Traceroute: no hop answered.',
    );
  }
  return [
    candidate(
      'host-unreachable',
      lastAnswer ? 'path' : 'unknown',
      'route',
      0.65,
      evidence,
      lastAnswer ? { hop: lastAnswer.ttl + 1 } : {},
    ),
  ];
}

function packetLoss(f: DiagnosisFacts): Candidate[] {
  const ping = f.ping;
  if (!ping || ping.received === 0) return [];
  const lost = ping.sent - ping.received;
  if (lost < 2 || ping.lossPercent < 5) return [];
  const evidence = [`Ping: ${lost} of ${ping.sent} echo requests lost (${ping.lossPercent}%).`];
  const lossyHop = f.trace?.hops.find(
    (h, i, all) => h.lossPercent > 0 && h.kind !== 'silent' && all.slice(i).every((n) => n.lossPercent > 0),
  );
  if (lossyHop)
    evidence.push(
      `Traceroute: loss starts at hop ${lossyHop.ttl} (${lossyHop.address}, ${lossyHop.lossPercent}%) and carries on.`,
    );
  const timedOut =
    f.tcp?.attempts.some((a) => a.outcome === 'timeout') || f.request?.conversation.outcome === 'timeout';
  if (timedOut)
    evidence.push('TCP: a connection attempt or request timed out, as lost segments would make it.');
  return [
    candidate(
      'packet-loss',
      'path',
      'route',
      0.55 + ping.lossPercent / 125,
      evidence,
      lossyHop ? { hop: lossyHop.ttl } : {},
    ),
  ];
}

function mtuBlackhole(f: DiagnosisFacts): Candidate[] {
  const mtu = f.mtu;
  // Large fails, small passes and nobody says "fragmentation needed": anything else is not a black hole.
  if (mtu?.verdict !== 'blackhole' || mtu.largestPassing === null || mtu.smallestFailing === null) return [];
  const lp = mtu.largestPassing;
  const sf = mtu.smallestFailing;
  const range = mtu.exact ? `path MTU ${n(lp)} bytes` : `path MTU between ${n(lp)} and ${n(sf - 1)} bytes`;
  const evidence = [
    `Path MTU: ${n(lp)}-byte echoes with DF set pass, ${n(sf)}-byte ones get no answer and no router says "fragmentation needed" (${range}).`,
  ];
  const l = mtu.location;
  if (l) {
    const served = mtu.hops.some((h) => h.small.kind === 'reply') ? ' and the server' : '';
    const big =
      l.afterHop === 0
        ? `${n(sf)}-byte echoes get no answer from any hop`
        : `${n(sf)}-byte echoes with TTL ${l.afterHop === 1 ? '1' : `1 to ${l.afterHop}`} come back "time exceeded", past hop ${l.afterHop} nothing`;
    evidence.push(
      `Path MTU: ${big}, while ${n(lp)}-byte ones reach hop ${l.beforeHop}${served}: the limit is on ${linkWords(l)}.`,
    );
  }
  const c = f.request?.conversation;
  const stalled =
    c?.outcome === 'timeout' && (c.phase === 'request' || c.phase === 'response' || c.phase === 'transfer');
  let confidence = 0.75;
  if (stalled) {
    confidence = 0.9;
    evidence.push(stallWords(c, lp));
  } else if (c?.outcome === 'complete' && c.bytesReceived > lp) {
    // TCP got a large response through (its segments are clamped, or that direction is fine): the echoes
    // still show the hole, but it is not what breaks this request.
    confidence = 0.5;
    evidence.push(
      `Request: the ${n(c.bytesReceived)}-byte response arrived complete, so TCP segments get through (MSS clamping on the path?).`,
    );
  }
  return [
    candidate('mtu-blackhole', 'path', stalled ? c.phase : 'transfer', confidence, evidence, {
      ...(l?.exact ? { hop: l.beforeHop } : {}),
      remedies: mtuRemedies(mtu.address.includes(':') ? 6 : 4, lp, l),
    }),
  ];
}

/** The request's stall in the words of the size limit: what passed, and how long nothing came. */
function stallWords(c: Conversation, lp: number): string {
  const timeout = c.events.findLast((e) => e.kind === 'timeout');
  const before = c.events.filter((e) => e.kind !== 'timeout' && e.at <= (timeout?.at ?? c.endedAt)).at(-1);
  const waited = `${n(Math.round((timeout?.at ?? c.endedAt) - (before?.at ?? c.startedAt)))} ms`;
  const big = `full-size segments, larger than the ${n(lp)}-byte path MTU, do not arrive`;
  if (c.bytesReceived === 0)
    return `Request: the connection opened and the ${n(c.bytesSent)}-byte request went out (small packets pass), then not one byte of the response came back in ${waited}: the ${big}.`;
  const passed = c.response
    ? 'the headers and the first small segments passed'
    : 'the first small segments passed';
  return `Request: the response stalled after ${n(c.bytesReceived)} bytes (${passed}), then nothing in ${waited}: the ${big}.`;
}

/** Remedies with this path's numbers: the MSS that fits, the routers whose ICMP must get out. */
function mtuRemedies(family: 4 | 6, mtu: number, l: MtuLocation | null): string[] {
  const mss = mtu - (family === 6 ? 60 : 40);
  const where = l
    ? ` out of the routers at both ends of ${linkWords(l)} (each tells the host on its side) and through every firewall between them and the two hosts`
    : ' on the firewalls and routers of the path';
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

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function silentDrop(f: DiagnosisFacts): Candidate[] {
  const first = f.tcp?.attempts[0];
  if (!first) return [];
  const localRule = f.rules?.matches.find(
    (m) => m.effect === 'drop' && m.certainty === 'exact' && m.direction !== 'forwarded',
  );
  if (first.failure?.code === 'operation_not_permitted') {
    const evidence = [`TCP connect: the kernel refused to send the SYN (${first.failure.message}).`];
    if (localRule) evidence.push(`Local firewall: ${localRule.why} (${localRule.rule.text}).`);
    return [candidate('firewall-drop', 'local', 'connect', 0.95, evidence)];
  }
  const hostAnswers = (f.ping?.received ?? 0) > 0 || f.trace?.reached === true;
  if (first.outcome === 'timeout' && hostAnswers) {
    const lossy = (f.ping?.lossPercent ?? 0) >= 5;
    const evidence = [
      `TCP connect: the SYN to ${hostPort(first.address, first.port)} got no answer within ${Math.round(first.endedAt - first.startedAt)} ms.`,
      `The host itself answers: ${f.ping?.received ?? 0} of ${f.ping?.sent ?? 0} pings${f.trace?.reached ? `, traceroute reaches it in ${f.trace.destinationHop} hops` : ''}.`,
    ];
    if (localRule) evidence.push(`Local firewall: ${localRule.why} (${localRule.rule.text}).`);
    return [
      candidate(
        'firewall-drop',
        localRule ? 'local' : 'path',
        'connect',
        lossy ? 0.45 : localRule ? 0.9 : 0.8,
        evidence,
      ),
    ];
  }
  const c = f.request?.conversation;
  if (
    c?.outcome === 'timeout' &&
    c.bytesReceived === 0 &&
    c.phase !== 'tls' &&
    f.mtu?.verdict !== 'blackhole'
  ) {
    return [
      candidate('firewall-drop', 'unknown', 'request', 0.45, [
        `Request: connected, sent ${c.bytesSent} bytes, then nothing came back within the timeout (data dropped, or a server that hangs).`,
      ]),
    ];
  }
  return [];
}
