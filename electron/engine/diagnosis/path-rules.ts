import type { DiagnosisFacts } from './diagnosis-facts.js';
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
  if (f.mtu?.verdict !== 'blackhole') return [];
  const evidence = [
    `Path MTU: ${f.mtu.largestPassing}-byte packets with DF set pass, ${f.mtu.smallestFailing}-byte ones vanish and no router says "fragmentation needed".`,
  ];
  const c = f.request?.conversation;
  const stalled =
    c &&
    c.outcome === 'timeout' &&
    (c.phase === 'request' || c.phase === 'response' || c.phase === 'transfer');
  if (stalled)
    evidence.push(
      `Request: ${c.bytesSent} bytes sent, then the response stalled after ${c.bytesReceived} bytes (large segments do not arrive).`,
    );
  return [candidate('mtu-blackhole', 'path', stalled ? c.phase : 'transfer', stalled ? 0.9 : 0.75, evidence)];
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
