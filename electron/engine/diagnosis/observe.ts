import type { ResetHopData } from '../../shared/reset-data-info.js';
import { count, hostPort, linkWords } from '../../shared/common-words.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Observation } from './observation-types.js';
import { idleEvidence } from './observe-idle.js';
import { observeLoad } from './observe-load.js';
import { observeLocalErrors } from './observe-local-errors.js';
import { observeRequests } from './observe-requests.js';
import { observeResets } from './observe-resets.js';

/**
 * Every probe's data as observations: what was seen, with its figures, the probe it rests on and a
 * sentence an engineer can check. The causes weigh these; nothing here decides anything.
 */
export function observe(f: DiagnosisFacts): Observation[] {
  return [
    ...dns(f),
    ...route(f),
    ...ping(f),
    ...connect(f),
    ...observeRequests(f),
    ...observeResets(f),
    ...localRules(f),
    ...mtu(f),
    ...recovery(f),
    ...idle(f),
    ...observeLoad(f),
    ...resetHop(f),
    ...logs(f),
    ...observeLocalErrors(f),
    ...cancelled(f),
  ];
}

function dns(f: DiagnosisFacts): Observation[] {
  const failure = f.dns?.failure;
  if (!failure) return [];
  const authoritative = failure.code === 'dns_nxdomain' || failure.code === 'dns_no_answer';
  return [
    {
      kind: 'dns-failed',
      probe: 'dns',
      authoritative,
      text: `DNS: ${failure.message} (after ${f.dns!.durationMs.toFixed(1)} ms, system resolver).`,
      figures: { code: failure.code, ms: Math.round(f.dns!.durationMs) },
    },
  ];
}

function route(f: DiagnosisFacts): Observation[] {
  const first = f.tcp?.attempts[0];
  const hop = f.trace?.unreachableAt ?? null;
  const routers = f.ping?.unreachableFrom ?? [];
  const out: Observation[] = [];
  if (hop !== null) {
    // The probe with TTL n is answered "unreachable" by whichever router gives up on it: a router that
    // rejects what it forwards answers the probe one TTL past its own hop. Its address names its hop.
    const address = f.trace!.hops[hop - 1]?.address ?? null;
    const sender = f.trace!.hops.find((h) => h.address !== null && h.address === address)?.ttl ?? hop;
    out.push({
      kind: 'unreachable',
      probe: 'traceroute',
      hop: sender,
      local: false,
      text: `Traceroute: ${address ?? 'a router'} (hop ${sender}) answers "destination unreachable"${sender !== hop ? ` to the probe with TTL ${hop}` : ''}.`,
      figures: { hop: sender, ttl: hop, address },
    });
  }
  if (routers.length)
    out.push({
      kind: 'unreachable',
      probe: 'ping',
      hop: null,
      local: false,
      text: `Ping: ICMP unreachable from ${routers.join(', ')}.`,
      figures: { from: routers.join(', ') },
    });
  if (first?.outcome === 'unreachable') {
    const local = hop === null && routers.length === 0 && first.failure?.code === 'network_unreachable';
    out.push({
      kind: 'unreachable',
      probe: 'tcp-connect',
      hop: null,
      local,
      text: `TCP connect to ${hostPort(first.address, first.port)}: ${first.failure?.message}.`,
      figures: { code: first.failure?.code ?? null },
      connections: [first.id],
    });
  }
  const silent = first?.outcome === 'timeout' && (f.ping?.received ?? 0) === 0 && f.trace?.reached !== true;
  if (silent) {
    const lastAnswer = [...(f.trace?.hops ?? [])].reverse().find((h) => h.kind !== 'silent');
    out.push({
      kind: 'host-silent',
      probe: f.trace ? 'traceroute' : 'ping',
      lastHop: lastAnswer?.ttl ?? null,
      text: `Nothing answers from the host: the SYN, ${f.ping ? `0 of ${f.ping.sent} pings` : 'no ping'}${f.trace ? `, and traceroute ${lastAnswer ? `stops after hop ${lastAnswer.ttl} (${lastAnswer.address})` : 'gets no answer from any hop'}` : ''}.`,
      figures: { lastHop: lastAnswer?.ttl ?? null, pings: f.ping?.sent ?? 0 },
    });
  }
  return out;
}

function ping(f: DiagnosisFacts): Observation[] {
  const p = f.ping;
  if (!p || p.received === 0) return [];
  const lost = p.sent - p.received;
  const lossyHop = f.trace?.hops.find(
    (h, i, all) => h.lossPercent > 0 && h.kind !== 'silent' && all.slice(i).every((n) => n.lossPercent > 0),
  );
  const where = lossyHop
    ? ` Traceroute: loss starts at hop ${lossyHop.ttl} (${lossyHop.address}, ${lossyHop.lossPercent}%) and carries on.`
    : '';
  return [
    {
      kind: 'ping',
      probe: 'ping',
      lossPercent: p.lossPercent,
      lost,
      sent: p.sent,
      hop: lossyHop?.ttl ?? null,
      text: `Ping: ${lost} of ${p.sent} echo requests lost (${p.lossPercent}%)${p.stats ? `, avg ${p.stats.avgMs} ms` : ''}.${where}`,
      figures: { sent: p.sent, lost, lossPercent: p.lossPercent, hop: lossyHop?.ttl ?? null },
    },
  ];
}

function connect(f: DiagnosisFacts): Observation[] {
  const first = f.tcp?.attempts[0];
  if (!first) return [];
  const hostAnswers = (f.ping?.received ?? 0) > 0 || f.trace?.reached === true;
  const again = first.outcome === 'timeout' ? f.tcp!.attempts[1] : undefined;
  if (again?.outcome === 'complete') {
    // The first SYN went unanswered and the second connected: a lost packet, not a port dropped.
    return [
      {
        kind: 'connect',
        probe: 'tcp-connect',
        hostAnswers,
        connections: [first.id, again.id],
        outcome: 'complete',
        afterMs: null,
        text: `TCP connect: the first SYN to ${hostPort(first.address, first.port)} got no answer within ${Math.round(first.endedAt - first.startedAt)} ms; asked again, it connected in ${again.connectMs?.toFixed(3)} ms (one packet lost, not a port dropped).`,
        figures: { connectMs: again.connectMs, firstWaitedMs: Math.round(first.endedAt - first.startedAt) },
      },
    ];
  }
  const where = hostPort(first.address, first.port);
  const accepted = first.events.find((e) => e.kind === 'connected')?.at ?? first.startedAt;
  const base = { kind: 'connect' as const, probe: 'tcp-connect', hostAnswers, connections: [first.id] };
  const waited = Math.round(first.endedAt - first.startedAt);
  switch (first.outcome) {
    case 'complete':
      return [
        {
          ...base,
          outcome: 'complete',
          afterMs: null,
          text: `TCP connect: connected to ${where} in ${first.connectMs?.toFixed(3)} ms and held without a reset.`,
          figures: { connectMs: first.connectMs },
        },
      ];
    case 'refused':
      return [
        {
          ...base,
          outcome: 'refused',
          afterMs: null,
          text: `TCP connect: the SYN to ${where} was answered with a reset (connection refused).`,
          figures: { address: first.address, port: first.port },
        },
      ];
    case 'reset':
    case 'closed': {
      const afterMs = Math.round(first.endedAt - accepted);
      return [
        {
          ...base,
          outcome: first.outcome,
          afterMs,
          text: `TCP connect: ${where} accepted the connection and ${first.outcome === 'reset' ? 'reset' : 'closed'} it ${afterMs} ms later, before anything was sent.`,
          figures: { afterMs },
        },
      ];
    }
    case 'timeout':
      return [
        {
          ...base,
          outcome: 'timeout',
          afterMs: null,
          text: `TCP connect: the SYN to ${where} got no answer within ${waited} ms${hostAnswers ? `, while the host answers ${f.ping?.received ?? 0} of ${f.ping?.sent ?? 0} pings${f.trace?.reached ? ` and traceroute reaches it in ${f.trace.destinationHop} hops` : ''}` : ''}.`,
          figures: { waitedMs: waited, pings: f.ping?.received ?? 0 },
        },
      ];
    case 'unreachable':
      // Told by route(): the ICMP unreachable is the observation, with who sent it.
      return [];
    default: {
      const notPermitted = first.failure?.code === 'operation_not_permitted';
      return [
        {
          ...base,
          outcome: notPermitted ? 'not-permitted' : 'failed',
          afterMs: null,
          text: notPermitted
            ? `TCP connect: the kernel refused to send the SYN (${first.failure!.message}).`
            : `TCP connect to ${where} failed: ${first.failure?.message ?? first.outcome}.`,
          figures: { code: first.failure?.code ?? null },
        },
      ];
    }
  }
}

function localRules(f: DiagnosisFacts): Observation[] {
  if (!f.rules)
    return [
      {
        kind: 'rules-unread',
        probe: 'local-rules',
        reason: f.rulesUnread ?? 'the local rules probe did not run',
        text: `Local firewall: the rules could not be read (${f.rulesUnread ?? 'the probe did not run'}), so a rule on this machine is not ruled out.`,
        figures: { read: false },
      },
    ];
  return f.rules.matches
    .filter((m) => m.direction !== 'forwarded')
    .flatMap((m): Observation[] =>
      m.effect === 'drop' || m.effect === 'reset' || m.effect === 'reject'
        ? [
            {
              kind: 'local-rule',
              probe: 'local-rules',
              effect: m.effect,
              exact: m.certainty === 'exact',
              text: `Local firewall: ${m.why} (${m.rule.text}).`,
              figures: { effect: m.effect, certainty: m.certainty, rule: m.rule.text },
            },
          ]
        : [],
    );
}

function mtu(f: DiagnosisFacts): Observation[] {
  const m = f.mtu;
  if (!m || m.verdict === 'no-icmp' || m.verdict === 'lossy') return [];
  const lp = m.largestPassing;
  const sf = m.smallestFailing;
  const base = {
    kind: 'mtu' as const,
    probe: 'path-mtu',
    verdict: m.verdict,
    pathMtu: m.pathMtu,
    largestPassing: lp,
    smallestFailing: sf,
    remembered: m.kernelMtu === 'remembered',
    hop: m.location?.exact ? m.location.beforeHop : null,
    location: m.location,
    family: m.address.includes(':') ? (6 as const) : (4 as const),
    figures: {
      largestPassing: lp,
      smallestFailing: sf,
      pathMtu: m.pathMtu,
      kernelMtu: m.kernelMtu,
      hop: m.location?.beforeHop ?? null,
    },
  };
  if (m.verdict === 'ok')
    return [{ ...base, text: `Path MTU: full-size ${count(lp ?? 0)}-byte echoes pass with DF set.` }];
  const range =
    lp === null || sf === null
      ? 'path MTU unknown'
      : m.exact
        ? `path MTU ${count(lp)} bytes`
        : `path MTU between ${count(lp)} and ${count(sf - 1)} bytes`;
  const l = m.location;
  if (m.verdict === 'pmtud-works') {
    const who = m.announcedBy
      ? `${m.announcedBy} answers "fragmentation needed"`
      : 'the kernel already knew it';
    const kept =
      m.kernelMtu === 'remembered'
        ? ' This machine now remembers it (forgetting it needs CAP_NET_ADMIN), so later connections announce a smaller MSS and the server never sends full-size segments to it.'
        : m.kernelMtu === 'forgotten'
          ? ' The route cache was flushed afterwards, so the request met the path with a full-size MSS.'
          : '';
    return [
      {
        ...base,
        text: `Path MTU: ${range}; ${who}${l ? ` on ${linkWords(l)}` : ''}, so path MTU discovery works towards this machine.${kept}`,
      },
    ];
  }
  let place = '';
  if (l) {
    const served = m.hops.some((h) => h.small.kind === 'reply') ? ' and the server' : '';
    const big =
      l.afterHop === 0
        ? `${count(sf!)}-byte echoes get no answer from any hop`
        : `${count(sf!)}-byte echoes with TTL ${l.afterHop === 1 ? '1' : `1 to ${l.afterHop}`} come back "time exceeded", past hop ${l.afterHop} nothing`;
    place = ` ${big}, while ${count(lp!)}-byte ones reach hop ${l.beforeHop}${served}: the limit is on ${linkWords(l)}.`;
  }
  return [
    {
      ...base,
      text: `Path MTU: ${count(lp!)}-byte echoes with DF set pass, ${count(sf!)}-byte ones get no answer and no router says "fragmentation needed" (${range}).${place}`,
    },
  ];
}

function recovery(f: DiagnosisFacts): Observation[] {
  const r = f.recovery;
  if (!r) return [];
  const last = r.attempts.at(-1);
  const down =
    r.attempts.find((a) => a.outcome !== 'complete' && a.outcome !== 'reset') ?? r.attempts[0] ?? null;
  const text = !r.stoppedAccepting
    ? 'Recovery: the server accepted a new connection right after the reset, so it did not go down.'
    : r.recoveredAfterMs !== null
      ? `Recovery: new connections were ${down?.outcome} from ${down?.afterMs} ms after the reset and accepted again after ${r.recoveredAfterMs} ms: the server went away and came back.`
      : `Recovery: new connections were still ${last?.outcome} ${last?.afterMs} ms after the reset: the server stopped accepting.`;
  return [
    {
      kind: 'recovery',
      probe: 'recovery',
      stoppedAccepting: r.stoppedAccepting,
      recoveredAfterMs: r.recoveredAfterMs,
      text,
      figures: {
        stoppedAccepting: r.stoppedAccepting,
        recoveredAfterMs: r.recoveredAfterMs,
        tries: r.attempts.length,
      },
    },
  ];
}

function idle(f: DiagnosisFacts): Observation[] {
  const d = f.idle;
  if (!d) return [];
  const gaps = (results: string[]) =>
    [...new Set(d.trials.filter((t) => results.includes(t.result)).map((t) => t.gapSeconds))].sort(
      (a, b) => a - b,
    );
  const survived = gaps(['survived']);
  const failed = gaps(['closed-by-peer', 'reset-on-send', 'no-answer']);
  // An idle timer fails every gap above it and none below: failures out of order are another fault.
  const monotonic = failed.length === 0 || survived.every((s) => s < Math.min(...failed));
  const text = idleEvidence(d).join(' ');
  return [
    {
      kind: 'idle',
      probe: 'idle-timeout',
      timeoutSeconds: d.idleTimeoutSeconds,
      side: d.side,
      monotonic,
      survived,
      failed,
      lower: d.lowerSeconds,
      upper: d.upperSeconds,
      precision: d.precisionSeconds,
      silent:
        d.trials.some((t) => t.result === 'no-answer') && !d.trials.some((t) => t.result === 'reset-on-send'),
      text: monotonic
        ? text
        : `${text} The failures do not follow the gap: a shorter gap failed while a longer one survived.`,
      figures: {
        timeoutSeconds: d.idleTimeoutSeconds,
        side: d.side,
        lower: d.lowerSeconds,
        upper: d.upperSeconds,
        monotonic,
      },
      connections: d.trials.map((t) => t.conversation.id),
    },
  ];
}

function resetHop(f: DiagnosisFacts): Observation[] {
  return f.resetHop ? [resetHopObservation(f.resetHop, 'reset-hop')] : [];
}

/** Where the replays by TTL placed the device that resets: a diagnosis' probe, or a watch's search. */
export function resetHopObservation(h: ResetHopData, probe: string): Observation {
  return {
    kind: 'reset-hop',
    probe,
    verdict: h.verdict,
    hop: h.hop,
    address: h.hopAddress,
    exact: h.exact,
    trigger: h.triggerText,
    text: h.reason,
    figures: { hop: h.hop, verdict: h.verdict, firstResetTtl: h.firstResetTtl },
  };
}

function logs(f: DiagnosisFacts): Observation[] {
  const l = f.logs;
  if (!l) return [];
  const { reset = 0, crash = 0, timeout = 0 } = l.counts as Partial<Record<string, number>>;
  if (reset + crash + timeout === 0) return [];
  return [
    {
      kind: 'server-log',
      probe: 'log-scan',
      resets: reset,
      crashes: crash,
      timeouts: timeout,
      text: `Server log (${l.format}): ${reset} reset, ${crash} crash or restart and ${timeout} timeout lines.`,
      figures: { resets: reset, crashes: crash, timeouts: timeout, format: l.format },
    },
  ];
}

function cancelled(f: DiagnosisFacts): Observation[] {
  if (!f.cancelled && f.unfinished.length === 0) return [];
  return [
    {
      kind: 'cancelled',
      probe: f.unfinished[0] ?? 'run',
      unfinished: f.unfinished,
      text: f.cancelled
        ? `The run was cancelled before ${f.unfinished.length ? `these probes finished: ${f.unfinished.join(', ')}` : 'it finished'}.`
        : `These probes did not finish in their step's time: ${f.unfinished.join(', ')}.`,
      figures: { cancelled: f.cancelled, unfinished: f.unfinished.join(', ') },
    },
  ];
}
