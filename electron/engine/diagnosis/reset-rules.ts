import type { Phase } from '../../shared/cause-info.js';
import type { Conversation } from '../net/conversation-types.js';
import { dominantOrigin, resetsOf, type DiagnosisFacts } from './diagnosis-facts.js';
import { hostPort } from '../probes/probe-helpers.js';
import { candidate, type Candidate } from './finding-candidate.js';
import { where } from '../probes/reset-hop-probe.js';
import { idleTimeoutRule } from './idle-rules.js';
import { connectionLimitRule } from './load-rules.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';

/** Causes told apart by when a reset comes and who sent it. */
export function resetRules(f: DiagnosisFacts): Candidate[] {
  return [
    ...refusedSyn(f),
    ...resetBeforeRequest(f),
    ...resetOfRequest(f),
    ...connectionLimit(f),
    ...idleTimeout(f),
  ];
}

const SIGNAL_WORDS: Record<ResetVerdict['signals'][number]['name'], string> = {
  ttl: 'TTL',
  'ip-id': 'IP ID',
  options: 'TCP options',
  seq: 'sequence number',
  flags: 'RST flags',
  burst: 'RST burst',
  race: 'arrival time',
  after: 'traffic after the RST',
};

function originText(r: ResetVerdict | null, captured: boolean): string {
  if (r) {
    const votes = r.signals
      .filter((x) => x.vote !== 'neutral')
      .map((x) => `${SIGNAL_WORDS[x.name]} → ${x.vote}`);
    const tally = votes.length > 1 ? ` Signals: ${votes.join(', ')}.` : '';
    const ttl = r.ttl !== null ? `TTL ${r.ttl}` : r.family === 6 ? 'no hop limit (IPv6)' : 'TTL ?';
    const state =
      r.senderState === 'aborted'
        ? ' The server application aborted the open connection (RST+ACK from its socket).'
        : r.senderState === 'no-socket'
          ? r.flags.includes('A')
            ? " The server's kernel had no socket for this connection: nothing listens on the port, or its firewall rejects the SYN."
            : " The server's kernel had no socket for this connection (RST without ACK, its sequence number taken from our acknowledgement): the application had already closed it, or the server restarted."
          : '';
    return `Captured RST (${ttl}, window ${r.window}, ${r.optionsLength} option bytes): ${r.reason}.${tally}${state}`;
  }
  return captured
    ? 'No RST was captured for this connection.'
    : 'Who sent the reset is unknown: packet capture needs raw-socket privileges.';
}

function localResetRule(f: DiagnosisFacts) {
  return f.rules?.matches.find(
    (m) => (m.effect === 'reset' || m.effect === 'reject') && m.direction !== 'forwarded',
  );
}

function refusedSyn(f: DiagnosisFacts): Candidate[] {
  const first = f.tcp?.attempts[0];
  if (first?.outcome !== 'refused') return [];
  const rst = dominantOrigin(resetsOf(f, 'tcp-connect #1'));
  const rule = localResetRule(f);
  const evidence = [
    `TCP connect: the SYN to ${hostPort(first.address, first.port)} was answered with a reset.`,
    originText(rst, f.captured),
  ];
  if (rule && (rst === null || rst.hopsAway === 0)) {
    evidence.push(`Local firewall: ${rule.why} (${rule.rule.text}).`);
    return [
      candidate('firewall-reset', 'local', 'connect', rule.certainty === 'exact' ? 0.92 : 0.7, evidence),
    ];
  }
  if (rst?.origin === 'path')
    return [candidate('firewall-reset', 'path', 'connect', 0.9, evidence, { hop: rst.hop! })];
  if (rst?.origin === 'server') return [candidate('port-closed', 'server', 'connect', 0.9, evidence)];
  return [candidate('port-closed', 'unknown', 'connect', 0.6, evidence)];
}

function resetBeforeRequest(f: DiagnosisFacts): Candidate[] {
  const first = f.tcp?.attempts[0];
  if (first?.outcome !== 'reset' && first?.outcome !== 'closed') return [];
  const rst = dominantOrigin(resetsOf(f, 'tcp-connect #1'));
  const gap = Math.round(
    first.endedAt - (first.events.find((e) => e.kind === 'connected')?.at ?? first.startedAt),
  );
  const how = first.outcome === 'reset' ? 'reset' : 'closed';
  const evidence = [
    `TCP connect: the server accepted the connection and ${how} it ${gap} ms later, before anything was sent.`,
    originText(rst, f.captured),
  ];
  if (rst?.origin === 'path')
    return [candidate('firewall-reset', 'path', 'connect', 0.88, evidence, { hop: rst.hop! })];
  const confidence = first.outcome === 'closed' ? 0.55 : rst?.origin === 'server' ? 0.88 : 0.7;
  return [
    candidate(
      'server-reset',
      rst?.origin === 'server' || !f.captured ? 'server' : 'unknown',
      'connect',
      confidence,
      evidence,
    ),
  ];
}

function resetOfRequest(f: DiagnosisFacts): Candidate[] {
  const c = f.request?.conversation;
  if (!c) return [];
  // A server that already reset the bare connection explains the request's reset too.
  if (f.tcp?.attempts[0]?.outcome === 'reset') return [];
  if (c.outcome !== 'reset' && c.outcome !== 'closed') return httpError(c);
  const rst = dominantOrigin(resetsOf(f, 'request'));
  const phase = c.phase as Phase;
  const evidence = [requestStory(c), originText(rst, f.captured)];
  const placed = f.resetHop?.hop ? f.resetHop : null;
  if (placed) {
    evidence.push(placed.reason);
    // Two independent methods (the RST's TTL, the replay) naming the same hop leave little doubt.
    const agree = rst?.origin === 'path' && rst.hop === placed.hop;
    const what = placed.verdict === 'any-data' ? 'any data on this port' : `the ${placed.triggerText}`;
    return [
      candidate('firewall-reset', 'path', phase, agree ? 0.95 : 0.88, evidence, {
        hop: placed.hop!,
        remedies: [
          `The device ${where(placed)} resets ${what}: ask its owner to allow it (an IDS/IPS, DPI or web filter rule matching ${placed.trigger === 'tls-client-hello' ? 'the SNI' : 'the request'}), or route around it (another path, a VPN).`,
        ],
      }),
    ];
  }
  if (f.resetHop?.verdict === 'server') evidence.push(f.resetHop.reason);
  if (rst?.origin === 'path')
    return [candidate('firewall-reset', 'path', phase, 0.9, evidence, { hop: rst.hop! })];
  const serverSide =
    rst?.origin === 'server' ? 'server' : f.captured && c.outcome === 'reset' ? 'unknown' : 'server';
  const recovery = f.recovery;
  const crashLines = (f.logs?.counts.crash ?? 0) > 0;
  if (recovery?.stoppedAccepting) {
    const down =
      recovery.attempts.find((a) => a.outcome !== 'complete' && a.outcome !== 'reset') ??
      recovery.attempts[0]!;
    evidence.push(
      recovery.recoveredAfterMs !== null
        ? `Recovery: new connections were ${down.outcome} from ${down.afterMs} ms after the reset and accepted again after ${recovery.recoveredAfterMs} ms: the server went away and came back.`
        : `Recovery: new connections were still ${recovery.attempts.at(-1)!.outcome} ${recovery.attempts.at(-1)!.afterMs} ms after the reset: the server stopped accepting.`,
    );
    if (crashLines) evidence.push(`Server log: ${f.logs!.counts.crash} crash/restart lines.`);
    return [candidate('server-crash', 'server', phase, crashLines ? 0.92 : 0.85, evidence)];
  }
  if (recovery)
    evidence.push(
      'Recovery: the server accepted a new connection right after the reset, so it did not go down.',
    );
  if (rst?.origin === 'server' && rst.senderState === 'no-socket') {
    // Not the request handler: the connection was already gone on the server when the request came.
    return [
      candidate('server-reset', 'server', phase, 0.85, evidence, {
        remedies: [
          'The server no longer had this connection: find out why it dropped it without the close reaching the client (a restart or deploy, a worker killed, a socket closed while a proxy or firewall swallowed the FIN or RST).',
          "Make the client retry on a fresh connection when a reused one is reset before any answer (idempotent requests), and keep the client's pool idle timeout below the server's.",
        ],
      }),
    ];
  }
  if (phase === 'tls' || phase === 'connect') {
    return [candidate('server-reset', serverSide, phase, rst?.origin === 'server' ? 0.8 : 0.65, evidence)];
  }
  const confidence = c.outcome === 'closed' ? 0.5 : rst?.origin === 'server' ? 0.88 : 0.7;
  return [candidate('application-error', serverSide, phase, confidence, evidence)];
}

function requestStory(c: Conversation): string {
  const what = c.outcome === 'reset' ? 'reset' : 'closed without an answer';
  if (c.phase === 'transfer')
    return `Request: the response started (${c.response?.statusLine ?? 'headers'}), then the connection was ${what} after ${c.bytesReceived} bytes.`;
  if (c.phase === 'response')
    return `Request: ${c.bytesReceived} bytes of the response arrived, then the connection was ${what}.`;
  if (c.phase === 'tls') return `Request: the connection was ${what} during the TLS handshake.`;
  return `Request: ${c.bytesSent} bytes sent, then the connection was ${what} before any answer.`;
}

function httpError(c: Conversation): Candidate[] {
  const status = c.response?.statusCode ?? 0;
  if (c.outcome !== 'complete' || status < 500) return [];
  return [
    candidate('application-error', 'server', 'response', 0.35, [
      `Request: the server answered ${c.response!.statusLine}.`,
    ]),
  ];
}

function connectionLimit(f: DiagnosisFacts): Candidate[] {
  return connectionLimitRule(f, (rst) => originText(rst, f.captured));
}

function idleTimeout(f: DiagnosisFacts): Candidate[] {
  return idleTimeoutRule(f, (rst) => originText(rst, f.captured));
}
