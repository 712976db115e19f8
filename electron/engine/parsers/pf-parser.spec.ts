import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePfInfo, parsePfRules, parseSocketFilterFw, pfRulesForTarget } from './pf-parser.js';
import { matchRules, type RuleMatchResult } from './rule-matcher.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/firewall-os/${name}`, import.meta.url), 'utf8');
}

function lines(results: RuleMatchResult[]): string[] {
  return results.map((r) => `${r.certainty} ${r.direction} ${r.effect}: ${r.why}`);
}

describe('parsePfRules', () => {
  const ruleset = parsePfRules(fixture('pfctl-sr.txt'));

  it('reads block and pass rules, the anchors, and orders them as pf decides', () => {
    expect(ruleset.ruleCount).toBe(8);
    expect(ruleset.anchors).toEqual(['com.apple/*', 'com.example.vpn']);
    expect(ruleset.skipped).toEqual([]);
    expect(ruleset.rules.map((r) => `${r.chain} ${r.position} ${r.action} ${r.text}`)).toEqual([
      'in 0 accept pass in quick on lo0 all flags S/SA keep state',
      'out 1 reject-tcp-reset block return out quick inet proto tcp from any to 198.18.4.2 port = http',
      'out 2 drop block drop out quick inet proto tcp from any to 203.0.113.0/24 port = https',
      'out 3 reject-tcp-reset block return out quick proto tcp from any to <blocklist> port = 8443',
      'out 4 drop block drop out log quick on en0 inet proto tcp from any to any port 6000:6010 user = 503',
      'in 5 accept pass in on en0 inet proto tcp from 10.0.0.0/8 to any port = ssh flags S/SA keep state label "ssh from the office"',
      'out 6 accept pass out all flags S/SA keep state',
      'in 7 drop block drop in all',
    ]);
    expect(ruleset.rules[5]?.name).toBe('ssh from the office');
    expect(ruleset.rules[4]?.matches.unknown).toEqual(['user = 503']);
    expect(ruleset.rules[4]?.matches.destinationPort).toEqual([
      { negated: false, set: null, items: [{ from: 6000, to: 6010 }] },
    ]);
  });

  it('finds a block return rule as a reset and block drop as a drop', () => {
    const target = { addresses: ['198.18.4.2'], port: 80 };
    const rules = pfRulesForTarget(ruleset.rules, target);
    expect(lines(matchRules(rules, target))).toEqual([
      'exact outgoing reset: matches destination 198.18.4.2 and tcp dport 80; rejects with a TCP reset',
      'partial incoming drop: matches any address and port; drops the packets, if a packet outside any pf state (no pass rule kept state for the connection) matches',
    ]);
    const https = { addresses: ['203.0.113.7'], port: 443 };
    expect(lines(matchRules(pfRulesForTarget(ruleset.rules, https), https))[0]).toBe(
      'exact outgoing drop: matches destination 203.0.113.7 (in 203.0.113.0/24) and tcp dport 443; drops the packets',
    );
  });

  it('leaves tables and users open, and drops the incoming rules once a pass rule keeps state', () => {
    const table = { addresses: ['198.51.100.7'], port: 8443 };
    // The table may hold the address: no pass rule certainly kept state, so the incoming rules stay.
    const rules = pfRulesForTarget(ruleset.rules, table);
    expect(rules.some((r) => r.hook === 'input')).toBe(true);
    expect(lines(matchRules(rules, table))[0]).toBe(
      'partial outgoing reset: matches tcp dport 8443; rejects with a TCP reset, if destination in table <blocklist> matches',
    );
    const x11 = { addresses: ['198.51.100.7'], port: 6001 };
    expect(lines(matchRules(pfRulesForTarget(ruleset.rules, x11), x11))).toEqual([
      'partial outgoing drop: matches tcp dport 6001 (in 6000-6010); drops the packets, if the interface matches oifname en0 and user = 503 matches',
      'partial incoming drop: matches any address and port; drops the packets, if a packet outside any pf state (no pass rule kept state for the connection) matches',
    ]);
    const open = { addresses: ['198.51.100.7'], port: 443 };
    const stateful = pfRulesForTarget(ruleset.rules, open);
    expect(stateful.every((r) => r.hook === 'output')).toBe(true);
    expect(matchRules(stateful, open)).toEqual([]);
  });

  it('reads port operators, negation, ranges and icmp returns', () => {
    const { rules } = parsePfRules(
      [
        'block return-icmp out quick proto tcp from any to ! 10.0.0.0/8 port != 22',
        'block drop out quick inet6 proto tcp from any to 2001:db8::1 port 1000 >< 2000',
        'block return-rst (ttl 64) out quick proto tcp from any to any port > 60000',
      ].join('\n'),
    );
    expect(rules.map((r) => [r.action, r.rejectWith, r.matches.ipVersion])).toEqual([
      ['reject-icmp', 'icmp unreachable', null],
      ['drop', null, 6],
      ['reject-tcp-reset', 'tcp reset', null],
    ]);
    expect(rules[0]?.matches.destination[0]).toMatchObject({ negated: true, family: 4 });
    expect(rules[0]?.matches.destinationPort).toEqual([
      { negated: true, set: null, items: [{ from: 22, to: 22 }] },
    ]);
    expect(rules[1]?.matches.destinationPort[0]?.items).toEqual([{ from: 1001, to: 1999 }]);
    expect(rules[2]?.matches.destinationPort[0]?.items).toEqual([{ from: 60001, to: 65535 }]);
  });
});

describe('parsePfInfo and parseSocketFilterFw', () => {
  it('reads whether pf is enabled', () => {
    expect(parsePfInfo(fixture('pfctl-si-enabled.txt'))).toEqual({ enabled: true });
    expect(parsePfInfo(fixture('pfctl-si-disabled.txt'))).toEqual({ enabled: false });
    expect(parsePfInfo('')).toEqual({ enabled: null });
  });

  it('reads the application firewall state', () => {
    expect(parseSocketFilterFw(fixture('socketfilterfw.txt'))).toEqual({
      enabled: true,
      blockAll: false,
      stealth: true,
    });
    expect(parseSocketFilterFw('Firewall is disabled. (State = 0)\n')).toEqual({
      enabled: false,
      blockAll: null,
      stealth: null,
    });
  });
});

// Minimal counter-example the fuzz spec found: the prefix length became NaN, the port 70000.
describe('parsePfRules on what pfctl never prints', () => {
  it('leaves a prefix length that is no number, and a port beyond 65535, unevaluated', () => {
    const [rule] = parsePfRules(
      'block drop out quick inet proto tcp from any to 203.0.113.0/:: port = 70000\n',
    ).rules;
    expect(rule?.matches.destination).toEqual([]);
    expect(rule?.matches.destinationPort).toEqual([]);
    expect(rule?.matches.unknown).toEqual(['destination address of 203.0.113.0/::', 'port = 70000']);
  });
});

describe('parsePfRules on hostile lines (found by the fuzz spec)', () => {
  it('takes no port from Object.prototype', () => {
    const [rule] = parsePfRules('block drop out proto tcp from any to any port = constructor\n').rules;
    expect(rule?.matches.destinationPort).toEqual([]);
    expect(rule?.matches.unknown).toEqual(['port = constructor']);
  });

  it('reads a line of 50,000 spaces and tabs in linear time (/\\s*\\{$/ tried every start)', () => {
    const started = performance.now();
    expect(parsePfRules(`block${'\t '.repeat(25_000)}x\n`).ruleCount).toBe(1);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
