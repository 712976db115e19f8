import type { Phase } from '../../shared/cause-info.js';
import { findErrno, findTarget, HINTS, otherReadings, prepare, stagePhase } from './error-text-evidence.js';
import {
  BROKEN_PIPE,
  BROKEN_PIPE_NOTE,
  CLIENT_OVERRIDES,
  CLIENTS,
  type Kind,
  kindOf,
  LIBRARIES,
  RESET_WORDS,
  RULES,
  RUNTIME_CLIENTS,
  short,
  type Rule,
} from './error-text-rules.js';

export { MAX_ERROR_TEXT } from './error-text-evidence.js';

export interface ErrorTextInfo {
  /** The client that printed it, when the wording gives it away ('curl', 'Node.js', 'a browser (Chromium)'…). */
  client: string | null;
  /**
   * What exactly the client said, short: 'curl exit 56', 'curl exit 56, OpenSSL SSL_read errno 104',
   * 'Node.js axios: read ECONNRESET', 'Python requests: Connection aborted, ConnectionResetError 104'.
   */
  clientDetail: string | null;
  /**
   * True when the text is the peer dropping the connection in some client's words: a reset in so many words,
   * or a drop that resets usually cause (socket hang up, server closed the connection unexpectedly…).
   */
  isReset: boolean;
  /** When in the connection's life it happened: connect, tls, request (sending), response (receiving). */
  phase: Phase | null;
  /** A URL or host:port found in the text, to fill in the target. */
  target: string | null;
  /** The error code or number as the text gives it: 'ECONNRESET', '104', '10054', 'WSAECONNRESET'. */
  errno: string | null;
  /** The fragment of the text that was recognised (at most 200 characters). */
  matched: string | null;
  /** False when no known client's message was recognised; the diagnosis goes on anyway. */
  known: boolean;
  /** One or two plain sentences for a support engineer. */
  explanation: string;
}

const MAX_MATCHED = 200;

const DOING: Record<Phase, string> = {
  dns: 'was looking up the name',
  route: 'was finding a route',
  connect: 'was opening the connection',
  tls: 'was in the TLS handshake (TCP had connected)',
  request: 'was sending the request',
  response: 'had sent the request and was waiting for or reading the response',
  transfer: 'was transferring data',
  idle: 'had left the connection idle',
};

const HINT: Record<Phase, string> = {
  dns: 'No connection was made yet.',
  route: 'No connection was made yet.',
  connect:
    'Nothing had been exchanged yet: the server refuses connections, or a firewall on the path rejects them.',
  tls: 'Something disliked the TLS ClientHello: a filtering firewall or proxy reading the server name, or a server rejecting the TLS version or ciphers.',
  request:
    'Often the connection had sat idle and a firewall, NAT or load balancer had forgotten it, or the server refused the request as it arrived.',
  response:
    'The request had gone out, so the server (or a proxy in front of it) gave up on it or crashed, or a device on the path cut the connection.',
  transfer: 'The server or a device on the path cut the connection mid-transfer.',
  idle: 'A firewall, NAT or load balancer may have forgotten the idle connection.',
};

/** Reads what the application printed: which client, what it was doing, who it talked to. */
export function parseErrorText(input: string): ErrorTextInfo {
  const given = prepare(input);
  // The text as given first; a boxed, escaped or wrapped reading only when it reads better: a drop where
  // the given text showed none, or a named client where only bare words matched.
  let text = given;
  let hits = hitsIn(given);
  const score = (found: Hit[], t: string) =>
    found[0] ? 1 + (kindOfHit(found[0], t) !== 'other' ? 2 : 0) + (found[0].rule.client ? 1 : 0) : 0;
  let best = score(hits, given);
  if (best < 4) {
    for (const reading of otherReadings(given)) {
      const found = hitsIn(reading);
      const value = score(found, reading);
      if (value > best) [text, hits, best] = [reading, found, value];
    }
  }
  const target = findTarget(text);
  const errno = findErrno(text);
  const primary = hits[0];
  if (!primary)
    return {
      client: null,
      clientDetail: null,
      isReset: false,
      phase: null,
      target,
      errno,
      matched: null,
      known: false,
      explanation:
        'This text was not recognised: it does not read like a known client’s connection reset, so the diagnosis goes on with the target alone.',
    };

  const { rule, m } = primary;
  let client = rule.client;
  let core = typeof rule.core === 'function' ? rule.core(m, text) : (rule.core ?? null);
  const kind = kindOfHit(primary, text);
  if (client === 'SSH' && /fatal: Could not read from remote repository/.test(text)) {
    client = 'git';
    core = `over SSH, ${core}`;
  }
  if (client === null || RUNTIME_CLIENTS.has(client)) {
    const override = CLIENT_OVERRIDES.find(([, re]) => re.test(text))?.[0];
    if (override) {
      core = [client && (CLIENTS[client]?.label ?? client), core].filter(Boolean).join(' ') || null;
      client = override;
    }
  }

  // The stage the words name, then what the rules say the failed operation was, then any syscall named.
  let phase: Phase | null = stagePhase(text) ?? null;
  for (const hit of phase === null ? hits : []) {
    if (hit.rule.kind === 'other' && hit !== primary) continue;
    const p = typeof hit.rule.phase === 'function' ? hit.rule.phase(hit.m, text) : hit.rule.phase;
    if (p) {
      phase = p;
      break;
    }
  }
  phase ??= HINTS.find(([re]) => re.test(text))?.[1] ?? null;
  const note = rule.note ?? (kind === 'other' && BROKEN_PIPE.test(m[0]) ? BROKEN_PIPE_NOTE : undefined);

  const library = client ? LIBRARIES.find(([c, re]) => c === client && re.test(text))?.[2] : undefined;
  const label = client ? (CLIENTS[client]?.label ?? client) : '';
  const what = [library, core].filter(Boolean).join(': ');
  const clientDetail = what ? [label, what].filter(Boolean).join(' ') : null;

  return {
    client,
    clientDetail,
    isReset: kind !== 'other',
    phase,
    target,
    errno,
    matched: short(m[0].replace(/\s+/g, ' '), MAX_MATCHED),
    known: true,
    explanation: explain(client, phase, kind, note),
  };
}

/**
 * The client and what it said, for a one-line summary: 'curl (exit 56)', 'Node.js (axios: read ECONNRESET)',
 * 'a browser (Chromium, net::ERR_CONNECTION_RESET)'.
 */
export function describeClient(info: Pick<ErrorTextInfo, 'client' | 'clientDetail'>): string | null {
  const { client, clientDetail } = info;
  if (!client) return clientDetail;
  if (!clientDetail) return client;
  const label = CLIENTS[client]?.label ?? client;
  const rest =
    label && clientDetail.startsWith(`${label} `) ? clientDetail.slice(label.length + 1) : clientDetail;
  return client.endsWith(')') ? `${client.slice(0, -1)}, ${rest})` : `${client} (${rest})`;
}

const DURING: Partial<Record<Phase, [alone: string, withTarget: string]>> = {
  dns: [' while looking up the name', ' while looking up'],
  connect: [' while connecting', ' while connecting to'],
  tls: [' during the TLS handshake', ' during the TLS handshake with'],
  request: [' while sending the request', ' while sending the request to'],
  response: [' while receiving the response', ' while receiving the response from'],
};

/** One line: 'curl (exit 56): the peer reset the connection while receiving the response from api.lab.test:443'. */
export function errorTextSummary(info: ErrorTextInfo): string {
  const who = describeClient(info);
  if (!info.known) return 'error text not recognised; going on with the target';
  if (!info.isReset)
    return `${who ?? `"${short(info.matched ?? '', 60)}"`}: not a connection reset; going on with the target`;
  const verb = info.explanation.includes(RESET_PHRASE) ? 'reset' : 'dropped';
  const [alone, withTarget] = (info.phase && DURING[info.phase]) || ['', ' talking to'];
  const where = info.target ? `${withTarget} ${info.target}` : alone;
  return `${who ? `${who}: ` : ''}the peer ${verb} the connection${where}`;
}

const RESET_PHRASE = 'the peer reset the connection';

function explain(client: string | null, phase: Phase | null, kind: Kind, note: string | undefined): string {
  const who = (client && CLIENTS[client]?.subject) || 'The application';
  if (kind === 'other')
    return `${note ?? `${who} reported an error, but not a connection reset.`} The diagnosis goes on with the target.`;
  const doing = phase ? DOING[phase] : 'was using the connection (the message does not say at which point)';
  const what = kind === 'reset' ? RESET_PHRASE : 'the peer closed the connection abruptly';
  const hint =
    note ??
    (phase
      ? HINT[phase]
      : 'The reset may come from the server or from a device on the path speaking for it; the next steps find out which.');
  return `${who} ${doing} when ${what}. ${hint}`;
}

type Hit = { rule: Rule; m: RegExpExecArray };

function hitsIn(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m) hits.push({ rule, m });
  }
  return hits;
}

/** A fixed 'closed' turns into 'reset' when the text says reset further on (a "Caused by" reset). */
function kindOfHit({ rule, m }: Hit, text: string): Kind {
  const kind = typeof rule.kind === 'function' ? rule.kind(m, text) : (rule.kind ?? kindOf(m[0]));
  return rule.kind === 'closed' && RESET_WORDS.test(text) ? 'reset' : kind;
}
