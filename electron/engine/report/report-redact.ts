import { userInfo } from 'node:os';
import type { Report } from '../../shared/report-info.js';

const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
// Full and compressed IPv6 forms; at least two colons keeps times like 10:11:12 out only when followed by hex groups.
const IPV6 = /\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b/gi;
const TIME = /^\d{1,2}:\d{2}(:\d{2})?$/;

export interface RedactOptions {
  /** Extra names to hide besides the target's (a proxy host, say). */
  names?: string[];
  /** The local user name; defaults to the account running the engine. */
  user?: string;
}

/**
 * A copy of the report safe to send outside the team: addresses, the target's host names and the
 * local user name become stable placeholders (the same address is always <ip-1>), so the evidence
 * still reads and still matches across steps.
 */
export function redactReport(report: Report, options: RedactOptions = {}): Report {
  const ips = new Map<string, string>();
  const names = new Map<string, string>();
  for (const name of [report.target.host, ...(options.names ?? [])]) {
    if (name && !IPV4.test(name) && !name.includes(':'))
      names.set(name.toLowerCase(), `<host-${names.size + 1}>`);
    IPV4.lastIndex = 0;
  }
  const user = options.user ?? safeUser();
  const text = (s: string): string => {
    let out = s.replace(IPV4, (ip) => placeholder(ips, ip, 'ip'));
    out = out.replace(IPV6, (ip) =>
      TIME.test(ip) || !ip.includes(':') ? ip : placeholder(ips, ip.toLowerCase(), 'ip'),
    );
    for (const [name, token] of names) out = out.replace(new RegExp(escape(name), 'gi'), token);
    if (user && user.length > 1) out = out.replace(new RegExp(`\\b${escape(user)}\\b`, 'g'), '<user>');
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'schema' ? v : walk(v)]));
    }
    return value;
  };
  return walk(report) as Report;
}

function placeholder(map: Map<string, string>, key: string, kind: string): string {
  let token = map.get(key);
  if (!token) {
    token = `<${kind}-${map.size + 1}>`;
    map.set(key, token);
  }
  return token;
}

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
