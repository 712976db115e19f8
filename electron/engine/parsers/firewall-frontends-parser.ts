/**
 * The firewall front ends that write nftables / iptables rules for a person: ufw and firewalld. Their own
 * view is context (the default policy a person chose, the rule they wrote); the rules nft and
 * iptables-save list stay what the matcher decides on.
 */

export type FrontendName = 'ufw' | 'firewalld' | 'application-firewall';

export interface FirewallFrontend {
  name: FrontendName;
  /** Null when the front end is installed but its state could not be read. */
  active: boolean | null;
  summary: string;
  /** Lines of its configuration that bear on the target: rules naming the port or address, reject/drop rich rules. */
  relevant: string[];
}

export interface FrontendTarget {
  addresses: string[];
  port: number;
}

/** A lone CR ends a line too: a rule shown as relevant, or quoted in a summary, is one line. */
const LINE_BREAK = /\r\n|\r|\n/;

/** Service names firewalld and ufw application profiles use for the common ports. */
const SERVICE_PORTS: Record<string, number[]> = {
  http: [80],
  https: [443],
  ssh: [22],
  ftp: [21],
  smtp: [25],
  smtps: [465],
  submission: [587],
  dns: [53],
  imap: [143],
  imaps: [993],
  pop3: [110],
  pop3s: [995],
  mysql: [3306],
  postgresql: [5432],
  'ms-wbt': [3389],
  openssh: [22],
  'nginx full': [80, 443],
  'nginx http': [80],
  'nginx https': [443],
  'apache full': [80, 443],
  apache: [80],
  'apache secure': [443],
};

/** Whether a rule's text names the port: "443", "443/tcp", "80,443/tcp", "8000:8100/tcp", "8000-8100/tcp". */
export function mentionsPort(text: string, port: number): boolean {
  for (const match of text.matchAll(/(?<![\w.:/-])(\d{1,5})(?:[:-](\d{1,5}))?(?=\/|,|\s|$|\)|")/g)) {
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (port >= from && port <= to) return true;
  }
  for (const list of text.matchAll(/(?:^|\s)((?:\d{1,5},)+\d{1,5})(?=\/|\s|$)/g))
    if (list[1]?.split(',').map(Number).includes(port)) return true;
  return false;
}

function mentionsAddress(text: string, addresses: string[]): boolean {
  return addresses.some((address) => text.split(/[\s"=]+/).includes(address));
}

function mentionsService(text: string, port: number): boolean {
  const lower = text.toLowerCase();
  return Object.entries(SERVICE_PORTS).some(
    ([name, ports]) => ports.includes(port) && new RegExp(`(^|[\\s"=])${name}($|[\\s"(])`).test(lower),
  );
}

/**
 * `ufw status verbose`:
 *   Status: active
 *   Logging: on (low)
 *   Default: deny (incoming), allow (outgoing), disabled (routed)
 *   New profiles: skip
 *
 *   To                         Action      From
 *   --                         ------      ----
 *   22/tcp                     ALLOW IN    Anywhere
 */
export function parseUfwStatus(text: string, target: FrontendTarget): FirewallFrontend {
  const lines = text.split(LINE_BREAK).map((line) => line.trimEnd());
  const status = /^Status:\s*(\w+)/m.exec(text)?.[1]?.toLowerCase() ?? null;
  const defaults = /^Default:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? null;
  const header = lines.findIndex((line) => /^--\s+------\s+----/.test(line.trim()));
  const rules = header === -1 ? [] : lines.slice(header + 1).filter((line) => line.trim() !== '');
  const relevant = rules
    .map((line) => line.replace(/\s{2,}/g, '  ').trim())
    .filter(
      (line) =>
        mentionsPort(line, target.port) ||
        mentionsAddress(line, target.addresses) ||
        mentionsService(line, target.port),
    );
  if (status === null) {
    const firstLine = lines.map((line) => line.trim()).find((line) => line !== '');
    return {
      name: 'ufw',
      active: null,
      summary: `ufw did not say whether it is active${firstLine ? `: ${firstLine}` : ''}`,
      relevant: [],
    };
  }
  const active = status === 'active';
  const parts = [`ufw is ${active ? 'active' : 'inactive'}`];
  if (active && defaults) parts.push(`default ${defaults}`);
  if (active)
    parts.push(
      `${rules.length} rule${rules.length === 1 ? '' : 's'}, ${relevant.length} naming port ${target.port}` +
        (target.addresses.length > 0 ? ' or the target address' : ''),
    );
  return { name: 'ufw', active, summary: parts.join('; '), relevant: active ? relevant : [] };
}

export interface FirewalldZone {
  name: string;
  active: boolean;
  fields: Record<string, string>;
  richRules: string[];
}

/**
 * `firewall-cmd --list-all`: the zone name ("public (active)"), then two-space-indented "key: value"
 * lines, rich rules one a line (tab-indented) after "rich rules:".
 */
export function parseFirewalldListAll(text: string): FirewalldZone | null {
  let zone: FirewalldZone | null = null;
  let inRich = false;
  for (const raw of text.split(LINE_BREAK)) {
    if (raw.trim() === '') continue;
    if (!/^\s/.test(raw)) {
      const head = /^(\S+)(?:\s+\(([^)]*)\))?/.exec(raw);
      if (!head?.[1]) continue;
      if (zone) break;
      zone = { name: head[1], active: (head[2] ?? '').includes('active'), fields: {}, richRules: [] };
      inRich = false;
      continue;
    }
    if (!zone) continue;
    const field = /^ {2}([a-z0-9 -]+):\s?(.*)$/.exec(raw);
    if (field?.[1]) {
      inRich = field[1] === 'rich rules';
      const value = (field[2] ?? '').trim();
      zone.fields[field[1]] = value;
      if (inRich && value) zone.richRules.push(value);
      continue;
    }
    if (inRich) zone.richRules.push(raw.trim());
  }
  return zone;
}

/** firewall-cmd --state prints "running" (exit 0) or "not running" (exit 252). */
export function parseFirewalldState(text: string): boolean | null {
  const state = text.trim().toLowerCase();
  if (state === 'running') return true;
  if (state === 'not running') return false;
  return null;
}

export function firewalldFrontend(
  running: boolean | null,
  listAll: string | null,
  target: FrontendTarget,
): FirewallFrontend {
  if (running === false)
    return { name: 'firewalld', active: false, summary: 'firewalld is not running', relevant: [] };
  const zone = listAll === null ? null : parseFirewalldListAll(listAll);
  if (!zone) {
    return {
      name: 'firewalld',
      active: running,
      summary:
        running === null
          ? 'firewalld did not say whether it is running'
          : 'firewalld is running; its zone could not be listed',
      relevant: [],
    };
  }
  const f = zone.fields;
  const relevant: string[] = [];
  const target_ = f.target ?? 'default';
  if (/reject|drop/i.test(target_)) relevant.push(`target: ${target_}`);
  for (const key of ['services', 'ports', 'source-ports', 'forward-ports']) {
    const value = f[key] ?? '';
    const items = value.split(/\s+/).filter(Boolean);
    const hits = items.filter(
      (item) => mentionsPort(item, target.port) || (key === 'services' && mentionsService(item, target.port)),
    );
    if (hits.length > 0) relevant.push(`${key}: ${hits.join(' ')}`);
  }
  const blocking = zone.richRules.filter((rule) => /\b(reject|drop)\b/.test(rule));
  relevant.push(...blocking);
  const parts = [
    running === null ? 'firewalld did not say whether it is running' : 'firewalld is running',
    `zone ${zone.name}${zone.active ? ' (active)' : ''}, target ${target_}`,
    `services: ${f.services || 'none'}`,
    `ports: ${f.ports || 'none'}`,
  ];
  if (zone.richRules.length > 0)
    parts.push(
      `${zone.richRules.length} rich rule${zone.richRules.length === 1 ? '' : 's'}, ${blocking.length} rejecting or dropping`,
    );
  return { name: 'firewalld', active: running ?? true, summary: parts.join('; '), relevant };
}

/** macOS's application firewall: it filters incoming connections per application, never outgoing ones. */
export function applicationFirewallFrontend(state: {
  enabled: boolean | null;
  blockAll: boolean | null;
  stealth: boolean | null;
}): FirewallFrontend {
  const relevant: string[] = [];
  if (state.blockAll) relevant.push('block all incoming connections is on');
  if (state.stealth) relevant.push('stealth mode is on: closed ports do not answer (no reset, no ICMP)');
  const onOff = (value: boolean | null) => (value === null ? 'unknown' : value ? 'on' : 'off');
  const summary =
    state.enabled === null
      ? 'the application firewall did not say whether it is on'
      : `the application firewall is ${state.enabled ? 'on' : 'off'} (block all ${onOff(state.blockAll)}, stealth mode ${onOff(state.stealth)}); it filters incoming connections only`;
  return {
    name: 'application-firewall',
    active: state.enabled,
    summary,
    relevant: state.enabled ? relevant : [],
  };
}
