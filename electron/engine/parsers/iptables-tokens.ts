import { ownValue } from '../../shared/data-guards.js';
import type { RuleAction } from './firewall-rule-types.js';

export interface Token {
  value: string;
  /** Quoted values may start with '-' and are never options. */
  quoted: boolean;
}

/**
 * Control characters (a stray CR, a NUL) separate tokens like spaces, and become spaces inside quotes: the
 * rule's text is shown on one line, and iptables-save never writes them.
 */
function isSpace(c: string | undefined): boolean {
  return c !== undefined && c <= ' ';
}

/** Splits a line as iptables-save quotes it: "..." with backslash escapes. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    if (isSpace(line[i])) {
      i += 1;
      continue;
    }
    if (line[i] === '"') {
      let value = '';
      i += 1;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i += 1;
        value += isSpace(line[i]) ? ' ' : line[i];
        i += 1;
      }
      tokens.push({ value, quoted: true });
      i += 1;
      continue;
    }
    let end = i;
    while (end < line.length && !isSpace(line[end])) end += 1;
    tokens.push({ value: line.slice(i, end), quoted: false });
    i = end;
  }
  return tokens;
}

const ICMP_CODES: Record<string, string> = {
  'icmp-net-unreachable': 'icmp net-unreachable',
  'icmp-host-unreachable': 'icmp host-unreachable',
  'icmp-port-unreachable': 'icmp port-unreachable',
  'icmp-proto-unreachable': 'icmp prot-unreachable',
  'icmp-net-prohibited': 'icmp net-prohibited',
  'icmp-host-prohibited': 'icmp host-prohibited',
  'icmp-admin-prohibited': 'icmp admin-prohibited',
  'icmp6-no-route': 'icmpv6 no-route',
  'icmp6-adm-prohibited': 'icmpv6 admin-prohibited',
  'icmp6-addr-unreachable': 'icmpv6 addr-unreachable',
  'icmp6-port-unreachable': 'icmpv6 port-unreachable',
};

export function readTarget(
  target: string,
  options: Token[],
  isGoto: boolean,
  chains: Set<string>,
): { text: string; action: RuleAction; jumpTarget: string | null; rejectWith: string | null } {
  const option = (name: string): string | null => {
    const index = options.findIndex((t) => t.value === name);
    return index >= 0 ? (options[index + 1]?.value ?? null) : null;
  };
  const none = { jumpTarget: null, rejectWith: null };
  if (chains.has(target) || isGoto) {
    return {
      text: `${isGoto ? 'goto' : 'jump'} ${target}`,
      action: isGoto ? 'goto' : 'jump',
      jumpTarget: target,
      rejectWith: null,
    };
  }
  switch (target) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return { text: target.toLowerCase(), action: target.toLowerCase() as RuleAction, ...none };
    case 'REJECT': {
      const how = option('--reject-with') ?? 'icmp-port-unreachable';
      if (how === 'tcp-reset')
        return {
          text: 'reject with tcp reset',
          action: 'reject-tcp-reset',
          jumpTarget: null,
          rejectWith: 'tcp reset',
        };
      const rejectWith = ownValue(ICMP_CODES, how) ?? how;
      return { text: `reject with ${rejectWith}`, action: 'reject-icmp', jumpTarget: null, rejectWith };
    }
    case 'LOG':
    case 'NFLOG': {
      const prefix = option('--log-prefix') ?? option('--nflog-prefix');
      return {
        text: prefix === null ? 'log' : `log prefix ${JSON.stringify(prefix)}`,
        action: 'log',
        ...none,
      };
    }
    default:
      return {
        text: `xt target ${[target, ...options.map((t) => t.value)].join(' ')}`,
        action: 'other',
        ...none,
      };
  }
}
