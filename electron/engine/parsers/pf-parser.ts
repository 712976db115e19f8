import { ownValue } from '../../shared/data-guards.js';
import { isIP } from 'node:net';
import {
  emptyCriteria,
  isPortNumber,
  isPrefixLength,
  type AddressCriterion,
  type FirewallHook,
  type FirewallRule,
  type PortCriterion,
  type RuleAction,
  type RuleMatchCriteria,
} from './firewall-rule-types.js';
import { DEFAULT_LOCAL_PORTS, evaluateCriteria } from './rule-criteria-eval.js';

/** pfctl prints well-known ports by their /etc/services name ("port = https"). */
const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  imap: 143,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  submission: 587,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  mysql: 3306,
  'ms-wbt-server': 3389,
  postgresql: 5432,
  'http-alt': 8080,
};

/** Addresses pf works out itself: interface addresses, routes, the machine's own addresses. */
const SPECIAL_ADDRESSES = new Set(['self', 'no-route', 'urpf-failed']);

export interface PfRuleset {
  /** In the order pf decides: quick rules first as listed, then the others last to first (the last match wins). */
  rules: FirewallRule[];
  /** block and pass lines read. */
  ruleCount: number;
  /** Anchors the listing calls; `pfctl -sr` does not show the rules inside them. */
  anchors: string[];
  /** Lines that are neither filter rules nor anchors pfctl -sr prints (scrub, ALTQ warnings are left out). */
  skipped: string[];
}

interface ParsedLine {
  action: RuleAction;
  rejectWith: string | null;
  direction: 'in' | 'out' | null;
  quick: boolean;
  matches: RuleMatchCriteria;
  stateless: boolean;
  label: string | null;
}

function tokenize(line: string): string[] {
  return line.match(/"[^"]*"|\([^)]*\)|[{}]|!=|<=|>=|><|<>|[^\s{}]+/g) ?? [];
}

function portNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (/^\d+$/.test(text)) return isPortNumber(Number(text)) ? Number(text) : null;
  return ownValue(SERVICES, text) ?? null;
}

/** "port = 443", "port != 80", "port > 1024", "port 6000:6010", "port 1000 >< 2000", "port 1 <> 1023". */
function readPort(
  tokens: string[],
  i: number,
  unknown: string[],
): { criterion: PortCriterion | null; next: number } {
  const op = tokens[i];
  const ops = ['=', '!=', '<', '<=', '>', '>='];
  if (op && ops.includes(op)) {
    const value = tokens[i + 1];
    const port = portNumber(value);
    if (port === null) {
      unknown.push(`port ${op} ${value ?? ''}`.trim());
      return { criterion: null, next: i + 2 };
    }
    const range =
      op === '=' || op === '!='
        ? { from: port, to: port }
        : op === '<'
          ? { from: 0, to: port - 1 }
          : op === '<='
            ? { from: 0, to: port }
            : op === '>'
              ? { from: port + 1, to: 65535 }
              : { from: port, to: 65535 };
    return { criterion: { negated: op === '!=', items: [range], set: null }, next: i + 2 };
  }
  const first = op ?? '';
  const colon = /^(\w[\w-]*):(\w[\w-]*)$/.exec(first);
  if (colon) {
    const from = portNumber(colon[1]);
    const to = portNumber(colon[2]);
    if (from === null || to === null) {
      unknown.push(`port ${first}`);
      return { criterion: null, next: i + 1 };
    }
    return { criterion: { negated: false, items: [{ from, to }], set: null }, next: i + 1 };
  }
  const between = tokens[i + 1];
  if (between === '><' || between === '<>') {
    const from = portNumber(first);
    const to = portNumber(tokens[i + 2]);
    if (from === null || to === null) {
      unknown.push(`port ${first} ${between} ${tokens[i + 2] ?? ''}`);
      return { criterion: null, next: i + 3 };
    }
    const criterion: PortCriterion =
      between === '><'
        ? { negated: false, items: [{ from: from + 1, to: to - 1 }], set: null }
        : { negated: true, items: [{ from, to }], set: null };
    return { criterion, next: i + 3 };
  }
  const single = portNumber(first);
  if (single === null) {
    unknown.push(`port ${first}`);
    return { criterion: null, next: i + 1 };
  }
  return { criterion: { negated: false, items: [{ from: single, to: single }], set: null }, next: i + 1 };
}

/** An address after from / to: any, [!] host, [!] net/len, [!] <table>, (interface), self… */
function readAddress(
  tokens: string[],
  i: number,
  side: 'source' | 'destination',
  unknown: string[],
): { criteria: AddressCriterion[]; next: number } {
  let negated = false;
  let token = tokens[i];
  if (token === '!') {
    negated = true;
    token = tokens[++i];
  }
  if (token === undefined) return { criteria: [], next: i };
  if (token === 'any') return { criteria: [], next: i + 1 };
  if (/^<.+>$/.test(token)) {
    // A table's content is only known after pfctl -t <name> -T show; the rule may or may not hold.
    unknown.push(`${side} ${negated ? 'not ' : ''}in table ${token}`);
    return { criteria: [], next: i + 1 };
  }
  if (tokens[i + 1] === '-' && tokens[i + 2] !== undefined) {
    const to = tokens[i + 2] ?? '';
    const family = isIP(token);
    if ((family === 4 || family === 6) && isIP(to) === family)
      return {
        criteria: [{ family, negated, items: [{ kind: 'range', from: token, to }], set: null }],
        next: i + 3,
      };
  }
  const [address = '', length] = token.split('/');
  const family = isIP(address);
  const prefixLength =
    length === undefined ? (family === 4 ? 32 : 128) : /^\d+$/.test(length) ? Number(length) : NaN;
  if ((family === 4 || family === 6) && isPrefixLength(prefixLength, family)) {
    return {
      criteria: [{ family, negated, items: [{ kind: 'prefix', address, prefixLength }], set: null }],
      next: i + 1,
    };
  }
  unknown.push(
    `${side} ${negated ? '! ' : ''}${SPECIAL_ADDRESSES.has(token) ? token : `address of ${token}`}`,
  );
  return { criteria: [], next: i + 1 };
}

function parseRuleLine(line: string): ParsedLine | null {
  const tokens = tokenize(line);
  const head = tokens[0];
  if (head !== 'block' && head !== 'pass') return null;
  const matches = emptyCriteria();
  let action: RuleAction = head === 'pass' ? 'accept' : 'drop';
  let rejectWith: string | null = null;
  let direction: ParsedLine['direction'] = null;
  let quick = false;
  let stateless = false;
  let label: string | null = null;
  let i = 1;
  if (head === 'block') {
    const how = tokens[i];
    if (how === 'drop') i++;
    else if (how === 'return' || how === 'return-rst') {
      // For TCP, block return answers with a reset (an ICMP unreachable for the other protocols).
      action = 'reject-tcp-reset';
      rejectWith = 'tcp reset';
      i++;
    } else if (how === 'return-icmp' || how === 'return-icmp6') {
      action = 'reject-icmp';
      rejectWith = 'icmp unreachable';
      i++;
    }
    if (tokens[i]?.startsWith('(')) i++;
  }
  let interfaces: { negated: boolean; names: string[] } | null = null;
  while (i < tokens.length) {
    const token = tokens[i] ?? '';
    if (token === 'in' || token === 'out') {
      direction = token;
      i++;
    } else if (token === 'log') {
      i += tokens[i + 1]?.startsWith('(') ? 2 : 1;
    } else if (token === 'quick') {
      quick = true;
      i++;
    } else if (token === 'on') {
      const negated = tokens[i + 1] === '!';
      const name = tokens[negated ? i + 2 : i + 1] ?? '';
      interfaces = { negated, names: [name === 'lo0' ? 'lo' : name] };
      i += negated ? 3 : 2;
    } else if (token === 'inet') {
      matches.ipVersion = 4;
      i++;
    } else if (token === 'inet6') {
      matches.ipVersion = 6;
      i++;
    } else if (token === 'proto') {
      matches.protocol.push({ negated: false, protocols: [tokens[i + 1] ?? ''] });
      i += 2;
    } else if (token === 'all') {
      i++;
    } else if (token === 'from' || token === 'to') {
      const side = token === 'from' ? 'source' : 'destination';
      const address = readAddress(tokens, i + 1, side, matches.unknown);
      (side === 'source' ? matches.source : matches.destination).push(...address.criteria);
      i = address.next;
      if (tokens[i] === 'port') {
        const port = readPort(tokens, i + 1, matches.unknown);
        if (port.criterion)
          (side === 'source' ? matches.sourcePort : matches.destinationPort).push(port.criterion);
        i = port.next;
      }
    } else if (token === 'user' || token === 'group') {
      const op = tokens[i + 1] ?? '';
      const value = /^[=!<>]+$/.test(op) ? `${op} ${tokens[i + 2] ?? ''}` : op;
      matches.unknown.push(`${token} ${value}`);
      i += /^[=!<>]+$/.test(op) ? 3 : 2;
    } else if (token === 'flags') {
      // Pass rules only create state on the SYN (S/SA); the rest of the connection follows the state.
      if (head === 'block') matches.unknown.push(`tcp flags ${tokens[i + 1] ?? ''}`);
      i += 2;
    } else if (token === 'no' && tokens[i + 1] === 'state') {
      stateless = true;
      i += 2;
    } else if (
      (token === 'keep' || token === 'modulate' || token === 'synproxy') &&
      tokens[i + 1] === 'state'
    ) {
      i += tokens[i + 2]?.startsWith('(') ? 3 : 2;
    } else if (token === 'label') {
      label = (tokens[i + 1] ?? '').replace(/^"|"$/g, '');
      i += 2;
    } else if (token === 'probability') {
      const share = Number.parseFloat(tokens[i + 1] ?? '');
      matches.random = { probability: Number.isFinite(share) ? share / 100 : null };
      i += 2;
    } else if (
      [
        'tag',
        'tagged',
        'queue',
        'rtable',
        'max-mss',
        'os',
        'icmp-type',
        'icmp6-type',
        'prio',
        'set',
      ].includes(token)
    ) {
      if (token === 'tagged' || token === 'os' || token === 'icmp-type' || token === 'icmp6-type')
        matches.unknown.push(`${token} ${tokens[i + 1] ?? ''}`);
      i += 2;
    } else if (['route-to', 'reply-to', 'dup-to'].includes(token)) {
      i += 2;
    } else if (['allow-opts', 'fragment', 'no-df', 'fastroute', 'scrub'].includes(token)) {
      i++;
    } else {
      matches.unknown.push(token);
      i++;
    }
  }
  if (interfaces)
    matches.interfaces.push({
      direction: direction === 'in' ? 'in' : 'out',
      negated: interfaces.negated,
      names: interfaces.names,
    });
  return { action, rejectWith, direction, quick, matches, stateless, label };
}

function ignorable(line: string): boolean {
  return (
    line === '' ||
    line === '}' ||
    line === 'No ALTQ support in kernel' ||
    line === 'ALTQ related functions disabled'
  );
}

/**
 * Reads `pfctl -sr`. pf decides by the last matching rule unless a `quick` rule matches first, so the rules
 * come out in an order the first-match walk of matchRules reads the same way: quick rules as listed, then the
 * others from last to first. A rule without in/out applies to both directions and becomes two.
 */
export function parsePfRules(text: string): PfRuleset {
  const quick: { parsed: ParsedLine; line: string }[] = [];
  const others: { parsed: ParsedLine; line: string }[] = [];
  const anchors: string[] = [];
  const skipped: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (ignorable(line)) continue;
    const anchor = /^anchor\s+"([^"]*)"/.exec(line);
    if (anchor?.[1] !== undefined) {
      anchors.push(anchor[1]);
      continue;
    }
    // Not line.replace(/\s*\{$/, ''): on a line of spaces that ends otherwise, it tries every start (quadratic).
    const parsed = parseRuleLine(line.endsWith('{') ? line.slice(0, -1).trimEnd() : line);
    if (!parsed) {
      if (!/^(scrub|scrub-anchor|nat-anchor|rdr-anchor|antispoof)\b/.test(line)) skipped.push(line);
      continue;
    }
    (parsed.quick ? quick : others).push({ parsed, line });
  }
  const ordered = [...quick, ...others.reverse()];
  const rules: FirewallRule[] = [];
  const ruleFor = (
    entry: { parsed: ParsedLine; line: string },
    hook: FirewallHook,
    position: number,
  ): FirewallRule => {
    const matches: RuleMatchCriteria = {
      ...entry.parsed.matches,
      interfaces: entry.parsed.matches.interfaces.map((c) => ({
        ...c,
        direction: hook === 'input' ? 'in' : 'out',
      })),
    };
    return {
      source: 'pf',
      backend: null,
      family: 'inet',
      table: 'main',
      chain: hook === 'input' ? 'in' : 'out',
      hook,
      text: entry.line,
      matches,
      action: entry.parsed.action,
      jumpTarget: null,
      rejectWith: entry.parsed.rejectWith,
      policy: false,
      position,
      original: entry.line,
      ...(entry.parsed.label ? { name: entry.parsed.label } : {}),
    };
  };
  ordered.forEach((entry, position) => {
    if (entry.parsed.direction !== 'in') rules.push(ruleFor(entry, 'output', position));
    if (entry.parsed.direction !== 'out') rules.push(ruleFor(entry, 'input', position));
  });
  return { rules, ruleCount: ordered.length, anchors, skipped };
}

/**
 * The rules for incoming packets only see packets no state covers. A pass rule keeps state unless it says
 * `no state`, so once a pass rule certainly takes the outgoing packets to the target, the answers never
 * reach the incoming rules: those are left out. Otherwise they stay, with that condition spelled out.
 */
export function pfRulesForTarget(
  rules: FirewallRule[],
  target: { addresses: string[]; port: number },
): FirewallRule[] {
  const outgoing = rules.filter((r) => r.hook === 'output');
  const statefulPass = (address: string): boolean => {
    const family = isIP(address);
    if (family !== 4 && family !== 6) return false;
    for (const rule of outgoing) {
      const verdict = evaluateCriteria(rule, {
        direction: 'outgoing',
        remote: address,
        remoteFamily: family,
        port: target.port,
        localPorts: DEFAULT_LOCAL_PORTS,
      });
      if (verdict.result === 'no') continue;
      if (verdict.result === 'unknown') return false;
      return rule.action === 'accept' && !/\bno state\b/.test(rule.text);
    }
    return false;
  };
  const covered = target.addresses.length > 0 && target.addresses.every(statefulPass);
  if (covered) return outgoing;
  return rules.map((rule) =>
    rule.hook === 'input'
      ? {
          ...rule,
          matches: {
            ...rule.matches,
            unknown: [
              ...rule.matches.unknown,
              'a packet outside any pf state (no pass rule kept state for the connection)',
            ],
          },
        }
      : rule,
  );
}

export interface PfInfo {
  enabled: boolean | null;
}

/** `pfctl -si`: "Status: Enabled for 0 days 02:11:05   Debug: Urgent" or "Status: Disabled   Debug: Urgent". */
export function parsePfInfo(text: string): PfInfo {
  const match = /^Status:\s+(Enabled|Disabled)\b/m.exec(text);
  return { enabled: match ? match[1] === 'Enabled' : null };
}

export interface ApplicationFirewallState {
  /** Null when the tool did not say. */
  enabled: boolean | null;
  blockAll: boolean | null;
  stealth: boolean | null;
}

/**
 * socketfilterfw --getglobalstate --getblockall --getstealthmode, one answer a line:
 * "Firewall is enabled. (State = 1)", "Firewall has block all state set to disabled.", "Firewall stealth mode is on".
 */
export function parseSocketFilterFw(text: string): ApplicationFirewallState {
  const global = /Firewall is (enabled|disabled)\.(?:\s*\(State = (\d)\))?/i.exec(text);
  const blockAll =
    /block all state set to (enabled|disabled)/i.exec(text) ??
    /Block all (?:is )?(on|off|enabled|disabled)/i.exec(text);
  const stealth = /stealth mode is (on|off)/i.exec(text);
  const yes = (value: string | undefined) => (value === undefined ? null : /^(enabled|on)$/i.test(value));
  return {
    enabled: global ? (global[2] !== undefined ? global[2] !== '0' : yes(global[1])) : null,
    blockAll: yes(blockAll?.[1]),
    stealth: yes(stealth?.[1]),
  };
}
