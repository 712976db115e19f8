import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import { domainToASCII, domainToUnicode } from 'node:url';
import schema from '../../shared/report.schema.json' with { type: 'json' };
import { PROBE_DATA_WORDS } from '../../shared/probe-data-decode.js';
import { RESET_DATA_WORDS } from '../../shared/reset-data-decode.js';
import { WAIT_DATA_WORDS } from '../../shared/wait-data-decode.js';
import type { Report } from '../../shared/report-info.js';
import { AddressRedactor } from './report-redact-addresses.js';

export interface RedactOptions {
  /** Extra names to hide besides the target's (a proxy host, say). */
  names?: string[];
  /** The local user name; defaults to the account running the engine. */
  user?: string;
}

/**
 * A copy of the report safe to send outside the team: addresses (report-redact-addresses.ts), the
 * target's host names and the local user name become stable placeholders (the same address is always
 * <ip-1>), so the evidence still reads and still matches across steps. Keys and the schema id stay, and
 * so does a value that is a whole code word of the schema or the probe data (an origin `server`, a role
 * `control`), so a host with a generic name cannot break the report's shape; the target's own fields
 * are hidden whatever the name.
 */
export function redactReport(report: Report, options: RedactOptions = {}): Report {
  const text = redactor(report.target.host, options);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return CODE_WORDS.has(value) ? value : text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'schema' ? v : walk(v)]));
    }
    return value;
  };
  const out = walk(report) as Report;
  out.target = { ...out.target, host: text(report.target.host), input: text(report.target.input) };
  return out;
}

/** The text rewriter behind redactReport, for one report's names and user. */
export function redactor(host: string, options: RedactOptions = {}): (text: string) => string {
  const addresses = new AddressRedactor();
  const names = hostNames([host, ...(options.names ?? [])]);
  const user = options.user ?? safeUser();
  const hideUser = user && user.length > 1 && !SHARED_ACCOUNTS.has(user.toLowerCase());
  const userPattern = hideUser
    ? new RegExp(`(?<![\\p{L}\\p{N}_])${escape(user)}(?![\\p{L}\\p{N}_])`, 'giu')
    : null;
  return (s) => {
    let out = names
      ? outsidePlaceholders(s, (part) => part.replace(names.pattern, (m) => names.token(m)))
      : s;
    out = outsidePlaceholders(out, (part) => addresses.redact(part));
    if (userPattern) out = outsidePlaceholders(out, (part) => part.replace(userPattern, '<user>'));
    return out;
  };
}

/**
 * A pattern for whole host names, longest first, and their placeholders. A name is whole when no
 * letter, digit, `_` or `-` touches it and no further label follows (`api` is hidden in "api:443",
 * "api." and "www.api", not in "rapid", "api-gw" or "api.example.com", which are other names). The
 * ASCII (xn--) and Unicode spellings of an internationalized name share one placeholder.
 */
function hostNames(list: string[]): { pattern: RegExp; token: (found: string) => string } | null {
  const tokens = new Map<string, string>();
  for (const raw of list) {
    const name = raw
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '')
      .toLowerCase();
    if (!name || isIP(name) !== 0) continue;
    const spellings = [name, domainToASCII(name), domainToUnicode(name)].filter((n) => n.length > 0);
    const token = spellings.map((n) => tokens.get(n)).find(Boolean) ?? `<host-${countOf(tokens) + 1}>`;
    for (const spelling of spellings) tokens.set(spelling.toLowerCase(), token);
  }
  if (tokens.size === 0) return null;
  const alternatives = [...tokens.keys()].sort((a, b) => b.length - a.length).map(escape);
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}_-])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}_-]|\\.[\\p{L}\\p{N}])`,
    'giu',
  );
  return { pattern, token: (found) => tokens.get(found.toLowerCase()) ?? '<host>' };
}

function countOf(tokens: Map<string, string>): number {
  return new Set(tokens.values()).size;
}

// Text already replaced is not looked at again (a host named "ip" or a user named "host").
const PLACEHOLDER = /(<(?:ip|mac|host)-\d+>|<user>)/;

function outsidePlaceholders(s: string, rewrite: (part: string) => string): string {
  return s
    .split(PLACEHOLDER)
    .map((part, i) => (i % 2 === 1 ? part : rewrite(part)))
    .join('');
}

// Values that are codes, not prose: every enum and const string of the report schema, and the words the
// probe-data decoders accept.
const CODE_WORDS: ReadonlySet<string> = new Set([
  ...schemaWords(schema),
  ...PROBE_DATA_WORDS,
  ...RESET_DATA_WORDS,
  ...WAIT_DATA_WORDS,
]);

function schemaWords(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(schemaWords);
  if (!node || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'enum' && Array.isArray(value)) return value.filter((v) => typeof v === 'string');
    if (key === 'const' && typeof value === 'string') return [value];
    return schemaWords(value);
  });
}

// Accounts every machine has: hiding them names nobody and garbles advice such as "run it as root".
const SHARED_ACCOUNTS = new Set(['root', 'administrator']);

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
