/**
 * Fields of server-log lines beyond their kind and time: who the client was (address and port, where the
 * line names them). Pure, and only called for the few lines a scan keeps, so clarity beats speed here.
 */
import { isIP } from 'node:net';

export interface ClientEndpoint {
  address: string;
  /** The client's (source) port, when the line gives it. */
  port: number | null;
}

const IPV4 = String.raw`\d{1,3}(?:\.\d{1,3}){3}`;
const IPV6 = String.raw`[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?::${IPV4})?`;
const IP = `(?:${IPV4}|${IPV6})`;
/** An address and port written as "1.2.3.4:5678", "[2001:db8::1]:5678" or HAProxy's "2001:db8::1:5678". */
const HOST_PORT = String.raw`(\[${IP}\]|${IP}):(\d{1,5})`;

interface EndpointPattern {
  pattern: RegExp;
  /** Group of the address and, if any, of the port. */
  address: number;
  port?: number;
}

/** Checked in order: the first that fits the line gives its client. */
const ENDPOINTS: readonly EndpointPattern[] = [
  // HAProxy: "haproxy[123]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] frontend ..."
  { pattern: new RegExp(`(?:^|\\s)${HOST_PORT} \\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:`), address: 1, port: 2 },
  // PostgreSQL: "connection received: host=10.0.0.5 port=51234", and log_line_prefix %r "10.0.0.5(51234)".
  { pattern: new RegExp(`\\bhost=(${IP}) port=(\\d{1,5})\\b`), address: 1, port: 2 },
  { pattern: new RegExp(`(?:^|[\\s@])(${IP})\\((\\d{1,5})\\)`), address: 1, port: 2 },
  // Apache 2.4: "[client 10.0.0.5:51234]"; 2.2 has no port: "[client 10.0.0.5]".
  { pattern: new RegExp(`\\[client ${HOST_PORT}\\]`), address: 1, port: 2 },
  { pattern: new RegExp(`\\[client (${IP})\\]`), address: 1 },
  // nginx error log: ", client: 10.0.0.5, server: ..." (the stream module may add the port).
  { pattern: new RegExp(`\\bclient: ${HOST_PORT}(?=,|$)`), address: 1, port: 2 },
  { pattern: new RegExp(`\\bclient: (${IP})(?=,|$)`), address: 1 },
  // Go and Envoy connection errors: "read tcp 10.0.0.2:443->10.0.0.9:51234: read: connection reset".
  { pattern: new RegExp(`->${HOST_PORT}`), address: 1, port: 2 },
  // Common/combined access log: the first field; some formats append the port.
  { pattern: new RegExp(`^${HOST_PORT} \\S+ \\S+ \\[`), address: 1, port: 2 },
  { pattern: new RegExp(`^(${IP}) \\S+ \\S+ \\[`), address: 1 },
  // Application logs: "client 10.0.0.5:51234", "from 10.0.0.5 port 51234", "remote_addr=10.0.0.5".
  {
    pattern: new RegExp(`\\b(?:client|from|peer|remote(?:[_ ]addr(?:ess)?)?|src)[=: ]+${HOST_PORT}`, 'i'),
    address: 1,
    port: 2,
  },
  {
    pattern: new RegExp(
      `\\b(?:client|from|peer|remote(?:[_ ]addr(?:ess)?)?|src)[=: ]+(${IP})(?: port (\\d{1,5}))?\\b`,
      'i',
    ),
    address: 1,
    port: 2,
  },
];

/** Envoy's access log: "[time] "request" status flags ..."; its address fields follow the last quote. */
const ENVOY_LINE = /^\[\d{4}-\d{2}-\d{2}T[^\]]+\] "[^"]*" (?:\d{1,3}) \S+ /;
const ENVOY_HOST_PORT = new RegExp(`^${HOST_PORT}$`);
/** The default format's X-Forwarded-For, the first quoted field after the six numbers and flags. */
const ENVOY_FORWARDED_FOR = new RegExp(`^\\[[^\\]]+\\] "[^"]*"(?: \\S+){6} "(${IP})[",]`);

/**
 * The client of the connection a line is about, or null. An address only counts when it is an IP
 * literal; ports outside 1..65535 are dropped.
 */
export function extractClientEndpoint(line: string): ClientEndpoint | null {
  if (ENVOY_LINE.test(line)) return envoyClient(line);
  for (const { pattern, address, port } of ENDPOINTS) {
    const match = pattern.exec(line);
    if (match === null) continue;
    const found = endpoint(match[address], port === undefined ? undefined : match[port]);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Envoy: with %DOWNSTREAM_REMOTE_ADDRESS% (Istio's format puts it fourth after the quoted upstream host:
 * cluster, upstream local, downstream local, downstream remote) the client and its port; with the
 * default format only X-Forwarded-For, an address without a port.
 */
function envoyClient(line: string): ClientEndpoint | null {
  const tail = line.slice(line.lastIndexOf('"') + 1).trim();
  const tokens = tail === '' ? [] : tail.split(/\s+/);
  const remote = tokens.length >= 4 ? ENVOY_HOST_PORT.exec(tokens[3] ?? '') : null;
  if (remote !== null) return endpoint(remote[1], remote[2]);
  const forwarded = ENVOY_FORWARDED_FOR.exec(line);
  return forwarded === null ? null : endpoint(forwarded[1], undefined);
}

function endpoint(rawAddress: string | undefined, rawPort: string | undefined): ClientEndpoint | null {
  if (rawAddress === undefined) return null;
  const address = normalizeAddress(rawAddress);
  if (address === null) return null;
  const port = rawPort === undefined ? null : Number(rawPort);
  return { address, port: port !== null && port >= 1 && port <= 65535 ? port : null };
}

/** Brackets and the IPv4-mapped prefix removed; null for something that is not an address after all. */
export function normalizeAddress(raw: string): string | null {
  let address = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1] !== undefined) address = mapped[1];
  // The patterns above are loose on purpose (an IPv6 run of groups, a dotted quad); Node's own test then
  // turns away what only looks like one: a time such as 10:11:12, ":::", 300.1.1.1.
  return isIP(address) === 0 ? null : address.toLowerCase();
}
