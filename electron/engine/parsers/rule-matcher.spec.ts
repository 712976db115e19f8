import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FirewallRule } from './firewall-rule-types.js';
import { parseIptablesSave } from './iptables-save-parser.js';
import { parseNftRuleset } from './nft-ruleset-parser.js';
import { matchRules, type RuleMatchResult } from './rule-matcher.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** One line per result, so a whole result list can be compared at once. */
function lines(results: RuleMatchResult[]): string[] {
  return results.map((r) => `${r.certainty} ${r.direction} ${r.effect} ${r.rule.chain}: ${r.rule.text}`);
}

const mixed = parseNftRuleset(fixture('nft-mixed.nft-json.txt'));

describe('matchRules on nft-mixed', () => {
  const results = matchRules(mixed, { addresses: ['198.18.4.2'], port: 80 });

  it('lists the rules that drop, reject or limit traffic to 198.18.4.2:80, certain ones first', () => {
    expect(lines(results)).toEqual([
      'exact outgoing reset output: ip daddr 198.18.4.2 tcp dport 80 counter reject with tcp reset',
      'exact outgoing reset to_target: tcp dport 80 reject with tcp reset',
      'exact outgoing reject output: tcp flags & (syn | ack) == syn ip daddr 198.18.4.2 tcp dport 1-1024 reject with icmpx admin-prohibited',
      'exact outgoing drop output: ip daddr @blocked4 tcp dport @web_ports drop',
      'partial outgoing drop output: ip daddr 198.18.4.2 numgen random mod 100 < 5 drop',
      'partial outgoing drop output: skuid 1000 ip daddr 198.18.4.2 drop',
      'partial outgoing drop output: @ih,0,32 0x47455420 ip daddr 198.18.4.2 drop',
      'partial incoming drop input: ip saddr 198.18.4.2 tcp sport 80 tcp flags rst drop',
      'partial forwarded drop forward: ip daddr 198.18.4.2 tcp dport 80 drop',
      'partial incoming drop input: policy drop',
      'partial outgoing limit output: ip daddr != 192.168.0.0/16 tcp dport 80 ct count over 20 reject with icmp port-unreachable',
      'partial outgoing limit output: tcp dport 80 limit rate over 10/second burst 5 packets drop',
    ]);
  });

  it('leaves out rules for other addresses, ports and protocols', () => {
    const texts = results.map((r) => r.rule.text);
    expect(texts).not.toContain('ip daddr 10.1.2.3 tcp dport 80 drop');
    expect(texts).not.toContain('meta l4proto udp ip daddr 198.18.4.2 drop');
    expect(texts).not.toContain('ip6 daddr 2001:db8::/32 tcp dport 80 reject with tcp reset');
    expect(texts.some((t) => t.includes('8000-8100'))).toBe(false);
  });

  it('explains each result in one sentence', () => {
    const why = results.map((r) => r.why);
    expect(why[0]).toBe('matches destination 198.18.4.2 and tcp dport 80; rejects with a TCP reset');
    expect(why[1]).toBe(
      'matches destination 198.18.4.2 and tcp dport 80; rejects with a TCP reset (reached by jump from output)',
    );
    expect(why[3]).toBe(
      'matches destination 198.18.4.2 (in @blocked4) and tcp dport 80 (in @web_ports); drops the packets',
    );
    expect(why[4]).toBe('matches destination 198.18.4.2; drops about 5% of the packets at random');
    expect(why[5]).toBe('matches destination 198.18.4.2; drops the packets, if skuid 1000 matches');
    expect(why[7]).toBe(
      'matches source 198.18.4.2 and tcp sport 80; drops the packets, if the packet is a TCP reset',
    );
    expect(why[9]).toBe("the input chain's policy is drop; drops the packets no earlier rule accepts");
    expect(why[10]).toBe(
      'matches destination 198.18.4.2 (not in 192.168.0.0/16) and tcp dport 80; rejects with icmp port-unreachable once there are more than 20 connections',
    );
    expect(why[11]).toBe('matches tcp dport 80; drops the packets above 10/second');
  });

  it('matches ip6 rules only for IPv6 addresses', () => {
    expect(lines(matchRules(mixed, { addresses: ['2001:db8::5'], port: 80 }))).toEqual([
      'exact outgoing reset output: ip6 daddr 2001:db8::/32 tcp dport 80 reject with tcp reset',
      'partial incoming drop input: policy drop',
      'partial outgoing limit output: tcp dport 80 limit rate over 10/second burst 5 packets drop',
    ]);
  });

  it('finds only the input policy for an address and port no rule names', () => {
    expect(lines(matchRules(mixed, { addresses: ['203.0.113.9'], port: 22 }))).toEqual([
      'partial incoming drop input: policy drop',
    ]);
  });

  it('reports a rule once when several addresses of the target match it', () => {
    const both = matchRules(mixed, { addresses: ['198.18.4.2', '198.18.4.3'], port: 443 });
    expect(lines(both).filter((l) => l.includes('@blocked4'))).toEqual([
      'exact outgoing drop output: ip daddr @blocked4 tcp dport @web_ports drop',
    ]);
  });
});

describe('matchRules on other rule sets', () => {
  it('finds nothing in a rule set with nothing relevant', () => {
    const rules = parseNftRuleset(fixture('nft-unrelated.nft-json.txt'));
    expect(rules.length).toBeGreaterThan(8);
    expect(matchRules(rules, { addresses: ['198.18.4.2', '2001:db8:4::2'], port: 80 })).toEqual([]);
  });

  it('evaluates ranges, negated port sets, postrouting and prerouting in nft-ip6-limits', () => {
    const rules = parseNftRuleset(fixture('nft-ip6-limits.nft-json.txt'));
    expect(lines(matchRules(rules, { addresses: ['198.18.4.2'], port: 80 }))).toEqual([
      'exact outgoing reject out: ip daddr 198.18.4.2 tcp dport != { 22, 443 } reject with icmp port-unreachable',
      'exact outgoing drop post: ip daddr 198.18.4.2 th dport 80 drop',
      'partial outgoing drop out: ct state invalid drop',
      'partial outgoing drop out: ip daddr . tcp dport @web drop',
      'partial outgoing drop out: ip daddr 198.18.4.2 numgen random mod 2 vmap { 0 : drop, 1 : accept }',
      'partial incoming drop pre: ip saddr 198.18.4.0/24 tcp sport 80 ct state invalid drop',
      'partial outgoing limit out: ip daddr 198.18.4.1-198.18.4.10 tcp dport 80 ct state new limit rate over 5/minute burst 2 packets reject with tcp reset',
      'partial outgoing limit out: tcp dport 80 add @conns { ip daddr ct count over 10 } drop',
      'partial outgoing limit out: ip protocol tcp ip daddr 198.18.4.2 limit rate over 100 kbytes/second drop',
    ]);
    expect(lines(matchRules(rules, { addresses: ['2001:db8:4::2'], port: 443 }))).toEqual([
      'exact outgoing reset output: ip6 daddr @blocked6 tcp dport { 80, 443 } reject with tcp reset',
      'exact outgoing reject output: ip6 daddr 2001:db8:4::2 meta l4proto tcp reject with icmpv6 admin-prohibited',
    ]);
  });

  it('stops at an accept that takes every answer: INPUT policy and later drops are not reached', () => {
    const rules = parseIptablesSave(fixture('iptables-legacy.save.txt'), 'iptables');
    const results = lines(matchRules(rules, { addresses: ['198.18.4.2'], port: 80 }));
    expect(results.filter((l) => l.includes(' INPUT: '))).toEqual([]);
    expect(results.slice(0, 3)).toEqual([
      'exact outgoing reset OUTPUT: ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset',
      'exact outgoing reset TO_TARGET: tcp dport 80 reject with tcp reset',
      'exact outgoing drop OUTPUT: ip daddr 198.18.4.0/24 tcp dport { 80, 443 } drop',
    ]);
    expect(results).toContain(
      'partial outgoing reset OUTPUT: ip daddr 198.18.4.2 meta l4proto tcp xt match string --string "GET /blocked" reject with tcp reset',
    );
    expect(results).toHaveLength(11);
  });
});

describe('matchRules on this machine side of the connection', () => {
  const save = (lines: string[]): string =>
    `*filter\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${lines.join('\n')}\nCOMMIT\n`;

  it('compares source ports with the ephemeral port range', () => {
    const rules = parseIptablesSave(
      save([
        '-A OUTPUT -p tcp -m tcp --sport 1024:65535 -j DROP',
        '-A OUTPUT -p tcp -m tcp --sport 22 -j DROP',
        '-A OUTPUT -p tcp -m tcp --sport 40000:50000 -j DROP',
        '-A INPUT -s 198.18.4.2/32 -p tcp -m tcp ! --dport 22 -j DROP',
      ]),
      'iptables',
    );
    expect(lines(matchRules(rules, { addresses: ['198.18.4.2'], port: 80 }))).toEqual([
      'exact outgoing drop OUTPUT: tcp sport 1024-65535 drop',
      'exact incoming drop INPUT: ip saddr 198.18.4.2 tcp dport != 22 drop',
      'partial outgoing drop OUTPUT: tcp sport 40000-50000 drop',
    ]);
    const narrow = matchRules(rules, {
      addresses: ['198.18.4.2'],
      port: 80,
      localPorts: { from: 40000, to: 41000 },
    });
    expect(lines(narrow)).toContain('exact outgoing drop OUTPUT: tcp sport 40000-50000 drop');
  });

  it('knows loopback traffic uses lo and other traffic does not', () => {
    const rules = parseIptablesSave(
      save(['-A OUTPUT -o lo -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset']),
      'iptables',
    );
    expect(lines(matchRules(rules, { addresses: ['127.0.0.1'], port: 80 }))).toEqual([
      'exact outgoing reset OUTPUT: oifname "lo" tcp dport 80 reject with tcp reset',
    ]);
    expect(matchRules(rules, { addresses: ['198.18.4.2'], port: 80 })).toEqual([]);
  });

  it('makes a rule behind a partial jump partial too', () => {
    const rules = parseIptablesSave(
      save([
        ':CHECK - [0:0]',
        '-A OUTPUT -m owner --uid-owner 0 -j CHECK',
        '-A CHECK -d 198.18.4.2/32 -j DROP',
      ]),
      'iptables',
    );
    const [result] = matchRules(rules, { addresses: ['198.18.4.2'], port: 80 });
    expect(result?.certainty).toBe('partial');
    expect(result?.why).toBe(
      'matches destination 198.18.4.2; drops the packets, if -m owner --uid-owner 0 matches (reached by jump from OUTPUT)',
    );
  });

  it('treats an address missing from a dynamic set as possible later', () => {
    const listing = {
      nftables: [
        {
          set: {
            family: 'inet',
            table: 't',
            name: 'banned',
            type: 'ipv4_addr',
            flags: ['timeout'],
            elem: [],
          },
        },
        {
          chain: {
            family: 'inet',
            table: 't',
            name: 'out',
            type: 'filter',
            hook: 'output',
            prio: 0,
            policy: 'accept',
          },
        },
        {
          rule: {
            family: 'inet',
            table: 't',
            chain: 'out',
            expr: [
              {
                match: { op: '==', left: { payload: { protocol: 'ip', field: 'daddr' } }, right: '@banned' },
              },
              { drop: null },
            ],
          },
        },
      ],
    };
    const [result] = matchRules(parseNftRuleset(JSON.stringify(listing)), {
      addresses: ['198.18.4.2'],
      port: 80,
    });
    expect(result?.certainty).toBe('partial');
    expect(result?.why).toBe(
      'matches any address and port; drops the packets, if 198.18.4.2 is added to set @banned',
    );
  });
});

// Found by the fuzz spec and its long inputs.
describe('matchRules on rules no kernel would hold', () => {
  it('walks a chain many rules jump to once, not once per path (10 jumps over 5 levels took seconds)', () => {
    const depth = 12;
    const lines = ['*filter', ':OUTPUT ACCEPT [0:0]'];
    for (let c = 0; c < depth; c += 1) lines.push(`:C${c} - [0:0]`);
    for (let r = 0; r < 10; r += 1) lines.push('-A OUTPUT -j C0');
    for (let c = 0; c < depth; c += 1) {
      for (let r = 0; r < 10; r += 1) {
        lines.push(c + 1 < depth ? `-A C${c} -j C${c + 1}` : `-A C${c} -d 198.18.4.2/32 -j DROP`);
      }
    }
    const rules = parseIptablesSave(`${lines.join('\n')}\nCOMMIT\n`, 'iptables');
    const started = performance.now();
    const results = matchRules(rules, { addresses: ['198.18.4.2'], port: 80 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(results).toHaveLength(10);
    expect(results[0]?.certainty).toBe('exact');
    expect(results[0]?.why).toMatch(
      /^matches destination 198\.18\.4\.2; drops the packets \(reached by jump from OUTPUT, jump from C0, /,
    );
  });

  it('leaves an address item it cannot test (a /33, the other family) open instead of throwing', () => {
    const base = parseIptablesSave(
      '*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -d 198.18.4.2/32 -j DROP\nCOMMIT\n',
      'iptables',
    )[0];
    if (!base) throw new Error('no rule');
    const odd = (address: string, prefixLength: number): FirewallRule => ({
      ...base,
      matches: {
        ...base.matches,
        destination: [
          { family: 4, negated: false, items: [{ kind: 'prefix', address, prefixLength }], set: null },
        ],
      },
    });
    const results = matchRules([odd('198.18.4.2', 33), odd('::0:0:0:0:0.0.0.0', 0)], {
      addresses: ['198.18.4.2'],
      port: 80,
    });
    expect(results.map((r) => [r.certainty, r.why])).toEqual([
      [
        'partial',
        'matches any address and port; drops the packets, if destination 198.18.4.2 is in 198.18.4.2/33',
      ],
      [
        'partial',
        'matches any address and port; drops the packets, if destination 198.18.4.2 is in ::0:0:0:0:0.0.0.0/0',
      ],
    ]);
  });
});
