import { BlockList, isIP } from 'node:net';
import { isPrefixLength } from './firewall-rule-types.js';

export type SecurityKind = 'edr' | 'ids' | 'vpn' | 'proxy' | 'firewall';

export interface SecuritySoftware {
  name: string;
  vendor: string;
  kind: SecurityKind;
  /** One sentence: why it can cause or send resets. */
  why: string;
  /** The process names it was recognised by, as listed. */
  processes: string[];
}

interface Agent {
  name: string;
  vendor: string;
  kind: SecurityKind;
  why: string;
  /** Tested against the process's base name, lower case, without .exe. */
  pattern: RegExp;
}

const EDR_WHY =
  'Endpoint security agents filter connections inside the network stack and end those they judge risky, often with a reset that comes from this machine.';
const TLS_WHY =
  'It sends traffic through an inspecting proxy that decrypts TLS; a policy block or a failed inspection reaches the application as a reset.';
const VPN_WHY =
  'A VPN client changes the route, the MTU and the way out to the Internet; its tunnel and its own filter rules can reset or drop connections.';
const IDS_WHY =
  'An intrusion detection or prevention system on this machine can reset connections its rules flag (in IPS mode or through active response).';
const APP_FW_WHY =
  'A per-application firewall can deny a program its connections, which the program sees as refused or reset.';

const AGENTS: Agent[] = [
  {
    name: 'CrowdStrike Falcon',
    vendor: 'CrowdStrike',
    kind: 'edr',
    why: EDR_WHY,
    pattern: /^(falcon-sensor|falcond|csfalconservice|csfalconcontainer|com\.crowdstrike\.falcon\..*)$/,
  },
  {
    name: 'SentinelOne',
    vendor: 'SentinelOne',
    kind: 'edr',
    why: EDR_WHY,
    pattern: /^(sentinelagent|sentinelone.*|sentineld|sentinelctl|s1-agent|s1-network|s1-orchestrator)$/,
  },
  {
    name: 'Microsoft Defender for Endpoint',
    vendor: 'Microsoft',
    kind: 'edr',
    why: `${EDR_WHY.slice(0, -1)}; its network protection blocks connections to flagged addresses.`,
    pattern: /^(mssense|sensecncproxy|mdatp|wdavdaemon)$/,
  },
  {
    name: 'Sophos',
    vendor: 'Sophos',
    kind: 'edr',
    why: `${EDR_WHY.slice(0, -1)}; Sophos filters web traffic through its own network filter.`,
    pattern: /^(sophosnetfilter|sophos.*|savservice)$/,
  },
  {
    name: 'Symantec Endpoint Protection',
    vendor: 'Broadcom',
    kind: 'edr',
    why: EDR_WHY,
    pattern: /^(ccsvchst|sepagent|smc|rtvscan)$/,
  },
  {
    name: 'McAfee / Trellix Endpoint Security',
    vendor: 'Trellix',
    kind: 'edr',
    why: EDR_WHY,
    pattern: /^(mfetp|mfeesp|mfefire|mfemms|masvc)$/,
  },
  {
    name: 'Palo Alto GlobalProtect',
    vendor: 'Palo Alto Networks',
    kind: 'vpn',
    why: VPN_WHY,
    pattern: /^(pangps|pangpa|globalprotect)$/,
  },
  {
    name: 'Cisco AnyConnect / Secure Client',
    vendor: 'Cisco',
    kind: 'vpn',
    why: VPN_WHY,
    pattern: /^(vpnagentd|vpnagent|vpnui|csc_ui|aciseagent)$/,
  },
  {
    name: 'Zscaler Client Connector',
    vendor: 'Zscaler',
    kind: 'proxy',
    why: TLS_WHY,
    pattern: /^(zsatunnel|zsaservice|zsatray.*|zscaler.*|zstunnel)$/,
  },
  {
    name: 'Netskope Client',
    vendor: 'Netskope',
    kind: 'proxy',
    why: TLS_WHY,
    pattern: /^(stagentsvc|stagentui|stagentapp|nsagent)$/,
  },
  {
    name: 'Cloudflare WARP',
    vendor: 'Cloudflare',
    kind: 'vpn',
    why: `${VPN_WHY.slice(0, -1)}; with Gateway it also inspects TLS.`,
    pattern: /^(warp-svc|cloudflare warp|cloudflarewarp)$/,
  },
  {
    name: 'Forcepoint Endpoint',
    vendor: 'Forcepoint',
    kind: 'proxy',
    why: TLS_WHY,
    pattern: /^(fppsvc|wepsvc|forcepoint.*|websense.*)$/,
  },
  {
    name: 'Fortinet FortiClient',
    vendor: 'Fortinet',
    kind: 'vpn',
    why: `${VPN_WHY.slice(0, -1)}; FortiClient's web filter can also block connections.`,
    pattern: /^(fortitray|fortisslvpndaemon|forticlient|fctsched|fortiesnac|fortiproxy)$/,
  },
  { name: 'Suricata', vendor: 'OISF', kind: 'ids', why: IDS_WHY, pattern: /^suricata$/ },
  { name: 'Snort', vendor: 'Cisco', kind: 'ids', why: IDS_WHY, pattern: /^snort3?$/ },
  { name: 'Zeek', vendor: 'Zeek Project', kind: 'ids', why: IDS_WHY, pattern: /^zeek$/ },
  {
    name: 'Little Snitch',
    vendor: 'Objective Development',
    kind: 'firewall',
    why: APP_FW_WHY,
    pattern: /^(little snitch.*|at\.obdev\.littlesnitch.*)$/,
  },
  {
    name: 'LuLu',
    vendor: 'Objective-See',
    kind: 'firewall',
    why: APP_FW_WHY,
    pattern: /^(lulu|com\.objective-see\.lulu.*)$/,
  },
  {
    name: 'OpenVPN',
    vendor: 'OpenVPN',
    kind: 'vpn',
    why: VPN_WHY,
    pattern: /^(openvpn|openvpnserv2?|openvpn-gui|openvpnconnect|openvpn connect)$/,
  },
  {
    name: 'WireGuard',
    vendor: 'WireGuard',
    kind: 'vpn',
    why: VPN_WHY,
    pattern: /^(wg-quick|wireguard|wireguard-go)$/,
  },
  {
    name: 'Tailscale',
    vendor: 'Tailscale',
    kind: 'vpn',
    why: `${VPN_WHY.slice(0, -1)}; an exit node or subnet route sends traffic through another machine.`,
    pattern: /^(tailscaled|tailscale-ipn|io\.tailscale\..*)$/,
  },
];

export interface ProcessEntry {
  pid: number;
  name: string;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return (parts[parts.length - 1] ?? path).trim();
}

/** Linux `ps -eo pid,comm,args` and macOS `ps -axo pid,comm`: a header line, then "PID rest". */
export function parsePsOutput(text: string, withArgs: boolean): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    // Not (.+?)\s*$: a lazy group before trailing spaces tries every split of a long run of them (quadratic).
    const match = /^\s*(\d+)\s+(\S.*)$/.exec(line);
    const rest = match?.[2]?.trimEnd();
    if (!rest) continue;
    const pid = Number(match?.[1]);
    if (withArgs) {
      // Linux: comm (no spaces; kernel threads aside) then the command line, whose first word is the program.
      const [comm = '', program] = rest.split(/\s+/);
      entries.push({ pid, name: comm });
      if (program && baseName(program) !== comm) entries.push({ pid, name: baseName(program) });
    } else {
      entries.push({ pid, name: baseName(rest) });
    }
  }
  return entries;
}

/** Windows `tasklist /fo csv /nh`: "Image Name","PID","Session Name","Session#","Mem Usage" without the header. */
export function parseTasklistCsv(text: string): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? '').replace(/""/g, '"'));
    const [name, pid] = fields;
    if (!name || !pid || !/^\d+$/.test(pid)) continue;
    entries.push({ pid: Number(pid), name });
  }
  return entries;
}

/** The known agents among the processes, each once, with the names it was seen under. */
export function detectSecuritySoftware(processes: ProcessEntry[]): SecuritySoftware[] {
  const found = new Map<Agent, Set<string>>();
  for (const process of processes) {
    const key = process.name.toLowerCase().replace(/\.exe$/, '');
    const agent = AGENTS.find((a) => a.pattern.test(key));
    if (!agent) continue;
    const names = found.get(agent) ?? new Set<string>();
    names.add(process.name);
    found.set(agent, names);
  }
  return AGENTS.filter((agent) => found.has(agent)).map((agent) => ({
    name: agent.name,
    vendor: agent.vendor,
    kind: agent.kind,
    why: agent.why,
    processes: [...(found.get(agent) ?? [])].sort(),
  }));
}

/**
 * Hides the user and password of a proxy URL: http://user:secret@proxy:8080 → http://***@proxy:8080. The
 * user information is what stands before an "@" since the word's start or the last "//", with no "/" in it
 * (RFC 3986), wherever it is in the value: a value may hold several proxies ("http=u:p@a:80;https=u:p@b:443")
 * or begin with a stray line, and a password further on must not show either.
 */
export function redactProxy(value: string): string {
  return value.replace(/[^\s;,=]+/g, (word) => word.replace(/(^|\/\/)[^@/]+@/g, '$1***@'));
}

export interface ProxyTarget {
  host: string;
  scheme: 'http' | 'https' | 'tcp';
  port: number;
  addresses: string[];
}

function entryMatches(entry: string, target: ProxyTarget): boolean {
  let e = entry.trim().toLowerCase();
  if (e === '') return false;
  if (e === '*' || e === '<-loopback>')
    return e === '*' || ['localhost', '127.0.0.1', '::1'].includes(target.host);
  const portMatch = /^(.*[^:]):(\d+)$/.exec(e);
  if (portMatch?.[1] && !e.includes('/') && isIP(e) !== 6) {
    if (Number(portMatch[2]) !== target.port) return false;
    e = portMatch[1];
  }
  e = e.replace(/^\[|\]$/g, '');
  const candidates = [target.host.toLowerCase(), ...target.addresses];
  if (e.includes('/')) {
    const [address = '', length = ''] = e.split('/');
    const family = isIP(address);
    if ((family !== 4 && family !== 6) || !/^\d+$/.test(length)) return false;
    // 10.0.0.0/42 is a typo, not a subnet: BlockList would throw and lose every other finding.
    if (!isPrefixLength(Number(length), family)) return false;
    const list = new BlockList();
    list.addSubnet(address, Number(length), family === 4 ? 'ipv4' : 'ipv6');
    return candidates.some((c) => isIP(c) === family && list.check(c, family === 4 ? 'ipv4' : 'ipv6'));
  }
  // Windows and macOS lists use wildcards (*.corp.example, 10.*); NO_PROXY uses suffixes (.corp.example).
  if (e.includes('*')) return candidates.some((c) => wildcardMatch(e, c));
  const suffix = e.replace(/^\./, '');
  return candidates.some((c) => c === suffix || c.endsWith(`.${suffix}`));
}

/**
 * Whether `text` matches `pattern`, where "*" stands for any run of characters and every other character for
 * itself. Not a regular expression: /^.*a.*a.*a…$/ backtracks exponentially, and a bypass list from the
 * environment or the registry with a few stars in one entry hung the probe. This walk goes back only to the
 * last star, so it takes at most pattern × text steps.
 */
function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      p += 1;
      resume = t;
    } else if (star >= 0) {
      p = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** Whether a bypass list (NO_PROXY, ProxyOverride, ExceptionsList) exempts the target from the proxy. */
export function bypassCovers(list: string[], target: ProxyTarget): boolean {
  return list.some((entry) => {
    if (entry.trim().toLowerCase() === '<local>') return !target.host.includes('.');
    return entryMatches(entry, target);
  });
}

export interface ProxySetting {
  /** Where it was found: "env HTTPS_PROXY", "windows ProxyServer", "macos HTTPSProxy", "gnome mode"… */
  source: string;
  /** Credentials are redacted. */
  value: string;
  /** True when the target's traffic goes through it, false when it does not (another scheme, bypassed), null when unknown. For bypass lists: whether they exempt the target. */
  appliesToTarget: boolean | null;
}

export interface ProxyFindings {
  proxies: ProxySetting[];
  pac: string | null;
}

const ENV_NAMES = ['http_proxy', 'https_proxy', 'all_proxy', 'no_proxy'];

/** HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY in any case, as curl and most libraries read them. */
export function proxiesFromEnvironment(
  env: Record<string, string | undefined>,
  target: ProxyTarget,
): ProxySetting[] {
  const found = Object.entries(env).filter(
    ([key, value]) => ENV_NAMES.includes(key.toLowerCase()) && value !== undefined && value.trim() !== '',
  );
  const noProxy = found
    .filter(([key]) => key.toLowerCase() === 'no_proxy')
    .flatMap(([, value]) => (value ?? '').split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  const bypassed = bypassCovers(noProxy, target);
  return found
    .sort(
      ([a], [b]) =>
        ENV_NAMES.indexOf(a.toLowerCase()) - ENV_NAMES.indexOf(b.toLowerCase()) || (a < b ? -1 : 1),
    )
    .map(([key, value]) => {
      const lower = key.toLowerCase();
      const v = value ?? '';
      if (lower === 'no_proxy') return { source: `env ${key}`, value: v, appliesToTarget: bypassed };
      const scheme = lower === 'https_proxy' ? 'https' : lower === 'http_proxy' ? 'http' : null;
      const applies = bypassed
        ? false
        : target.scheme === 'tcp'
          ? null
          : scheme === null
            ? true
            : scheme === target.scheme;
      return { source: `env ${key}`, value: redactProxy(v), appliesToTarget: applies };
    });
}

/** `reg query "HKCU\...\Internet Settings" /v Name`: "    Name    REG_SZ    value". */
export function parseRegQueryValue(text: string, name: string): string | null {
  // Line by line, trimmed, rather than /^\s*name…(.*?)\s*$/im over the whole text: with the m flag every CR
  // starts a line, and on a long run of them each start's \s* ran to the end (quadratic).
  const pattern = new RegExp(`^${name}\\s+REG_\\w+\\s+(.*)$`, 'i');
  for (const line of text.split(/\r\n|\r|\n/)) {
    const match = pattern.exec(line.trim());
    if (match?.[1] !== undefined) return match[1].trim();
  }
  return null;
}

/** The Windows Internet Settings proxy: ProxyEnable (0x1), ProxyServer, ProxyOverride, AutoConfigURL. */
export function windowsProxies(
  values: {
    enable: string | null;
    server: string | null;
    override: string | null;
    autoConfigUrl: string | null;
  },
  target: ProxyTarget,
): ProxyFindings {
  const proxies: ProxySetting[] = [];
  const enabled = values.enable !== null && /^(0x0*1|1)$/i.test(values.enable.trim());
  const bypass = (values.override ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean);
  const bypassed = bypassCovers(bypass, target);
  if (enabled && values.server) {
    // "proxy:8080" for every scheme, or "http=proxy:80;https=proxy:443;socks=proxy:1080".
    for (const part of values.server
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [scheme, address] = part.includes('=') ? part.split('=', 2) : [null, part];
      const lower = scheme?.toLowerCase() ?? null;
      const applies = bypassed
        ? false
        : target.scheme === 'tcp'
          ? lower === 'socks'
            ? null
            : false
          : lower === null || lower === 'socks' || lower === target.scheme;
      proxies.push({
        source: `windows ProxyServer${scheme ? ` ${scheme}` : ''}`,
        value: redactProxy(address ?? ''),
        appliesToTarget: applies,
      });
    }
    if (bypass.length > 0)
      proxies.push({ source: 'windows ProxyOverride', value: bypass.join(';'), appliesToTarget: bypassed });
  }
  return { proxies, pac: values.autoConfigUrl ? redactProxy(values.autoConfigUrl) : null };
}

/** `scutil --proxy`: "<dictionary> {", "  HTTPSEnable : 1", "  ExceptionsList : <array> {", "    0 : *.local", "  }", "}". */
export function parseScutilProxy(text: string): { values: Record<string, string>; exceptions: string[] } {
  const values: Record<string, string> = {};
  const exceptions: string[] = [];
  let inExceptions = false;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (inExceptions) {
      if (trimmed === '}') {
        inExceptions = false;
        continue;
      }
      const item = /^\d+\s*:\s*(.*)$/.exec(trimmed);
      if (item?.[1]) exceptions.push(item[1]);
      continue;
    }
    const match = /^(\w+)\s*:\s*(.*)$/.exec(trimmed);
    if (!match?.[1]) continue;
    if (match[1] === 'ExceptionsList') {
      inExceptions = true;
      continue;
    }
    values[match[1]] = (match[2] ?? '').trim();
  }
  return { values, exceptions };
}

export function macosProxies(text: string, target: ProxyTarget): ProxyFindings {
  const { values, exceptions } = parseScutilProxy(text);
  const bypassed = bypassCovers(exceptions, target);
  const proxies: ProxySetting[] = [];
  for (const [kind, scheme] of [
    ['HTTP', 'http'],
    ['HTTPS', 'https'],
    ['SOCKS', null],
  ] as const) {
    if (values[`${kind}Enable`] !== '1' || !values[`${kind}Proxy`]) continue;
    const port = values[`${kind}Port`];
    const applies = bypassed
      ? false
      : target.scheme === 'tcp'
        ? scheme === null
          ? null
          : false
        : scheme === null || scheme === target.scheme;
    proxies.push({
      source: `macos ${kind}Proxy`,
      value: redactProxy(`${values[`${kind}Proxy`]}${port ? `:${port}` : ''}`),
      appliesToTarget: applies,
    });
  }
  if (proxies.length > 0 && exceptions.length > 0)
    proxies.push({ source: 'macos ExceptionsList', value: exceptions.join(', '), appliesToTarget: bypassed });
  const pac =
    values.ProxyAutoConfigEnable === '1' && values.ProxyAutoConfigURLString
      ? redactProxy(values.ProxyAutoConfigURLString)
      : null;
  return { proxies, pac };
}

/** `gsettings get org.gnome.system.proxy mode`: 'none', 'manual' or 'auto', quoted. */
export function parseGsettingsString(text: string): string | null {
  const match = /^'(.*)'$/.exec(text.trim());
  return match ? (match[1] ?? '') : null;
}
