import { ownValue } from '../../shared/data-guards.js';
import { isIP } from 'node:net';
import {
  emptyCriteria,
  isPortNumber,
  type AddressCriterion,
  type AddressItem,
  type FirewallRule,
  type PortCriterion,
  type PortRange,
  type RuleMatchCriteria,
} from './firewall-rule-types.js';
import { parseJsonText } from './json-text.js';

/**
 * The PowerShell script that lists the enabled Block rules of the active policy (local, group policy and
 * dynamic rules together) with their port, address and application conditions, as one JSON array.
 * Enums are turned into text in the script: ConvertTo-Json would write them as numbers.
 */
export const WINDOWS_FIREWALL_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$ProgressPreference = 'SilentlyContinue'",
  '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
  '$rules = @(Get-NetFirewallRule -PolicyStore ActiveStore -Enabled True -Direction Outbound,Inbound -Action Block | ForEach-Object {',
  '$port = $_ | Get-NetFirewallPortFilter',
  '$address = $_ | Get-NetFirewallAddressFilter',
  '$application = $_ | Get-NetFirewallApplicationFilter',
  '[pscustomobject]@{',
  'DisplayName = $_.DisplayName; Direction = [string]$_.Direction; Action = [string]$_.Action; Profile = [string]$_.Profile;',
  'Protocol = [string]$port.Protocol; LocalPort = @($port.LocalPort); RemotePort = @($port.RemotePort);',
  'RemoteAddress = @($address.RemoteAddress); Program = [string]$application.Program',
  '} })',
  'ConvertTo-Json -InputObject $rules -Depth 3 -Compress',
].join('\n');

/** One rule as both Get-NetFirewallRule (through the script above) and netsh describe it. */
export interface WindowsRuleFields {
  name: string;
  /** 'Outbound' / 'Inbound' (PowerShell), 'Out' / 'In' (netsh), or the enum's number (2 / 1). */
  direction: string;
  action: string;
  profile: string;
  protocol: string;
  localPort: string[];
  remotePort: string[];
  remoteAddress: string[];
  program: string | null;
  service: string | null;
  /** The rule as the tool printed it. */
  original: string;
}

const PROFILE_BITS: Record<string, number> = { domain: 1, private: 2, public: 4 };
const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'ipv6-icmp' };

function isAny(value: string): boolean {
  return value.trim() === '' || /^any$/i.test(value.trim()) || value.trim() === '*';
}

/**
 * A field's text. PowerShell prints strings, numbers for enums and booleans; anything else (an object, whose
 * String() may even throw: {"toString": 1}) is not a value this reader knows, and reads as empty.
 */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function listOf(value: unknown): string[] {
  const raw = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return raw
    .flatMap((item) => textOf(item).split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function directionOf(value: string): 'outbound' | 'inbound' | null {
  const v = value.trim().toLowerCase();
  if (v === 'outbound' || v === 'out' || v === '2') return 'outbound';
  if (v === 'inbound' || v === 'in' || v === '1') return 'inbound';
  return null;
}

function isBlock(value: string): boolean {
  const v = value.trim().toLowerCase();
  return v === 'block' || v === '4';
}

/** The profiles a rule is limited to, or null when it applies in all three (Any). */
function profilesOf(value: string): string[] | null {
  const v = value.trim();
  if (isAny(v)) return null;
  let bits = 0;
  if (/^\d+$/.test(v)) bits = Number(v);
  else for (const part of v.split(/[,\s]+/)) bits |= ownValue(PROFILE_BITS, part.toLowerCase()) ?? 0;
  if (bits === 0 || (bits & 7) === 7) return null;
  return Object.entries(PROFILE_BITS)
    .filter(([, bit]) => (bits & bit) !== 0)
    .map(([name]) => name[0]?.toUpperCase() + name.slice(1));
}

function maskLength(mask: string): number | null {
  if (isIP(mask) !== 4) return null;
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : null;
}

/** One address as Windows prints it: 1.2.3.4, 10.0.0.0/255.0.0.0, 10.0.0.0/8, fd00::/64, a-b ranges. */
function addressItem(text: string): { family: 4 | 6; item: AddressItem } | null {
  const range = /^([^-\s]+)-([^-\s]+)$/.exec(text);
  if (range?.[1] && range[2]) {
    const family = isIP(range[1]);
    if ((family === 4 || family === 6) && isIP(range[2]) === family)
      return { family, item: { kind: 'range', from: range[1], to: range[2] } };
    return null;
  }
  const [address = '', suffix] = text.split('/');
  const family = isIP(address);
  if (family !== 4 && family !== 6) return null;
  if (suffix === undefined)
    return { family, item: { kind: 'prefix', address, prefixLength: family === 4 ? 32 : 128 } };
  const length = /^\d+$/.test(suffix) ? Number(suffix) : family === 4 ? maskLength(suffix) : null;
  if (length === null || length > (family === 4 ? 32 : 128)) return null;
  return { family, item: { kind: 'prefix', address, prefixLength: length } };
}

/** Ports as Windows prints them: Any, 443, 1000-2000, and keywords (RPC, RPC-EPMap, IPHTTPSOut, Teredo…). */
function portCriterion(values: string[], side: string, unknown: string[]): PortCriterion | null {
  if (values.length === 0 || values.some(isAny)) return null;
  const items: PortRange[] = [];
  for (const value of values) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(value);
    if (!match) {
      unknown.push(`${side} port ${value}`);
      return null;
    }
    const [from, to] = [Number(match[1]), Number(match[2] ?? match[1])];
    if (!isPortNumber(from) || !isPortNumber(to)) {
      unknown.push(`${side} port ${value}`);
      return null;
    }
    items.push({ from, to });
  }
  return { negated: false, items, set: null };
}

/**
 * Windows blocks what an enabled Block rule matches whatever the Allow rules say (unless an Allow rule is
 * set to override block rules), so each Block rule is a FirewallRule on its own: the outbound ones in an
 * output chain, the inbound ones in an input chain. A rule listing IPv4 and IPv6 addresses becomes one
 * FirewallRule per family, since a criterion holds addresses of one family.
 */
export function windowsRuleToFirewallRules(fields: WindowsRuleFields, position: number): FirewallRule[] {
  const direction = directionOf(fields.direction);
  if (!direction || !isBlock(fields.action)) return [];
  const outbound = direction === 'outbound';
  const matches: RuleMatchCriteria = emptyCriteria();
  const protocol = fields.protocol.trim().toLowerCase();
  if (!isAny(protocol)) {
    const name =
      ownValue(PROTOCOL_NAMES, protocol) ??
      (protocol === 'icmpv4' ? 'icmp' : protocol === 'icmpv6' ? 'ipv6-icmp' : protocol);
    matches.protocol.push({ negated: false, protocols: [name] });
  }
  const remotePort = portCriterion(fields.remotePort, 'remote', matches.unknown);
  const localPort = portCriterion(fields.localPort, 'local', matches.unknown);
  if (remotePort) (outbound ? matches.destinationPort : matches.sourcePort).push(remotePort);
  if (localPort) (outbound ? matches.sourcePort : matches.destinationPort).push(localPort);
  const profiles = profilesOf(fields.profile);
  if (profiles) matches.unknown.push(`the active network profile ${profiles.join(' or ')}`);
  if (fields.program && !isAny(fields.program)) matches.unknown.push(`program ${fields.program}`);
  if (fields.service && !isAny(fields.service)) matches.unknown.push(`service ${fields.service}`);

  const byFamily = new Map<4 | 6, AddressItem[]>();
  let anyAddress = fields.remoteAddress.length === 0;
  for (const value of fields.remoteAddress) {
    if (isAny(value)) {
      anyAddress = true;
      continue;
    }
    const parsed = addressItem(value);
    if (!parsed) {
      // LocalSubnet, DNS, DHCP, DefaultGateway, Internet, Intranet…: Windows resolves them itself.
      matches.unknown.push(`remote address ${value}`);
      continue;
    }
    byFamily.set(parsed.family, [...(byFamily.get(parsed.family) ?? []), parsed.item]);
  }

  const chain = outbound ? 'outbound' : 'inbound';
  const parts = [
    'block',
    outbound ? 'out' : 'in',
    isAny(protocol) ? '' : `protocol ${fields.protocol}`,
    anyAddress || fields.remoteAddress.length === 0 ? '' : `remote ${fields.remoteAddress.join(',')}`,
    remotePort ? `remote port ${fields.remotePort.join(',')}` : '',
    localPort ? `local port ${fields.localPort.join(',')}` : '',
    profiles ? `profile ${profiles.join(',')}` : '',
    fields.program && !isAny(fields.program) ? `program ${fields.program}` : '',
  ];
  const base = {
    source: 'windows-firewall' as const,
    backend: null,
    family: 'inet',
    table: 'filter',
    chain,
    hook: outbound ? ('output' as const) : ('input' as const),
    text: parts.filter(Boolean).join(' '),
    action: 'drop' as const,
    jumpTarget: null,
    rejectWith: null,
    policy: false,
    position,
    original: fields.original,
    name: fields.name,
  };
  // Keywords alone (no literal address, no Any) still describe some remote addresses: keep one rule for them.
  if (anyAddress || byFamily.size === 0) return [{ ...base, matches }];
  return [...byFamily].map(([family, items]) => {
    const criterion: AddressCriterion = { family, negated: false, items, set: null };
    const copy: RuleMatchCriteria = { ...matches, ipVersion: family };
    copy.destination = outbound ? [criterion] : [];
    copy.source = outbound ? [] : [criterion];
    return { ...base, matches: copy };
  });
}

function field(object: Record<string, unknown>, key: string): unknown {
  return object[key] ?? object[key[0]?.toLowerCase() + key.slice(1)];
}

/** Reads the JSON the WINDOWS_FIREWALL_SCRIPT prints (an array, or one object when there is one rule). */
export function parseNetFirewallJson(text: string): FirewallRule[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return [];
  const parsed = parseJsonText(trimmed);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const rules: FirewallRule[] = [];
  list.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null) return;
    const o = entry as Record<string, unknown>;
    const program = field(o, 'Program');
    rules.push(
      ...windowsRuleToFirewallRules(
        {
          name: textOf(field(o, 'DisplayName')),
          direction: textOf(field(o, 'Direction')),
          action: textOf(field(o, 'Action')),
          profile: textOf(field(o, 'Profile') ?? 'Any'),
          protocol: textOf(field(o, 'Protocol') ?? 'Any'),
          localPort: listOf(field(o, 'LocalPort')),
          remotePort: listOf(field(o, 'RemotePort')),
          remoteAddress: listOf(field(o, 'RemoteAddress')),
          program: program === undefined || program === null ? null : textOf(program),
          service: null,
          original: JSON.stringify(entry),
        },
        index,
      ),
    );
  });
  return rules;
}

/** How many Windows rules a list of FirewallRules came from (a rule with IPv4 and IPv6 addresses is two). */
export function countWindowsRules(rules: readonly FirewallRule[]): number {
  return new Set(
    rules.filter((r) => r.source === 'windows-firewall').map((r) => `${r.chain}\u0000${r.position}`),
  ).size;
}

const NETSH_KEYS: Record<string, keyof NetshBlock> = {
  'rule name': 'name',
  enabled: 'enabled',
  direction: 'direction',
  profiles: 'profile',
  protocol: 'protocol',
  localport: 'localPort',
  remoteport: 'remotePort',
  remoteip: 'remoteAddress',
  program: 'program',
  service: 'service',
  action: 'action',
};

interface NetshBlock {
  name: string;
  enabled: string;
  direction: string;
  profile: string;
  protocol: string;
  localPort: string;
  remotePort: string;
  remoteAddress: string;
  program: string;
  service: string;
  action: string;
}

export interface NetshRules {
  rules: FirewallRule[];
  /** Every rule netsh listed, enabled or not, allowing or blocking. */
  listed: number;
}

/**
 * Reads `netsh advfirewall firewall show rule name=all verbose`: blocks of "Key:   value" lines, each
 * opened by "Rule Name:". Only enabled Block rules are kept. netsh translates its keys, so output in
 * another language than English gives no rules; the caller tells that apart from an empty list.
 */
export function parseNetshRules(text: string): NetshRules {
  const blocks: { lines: string[]; fields: Partial<NetshBlock> }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line.trimEnd());
    if (match?.[1] && /^rule name$/i.test(match[1])) blocks.push({ lines: [], fields: {} });
    const current = blocks[blocks.length - 1];
    if (!current) continue;
    current.lines.push(line.trimEnd());
    if (!match?.[1]) continue;
    const key = ownValue(NETSH_KEYS, match[1].toLowerCase());
    if (key) current.fields[key] = (match[2] ?? '').trim();
  }
  const rules: FirewallRule[] = [];
  blocks.forEach((block, index) => {
    const f = block.fields;
    if (!/^yes$/i.test(f.enabled ?? '')) return;
    rules.push(
      ...windowsRuleToFirewallRules(
        {
          name: f.name ?? '',
          direction: f.direction ?? '',
          action: f.action ?? '',
          profile: f.profile ?? 'Any',
          protocol: f.protocol ?? 'Any',
          localPort: listOf(f.localPort),
          remotePort: listOf(f.remotePort),
          remoteAddress: listOf(f.remoteAddress),
          program: f.program ?? null,
          service: f.service ?? null,
          original: block.lines
            .filter((line) => line !== '' && !/^-+$/.test(line) && line !== 'Ok.')
            .join('\n'),
        },
        index,
      ),
    );
  });
  return { rules, listed: blocks.length };
}
