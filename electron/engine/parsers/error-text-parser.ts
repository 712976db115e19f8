import type { Phase } from '../../shared/cause-info.js';

export interface ErrorTextInfo {
  /** The client that printed it, when the wording gives it away. */
  client: string | null;
  /** True when the text is a connection reset in some client's words. */
  isReset: boolean;
  phase: Phase | null;
  /** A URL or host:port found in the text, to fill in the target. */
  target: string | null;
  explanation: string;
}

const CLIENTS: [RegExp, string][] = [
  [/curl: \(\d+\)|Recv failure|curl/i, 'curl'],
  [/fatal: unable to access|git /i, 'git'],
  [/ConnectionResetError|urllib3|requests\.exceptions|Errno 104/i, 'Python'],
  [/java\.net\.|javax\.net\./, 'Java'],
  [/wsarecv|read tcp .*: read: connection reset/i, 'Go'],
  [/ECONNRESET|socket hang up/, 'Node.js'],
  [/WSAECONNRESET|10054|forcibly closed by the remote host/i, 'Windows / .NET'],
  [/kex_exchange_identification|ssh:/i, 'SSH'],
  [/ERR_CONNECTION_RESET/, 'a browser (Chromium)'],
  [/psql|PostgreSQL|server closed the connection unexpectedly/i, 'PostgreSQL client'],
  [/MySQL|Lost connection to MySQL/i, 'MySQL client'],
];

const RESET =
  /reset by peer|ECONNRESET|connection reset|WSAECONNRESET|10054|forcibly closed|socket hang up|ERR_CONNECTION_RESET|curl: \(56\)|errno 104/i;

const PHASES: [RegExp, Phase][] = [
  [/SSL_connect|handshake|TLS|SSL routines|ClientHello/i, 'tls'],
  [/kex_exchange_identification|connect\(\)|while connecting|ECONNREFUSED/i, 'connect'],
  [/SSL_write|send failure|broken pipe|EPIPE|write:/i, 'request'],
  [
    /Recv failure|SSL_read|read: connection reset|read ECONNRESET|wsarecv|socket hang up|Connection aborted/i,
    'response',
  ],
];

/** A first reading of what the application printed; later versions know each client in depth. */
export function parseErrorText(text: string): ErrorTextInfo {
  const client = CLIENTS.find(([re]) => re.test(text))?.[1] ?? null;
  const isReset = RESET.test(text);
  const phase = PHASES.find(([re]) => re.test(text))?.[1] ?? null;
  const target = findTarget(text);
  const explanation = !isReset
    ? 'This does not read like a connection reset; the diagnosis goes on with the target alone.'
    : `The peer (or a device pretending to be it) sent a TCP reset${phase ? ` during the ${phase} phase` : ''}: the connection was torn down at once instead of being closed.`;
  return { client, isReset, phase, target, explanation };
}

function findTarget(text: string): string | null {
  const url = /\bhttps?:\/\/[^\s'"<>)]+/i.exec(text)?.[0];
  if (url) return url.replace(/[.,;:]+$/, '');
  const hostPort = /\b((?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/i.exec(text);
  return hostPort ? `${hostPort[1]}:${hostPort[2]}` : null;
}
