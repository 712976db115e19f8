import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countRules, type FirewallRule } from './firewall-rule-types.js';
import { iptablesSaveInfo, parseIptablesSave } from './iptables-save-parser.js';
import { tokenize } from './iptables-tokens.js';
import { matchRules } from './rule-matcher.js';

/** iptables-save outputs recorded in a throwaway network namespace (rules from iptables-rules.sh). */
function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function byOriginal(rules: FirewallRule[], original: string): FirewallRule {
  const found = rules.find((r) => r.original === original);
  if (!found) throw new Error(`no rule ${original}`);
  return found;
}

describe('parseIptablesSave on iptables-legacy-save output', () => {
  const rules = parseIptablesSave(fixture('iptables-legacy.save.txt'), 'iptables');

  it('reads every -A line and adds the built-in chain policies', () => {
    expect(countRules(rules)).toBe(21);
    expect(rules.every((r) => r.source === 'iptables' && r.family === 'ip' && r.backend === 'legacy')).toBe(
      true,
    );
    const policies = rules.filter((r) => r.policy).map((r) => `${r.table} ${r.chain} ${r.text}`);
    expect(policies).toContain('filter INPUT policy drop');
    expect(policies).toContain('mangle POSTROUTING policy accept');
    expect(policies).not.toContain('filter TO_TARGET policy -');
  });

  it('maps built-in chains to hooks and user chains to none', () => {
    const hooks = new Map(rules.map((r) => [`${r.table} ${r.chain}`, r.hook]));
    expect(hooks.get('filter OUTPUT')).toBe('output');
    expect(hooks.get('filter INPUT')).toBe('input');
    expect(hooks.get('filter FORWARD')).toBe('forward');
    expect(hooks.get('mangle POSTROUTING')).toBe('postrouting');
    expect(hooks.get('filter TO_TARGET')).toBeNull();
  });

  it('reads REJECT --reject-with tcp-reset with its address and port', () => {
    const r = byOriginal(
      rules,
      '-A OUTPUT -d 198.18.4.2/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset',
    );
    expect(r).toMatchObject({
      action: 'reject-tcp-reset',
      rejectWith: 'tcp reset',
      chain: 'OUTPUT',
      position: 1,
    });
    expect(r.text).toBe('ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset');
    expect(r.matches.destination).toEqual([
      {
        family: 4,
        negated: false,
        items: [{ kind: 'prefix', address: '198.18.4.2', prefixLength: 32 }],
        set: null,
      },
    ]);
    expect(r.matches.destinationPort).toEqual([{ negated: false, items: [{ from: 80, to: 80 }], set: null }]);
  });

  it('reads multiport lists, port ranges and ICMP rejects', () => {
    const multi = byOriginal(rules, '-A OUTPUT -d 198.18.4.0/24 -p tcp -m multiport --dports 80,443 -j DROP');
    expect(multi.text).toBe('ip daddr 198.18.4.0/24 tcp dport { 80, 443 } drop');
    expect(multi.matches.destinationPort[0]?.items).toEqual([
      { from: 80, to: 80 },
      { from: 443, to: 443 },
    ]);
    const icmp = byOriginal(
      rules,
      '-A OUTPUT -d 198.18.4.2/32 -p tcp -m tcp --dport 8000:8100 -j REJECT --reject-with icmp-host-unreachable',
    );
    expect(icmp).toMatchObject({ action: 'reject-icmp', rejectWith: 'icmp host-unreachable' });
    expect(icmp.matches.destinationPort[0]?.items).toEqual([{ from: 8000, to: 8100 }]);
  });

  it('reads negated addresses, --syn and connlimit', () => {
    const r = rules.find((x) => x.original?.includes('--connlimit-above'));
    expect(r?.matches.destination[0]).toMatchObject({
      negated: true,
      items: [{ address: '192.168.0.0', prefixLength: 16 }],
    });
    expect(r?.matches.tcpFlags).toEqual([
      { negated: false, mask: ['fin', 'syn', 'rst', 'ack'], mode: 'equals', values: [['syn']] },
    ]);
    expect(r?.matches.connectionLimit).toEqual({ over: true, count: 20, key: 'ip daddr' });
    expect(r?.action).toBe('reject-icmp');
  });

  it('reads hashlimit, limit, statistic and string matches', () => {
    const hash = rules.find((x) => x.original?.includes('--hashlimit-above'));
    expect(hash?.matches.rateLimit).toEqual({
      over: true,
      rate: 10,
      unit: 'packets',
      per: 'second',
      burst: 5,
      key: 'ip daddr',
    });
    expect(hash?.text).toBe(
      'tcp dport 80 meter web { ip daddr limit rate over 10/second burst 5 packets } drop',
    );
    const limit = rules.find((x) => x.original?.includes('-m limit'));
    expect(limit?.matches.rateLimit).toMatchObject({ over: false, rate: 5, per: 'minute', burst: 2 });
    expect(limit?.action).toBe('accept');
    const random = rules.find((x) => x.original?.includes('--probability'));
    expect(random?.matches.random?.probability).toBeCloseTo(0.05, 6);
    expect(random?.text).toBe('ip daddr 198.18.4.2 numgen random mod 100 < 5 drop');
    const string = rules.find((x) => x.original?.includes('-m string'));
    expect(string?.matches.strings).toEqual([{ text: 'GET /blocked', algorithm: 'bm' }]);
    expect(string?.action).toBe('reject-tcp-reset');
  });

  it('reads ct state, negated ports, tcp flags and jumps', () => {
    expect(byOriginal(rules, '-A OUTPUT -m conntrack --ctstate INVALID -j DROP').matches.ctState).toEqual([
      { negated: false, states: ['invalid'] },
    ]);
    const notPort = byOriginal(rules, '-A OUTPUT -d 198.18.4.2/32 -p tcp -m tcp ! --dport 80 -j DROP');
    expect(notPort.matches.destinationPort[0]?.negated).toBe(true);
    expect(notPort.text).toBe('ip daddr 198.18.4.2 tcp dport != 80 drop');
    const rst = byOriginal(
      rules,
      '-A INPUT -s 198.18.4.0/24 -p tcp -m tcp --sport 80 --tcp-flags RST RST -j DROP',
    );
    expect(rst.matches.tcpFlags).toEqual([
      { negated: false, mask: ['rst'], mode: 'equals', values: [['rst']] },
    ]);
    const jump = byOriginal(rules, '-A OUTPUT -d 198.18.4.2/32 -j TO_TARGET');
    expect(jump).toMatchObject({
      action: 'jump',
      jumpTarget: 'TO_TARGET',
      text: 'ip daddr 198.18.4.2 jump TO_TARGET',
    });
    const log = byOriginal(rules, '-A TO_TARGET -p tcp -m tcp --dport 80 -j LOG --log-prefix "to-target "');
    expect(log).toMatchObject({ action: 'log', text: 'tcp dport 80 log prefix "to-target "' });
  });

  it('keeps modules it does not evaluate as unknown criteria', () => {
    const owner = byOriginal(rules, '-A OUTPUT -d 198.18.4.2/32 -m owner --uid-owner 1000 -j DROP');
    expect(owner.matches.unknown).toEqual(['-m owner --uid-owner 1000']);
    const length = rules.find((x) => x.original?.includes('-m length'));
    expect(length?.matches.unknown).toEqual(['-m length --length 1400:65535']);
    expect(
      byOriginal(rules, '-A OUTPUT -d 198.18.4.2/32 -p udp -m udp --dport 80 -j DROP').matches.protocol,
    ).toEqual([{ negated: false, protocols: ['udp'] }]);
  });
});

describe('parseIptablesSave on ip6tables-save output', () => {
  const rules = parseIptablesSave(fixture('ip6tables-legacy.save.txt'), 'ip6tables');

  it('reads IPv6 prefixes, negation and icmp6 rejects', () => {
    expect(countRules(rules)).toBe(3);
    const [reset, icmp, others] = rules;
    expect(reset).toMatchObject({ source: 'ip6tables', family: 'ip6', action: 'reject-tcp-reset' });
    expect(reset?.matches.destination[0]?.items).toEqual([
      { kind: 'prefix', address: '2001:db8:4::', prefixLength: 64 },
    ]);
    expect(icmp).toMatchObject({ action: 'reject-icmp', rejectWith: 'icmpv6 admin-prohibited' });
    expect(icmp?.text).toBe('ip6 daddr 2001:db8:4::2 meta l4proto tcp reject with icmpv6 admin-prohibited');
    expect(others?.matches.destination[0]).toMatchObject({ family: 6, negated: true });
  });
});

describe('iptablesSaveInfo', () => {
  it('tells the legacy backend from iptables-nft', () => {
    expect(iptablesSaveInfo(fixture('iptables-legacy.save.txt'))).toEqual({
      backend: 'legacy',
      tables: ['mangle', 'filter'],
      incompatibleTables: [],
      legacyTablesPresent: false,
    });
    const nft = fixture('iptables-nft.save.txt') + fixture('iptables-nft.save.stderr.txt');
    expect(iptablesSaveInfo(nft)).toMatchObject({ backend: 'nf_tables', legacyTablesPresent: true });
    expect(iptablesSaveInfo(fixture('host-combined.iptables-save.txt')).backend).toBe('nf_tables');
  });

  it('notices tables iptables-nft cannot print', () => {
    expect(iptablesSaveInfo(fixture('incompatible.iptables-save.txt'))).toEqual({
      backend: 'nf_tables',
      tables: [],
      incompatibleTables: ['filter'],
      legacyTablesPresent: false,
    });
    expect(parseIptablesSave(fixture('incompatible.iptables-save.txt'), 'iptables')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('keeps quoted values whole, with escapes and leading dashes', () => {
    const tokens = tokenize('-A OUTPUT -m comment --comment "say \\"hi\\" -x" -j LOG --log-prefix "-p "');
    expect(tokens.map((t) => t.value)).toEqual([
      '-A',
      'OUTPUT',
      '-m',
      'comment',
      '--comment',
      'say "hi" -x',
      '-j',
      'LOG',
      '--log-prefix',
      '-p ',
    ]);
    expect(tokens[5]?.quoted).toBe(true);
  });

  it('reads a rule with counters and a quoted comment', () => {
    const [rule] = parseIptablesSave(
      '*filter\n:OUTPUT ACCEPT [0:0]\n[3:180] -A OUTPUT -d 10.0.0.0/255.0.0.0 -m comment --comment "-d 1.2.3.4" -j DROP\nCOMMIT\n',
      'iptables',
    );
    expect(rule?.matches.destination[0]?.items).toEqual([
      { kind: 'prefix', address: '10.0.0.0', prefixLength: 8 },
    ]);
    expect(rule?.text).toBe('ip daddr 10.0.0.0/8 comment "-d 1.2.3.4" drop');
    expect(rule?.backend).toBeNull();
  });
});

// Minimal counter-examples the fuzz spec found.
describe('parseIptablesSave on what iptables-save never prints', () => {
  it('leaves a port beyond 65535 unevaluated instead of taking it for a port', () => {
    const [rule] = parseIptablesSave(
      '*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp -m multiport --dports 80,99999 -j DROP\nCOMMIT\n',
      'iptables',
    );
    expect(rule?.matches.destinationPort).toEqual([]);
    expect(rule?.matches.unknown).toEqual(['-m multiport --dports 80,99999']);
  });

  it('reads a stray CR as a space, so no rule text spans two lines', () => {
    expect(tokenize('-A OUTPUT --dports \r,443 -m comment --comment "a\rb"').map((t) => t.value)).toEqual([
      '-A',
      'OUTPUT',
      '--dports',
      ',443',
      '-m',
      'comment',
      '--comment',
      'a b',
    ]);
  });
});

describe('parseIptablesSave on words named like object properties (found by the fuzz spec)', () => {
  it('gives a chain called constructor no hook, and --reject-with constructor its own words', () => {
    const rules = parseIptablesSave(
      '*filter\n:constructor ACCEPT [0:0]\n-A constructor -p tcp -j REJECT --reject-with constructor\nCOMMIT\n',
      'iptables',
    );
    expect(rules.map((r) => [r.hook, r.rejectWith, r.text])).toEqual([
      [null, 'constructor', 'meta l4proto tcp reject with constructor'],
    ]);
    // The hook used to be Object itself, and matchRules threw "DIRECTIONS[hook] is not iterable".
    expect(matchRules(rules, { addresses: ['198.18.4.2'], port: 80 })).toEqual([]);
  });
});
