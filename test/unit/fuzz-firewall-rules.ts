/**
 * The checks the firewall fuzz specs share: a parsed rule has the documented shape, and the matcher reads
 * any list of parsed rules against any target without throwing, in a bounded time.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { FirewallRule } from '../../electron/engine/parsers/firewall-rule-types.js';
import { matchRules } from '../../electron/engine/parsers/rule-matcher.js';
import { hostileText, timed } from './fuzz-arbitraries.js';

const SOURCES = ['nftables', 'iptables', 'ip6tables', 'windows-firewall', 'pf'];
const HOOKS = ['input', 'output', 'forward', 'prerouting', 'postrouting'];
const ACTIONS = [
  'accept',
  'drop',
  'reject-tcp-reset',
  'reject-icmp',
  'reject',
  'jump',
  'goto',
  'return',
  'log',
  'counter-only',
  'other',
];

const isPort = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 65535;

export function checkRules(rules: readonly FirewallRule[]): void {
  expect(Array.isArray(rules)).toBe(true);
  for (const rule of rules) {
    expect(SOURCES).toContain(rule.source);
    expect(rule.hook === null || HOOKS.includes(rule.hook)).toBe(true);
    expect(ACTIONS).toContain(rule.action);
    expect(typeof rule.text).toBe('string');
    expect(typeof rule.chain).toBe('string');
    expect(typeof rule.table).toBe('string');
    expect(Number.isInteger(rule.position) && rule.position >= 0).toBe(true);
    const m = rule.matches;
    expect(m.ipVersion === null || m.ipVersion === 4 || m.ipVersion === 6).toBe(true);
    for (const port of [...m.destinationPort, ...m.sourcePort]) {
      // An empty range ("port < 0") matches nothing; any other holds only ports.
      for (const range of port.items) {
        expect(range.from > range.to || (isPort(range.from) && isPort(range.to))).toBe(true);
      }
    }
    for (const address of [...m.destination, ...m.source]) {
      for (const item of address.items) {
        if (item.kind === 'prefix') {
          expect(Number.isInteger(item.prefixLength)).toBe(true);
          expect(item.prefixLength).toBeGreaterThanOrEqual(0);
          expect(item.prefixLength).toBeLessThanOrEqual(128);
        }
      }
    }
    expect(m.unknown.every((u) => typeof u === 'string')).toBe(true);
  }
}

/** Targets the matcher meets: real addresses and ports, and what a bad lookup or option could give it. */
export const matchTarget = fc.record({
  addresses: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('198.18.4.2', '::1'), hostileText), {
    maxLength: 3,
  }),
  port: fc.oneof(fc.constantFrom(80, 443, 22), fc.integer({ min: 1, max: 65535 }), fc.integer()),
});

const DIRECTIONS = ['outgoing', 'incoming', 'forwarded'];
const EFFECTS = ['drop', 'reset', 'reject', 'limit'];

/** The matcher over parsed rules: every result is one of the rules, in shape, with a one-line why. */
export function checkMatches(rules: FirewallRule[], target: { addresses: string[]; port: number }): void {
  const results = timed(() => matchRules(rules, target), 500, 'matchRules');
  for (const result of results) {
    expect(rules).toContain(result.rule);
    expect(DIRECTIONS).toContain(result.direction);
    expect(EFFECTS).toContain(result.effect);
    expect(['exact', 'partial']).toContain(result.certainty);
    expect(result.why).not.toMatch(/[\r\n]/);
  }
}
