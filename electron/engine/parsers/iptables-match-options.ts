import { ownValue } from '../../shared/data-guards.js';
import { isIP } from 'node:net';
import {
  addImpliedProtocol,
  isPortNumber,
  type AddressItem,
  type PortRange,
  type RateLimit,
  type RuleMatchCriteria,
} from './firewall-rule-types.js';

/** What one rule has gathered so far; the options of `-m` modules add to it. */
export interface IptablesRuleDraft {
  ipPrefix: 'ip' | 'ip6';
  family: 4 | 6;
  matches: RuleMatchCriteria;
  /** The rule in nft syntax, one piece per option. */
  pieces: string[];
  /** The `-p` protocol, written out only when no port or flag test already names it. */
  protocol: { name: string; negated: boolean; index: number } | null;
  protocolNamed: boolean;
  /** Where the rate limit is written; `meter` is the hashlimit name, null for -m limit. */
  rate: { piece: number; meter: string | null } | null;
}

export interface IptablesOption {
  module: string | null;
  name: string;
  values: string[];
  negated: boolean;
}

const NOT = (negated: boolean): string => (negated ? '!= ' : '');

/** `80`, `80:90`, `1024:` and `:1023`, as iptables-save prints ports; commas for multiport lists. */
export function parsePorts(value: string): PortRange[] | null {
  const ranges: PortRange[] = [];
  for (const part of value.split(',')) {
    const match = /^(\d*)(?::(\d*))?$/.exec(part);
    if (!match || (match[1] === '' && match[2] === undefined)) return null;
    const from = match[1] === '' ? 0 : Number(match[1]);
    const to = match[2] === undefined ? from : match[2] === '' ? 65535 : Number(match[2]);
    if (!isPortNumber(from) || !isPortNumber(to)) return null;
    ranges.push({ from, to });
  }
  return ranges;
}

function portsText(ranges: PortRange[]): string {
  const parts = ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`));
  return parts.length === 1 ? (parts[0] ?? '') : `{ ${parts.join(', ')} }`;
}

/** `10.0.0.0/8`, `10.0.0.1`, `10.0.0.0/255.0.0.0`; a mask that is not a prefix cannot be evaluated. */
export function parseAddress(value: string, family: 4 | 6): AddressItem | null {
  const [address = '', mask] = value.split('/');
  if (isIP(address) !== family) return null;
  const full = family === 4 ? 32 : 128;
  if (mask === undefined) return { kind: 'prefix', address, prefixLength: full };
  if (/^\d+$/.test(mask) && Number(mask) <= full)
    return { kind: 'prefix', address, prefixLength: Number(mask) };
  if (family === 4 && isIP(mask) === 4) {
    const bits = mask
      .split('.')
      .map((octet) => Number(octet).toString(2).padStart(8, '0'))
      .join('');
    if (/^1*0*$/.test(bits))
      return { kind: 'prefix', address, prefixLength: bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') };
  }
  return null;
}

export function addressText(item: AddressItem, family: 4 | 6): string {
  if (item.kind === 'range') return `${item.from}-${item.to}`;
  return item.prefixLength === (family === 4 ? 32 : 128)
    ? item.address
    : `${item.address}/${item.prefixLength}`;
}

/** iptables accepts any prefix of the unit's name: `5/s`, `5/sec`, `5/second`. */
function perUnit(unit: string): string {
  return ['second', 'minute', 'hour', 'day'].find((full) => full.startsWith(unit)) ?? 'second';
}

/** `10/sec`, `5/min`, hashlimit's `1mb/s`. */
function parseRate(value: string): Pick<RateLimit, 'rate' | 'unit' | 'per'> | null {
  const match = /^(\d+)(b|kb|mb)?\/(\w+)$/.exec(value);
  if (!match) return null;
  const units: Record<string, string> = { b: 'bytes', kb: 'kbytes', mb: 'mbytes' };
  return {
    rate: Number(match[1]),
    unit: match[2] ? (ownValue(units, match[2]) ?? 'bytes') : 'packets',
    per: perUnit(match[3] ?? ''),
  };
}

function rateText(limit: RateLimit): string {
  const unit = limit.unit === 'packets' ? '' : ` ${limit.unit}`;
  const burst = limit.burst ? ` burst ${limit.burst} packets` : '';
  return `limit rate ${limit.over ? 'over ' : ''}${limit.rate ?? '?'}${unit}/${limit.per}${burst}`;
}

const HASH_KEYS: Record<string, string> = {
  srcip: 'saddr',
  dstip: 'daddr',
  srcport: 'sport',
  dstport: 'dport',
};

function flagsList(value: string): string[] {
  if (value === 'NONE') return [];
  if (value === 'ALL') return ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];
  return value.split(',').map((flag) => flag.toLowerCase());
}

/** Share of packets for `--probability P` or `--every N`; text as nft would write a random draw. */
function randomText(probability: number): string {
  for (const mod of [100, 1000, 10000, 100000]) {
    const hits = Math.round(probability * mod);
    if (Math.abs(hits / mod - probability) < 1e-6) return `numgen random mod ${mod} < ${hits}`;
  }
  return `numgen random mod 1000000 < ${Math.round(probability * 1_000_000)}`;
}

/** Applies one module option; returns false for options the matcher cannot use. */
export function applyModuleOption(draft: IptablesRuleDraft, option: IptablesOption): boolean {
  const { matches, pieces } = draft;
  const { module, name, values, negated } = option;
  const value = values[0] ?? '';
  const proto = module && ['tcp', 'udp', 'udplite', 'sctp', 'dccp'].includes(module) ? module : null;
  const portModule = proto ?? (module === 'multiport' ? (draft.protocol?.name ?? 'th') : null);

  if (portModule && /^--(d|s)ports?$|^--(destination|source)-ports?$/.test(name)) {
    const ranges = parsePorts(value);
    if (!ranges) return false;
    const destination = name.startsWith('--d');
    (destination ? matches.destinationPort : matches.sourcePort).push({ negated, items: ranges, set: null });
    if (portModule !== 'th') addImpliedProtocol(matches, portModule);
    draft.protocolNamed ||= portModule === draft.protocol?.name;
    pieces.push(`${portModule} ${destination ? 'dport' : 'sport'} ${NOT(negated)}${portsText(ranges)}`);
    return true;
  }
  if (proto === 'tcp' && (name === '--tcp-flags' || name === '--syn')) {
    const mask = name === '--syn' ? ['fin', 'syn', 'rst', 'ack'] : flagsList(value);
    const compare = name === '--syn' ? ['syn'] : flagsList(values[1] ?? '');
    matches.tcpFlags.push({ negated, mask, mode: 'equals', values: [compare] });
    addImpliedProtocol(matches, 'tcp');
    draft.protocolNamed ||= draft.protocol?.name === 'tcp';
    const maskText = mask.length === 1 ? mask.join('') : `(${mask.join(' | ')})`;
    pieces.push(`tcp flags & ${maskText} ${negated ? '!=' : '=='} ${compare.join(' | ') || '0x0'}`);
    return true;
  }
  if ((module === 'conntrack' && name === '--ctstate') || (module === 'state' && name === '--state')) {
    const states = value.split(',').map((s) => s.toLowerCase());
    matches.ctState.push({ negated, states });
    pieces.push(`ct state ${NOT(negated)}${states.join(',')}`);
    return true;
  }
  if (module === 'connlimit') return applyConnlimit(draft, name, value);
  if (module === 'limit' || module === 'hashlimit') return applyRateLimit(draft, module, name, value);
  if (module === 'statistic') {
    if (name === '--mode') return value === 'random' || value === 'nth';
    const probability =
      name === '--probability' ? Number(value) : name === '--every' ? 1 / Number(value) : NaN;
    if (name === '--packet') return true;
    if (!Number.isFinite(probability)) return false;
    matches.random = { probability: negated ? 1 - probability : probability };
    pieces.push(randomText(matches.random.probability ?? 0));
    return true;
  }
  if (module === 'string') {
    // A negated search (packets without the text) is left to the unknown criteria.
    if ((name === '--string' || name === '--hex-string') && !negated) {
      matches.strings.push({ text: name === '--string' ? value : null, algorithm: null });
      pieces.push(`xt match string ${name} ${JSON.stringify(value)}`);
      return true;
    }
    const last = matches.strings[matches.strings.length - 1];
    if (name === '--algo' && last) last.algorithm = value;
    return name === '--algo' || name === '--from' || name === '--to' || name === '--icase';
  }
  if (module === 'iprange' && (name === '--dst-range' || name === '--src-range')) {
    const [from = '', to = ''] = value.split('-');
    if (isIP(from) !== draft.family || isIP(to) !== draft.family) return false;
    const destination = name === '--dst-range';
    (destination ? matches.destination : matches.source).push({
      family: draft.family,
      negated,
      items: [{ kind: 'range', from, to }],
      set: null,
    });
    pieces.push(`${draft.ipPrefix} ${destination ? 'daddr' : 'saddr'} ${NOT(negated)}${from}-${to}`);
    return true;
  }
  if (module === 'comment' && name === '--comment') {
    pieces.push(`comment ${JSON.stringify(value)}`);
    return true;
  }
  return false;
}

function applyConnlimit(draft: IptablesRuleDraft, name: string, value: string): boolean {
  const limit = (draft.matches.connectionLimit ??= {
    over: true,
    count: null,
    key: `${draft.ipPrefix} saddr`,
  });
  if (name === '--connlimit-above' || name === '--connlimit-upto') {
    limit.over = name === '--connlimit-above';
    limit.count = Number(value);
    draft.pieces.push(`ct count ${limit.over ? 'over ' : ''}${value}`);
    return true;
  }
  if (name === '--connlimit-daddr' || name === '--connlimit-saddr') {
    limit.key = `${draft.ipPrefix} ${name === '--connlimit-daddr' ? 'daddr' : 'saddr'}`;
    return true;
  }
  return name === '--connlimit-mask';
}

function applyRateLimit(draft: IptablesRuleDraft, module: string, name: string, value: string): boolean {
  const limit = (draft.matches.rateLimit ??= {
    over: false,
    rate: null,
    unit: 'packets',
    per: 'second',
    burst: null,
    key: null,
  });
  if (
    name === '--limit' ||
    name === '--hashlimit' ||
    name === '--hashlimit-upto' ||
    name === '--hashlimit-above'
  ) {
    const rate = parseRate(value);
    if (!rate) return false;
    Object.assign(limit, rate, { over: name === '--hashlimit-above' });
    // --limit-burst and --hashlimit-mode come after the rate: finishDraftText writes this piece.
    draft.pieces.push('');
    draft.rate = { piece: draft.pieces.length - 1, meter: module === 'hashlimit' ? '' : null };
    return true;
  }
  if (name === '--limit-burst' || name === '--hashlimit-burst') limit.burst = Number(value);
  else if (name === '--hashlimit-name') {
    if (draft.rate && draft.rate.meter !== null) draft.rate.meter = value;
  } else if (name === '--hashlimit-mode') {
    limit.key = value
      .split(',')
      .map((part) =>
        part.endsWith('ip')
          ? `${draft.ipPrefix} ${ownValue(HASH_KEYS, part) ?? part}`
          : `th ${ownValue(HASH_KEYS, part) ?? part}`,
      )
      .join(' . ');
  } else if (!name.startsWith('--hashlimit-')) return false;
  return true;
}

/** Writes the pieces that depend on options read after them. */
export function finishDraftText(draft: IptablesRuleDraft): string {
  const pieces = [...draft.pieces];
  const limit = draft.matches.rateLimit;
  if (draft.rate && limit) {
    const text = rateText(limit);
    pieces[draft.rate.piece] =
      draft.rate.meter === null
        ? text
        : `meter ${draft.rate.meter || 'limit'} { ${limit.key ?? ''} ${text} }`;
  }
  if (draft.protocol && !draft.protocolNamed) {
    pieces[draft.protocol.index] = `meta l4proto ${NOT(draft.protocol.negated)}${draft.protocol.name}`;
  }
  return pieces.filter((piece) => piece !== '').join(' ');
}
