import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countRules } from './firewall-rule-types.js';
import { mergeFirewallViews, type IptablesView } from './firewall-views.js';
import { iptablesSaveInfo, parseIptablesSave, type IptablesSource } from './iptables-save-parser.js';
import { parseNftListing } from './nft-ruleset-parser.js';
import { matchRules } from './rule-matcher.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function view(source: IptablesSource, stdout: string, stderr = ''): IptablesView {
  return { source, rules: parseIptablesSave(stdout, source), info: iptablesSaveInfo(`${stdout}\n${stderr}`) };
}

/** A host where iptables-nft, a native nft table and a legacy rule all exist (host-combined.sh). */
describe('mergeFirewallViews on host-combined', () => {
  const nft = parseNftListing(fixture('host-combined.nft-json.txt'));
  const ipv4 = view(
    'iptables',
    fixture('host-combined.iptables-save.txt'),
    fixture('host-combined.iptables-save.stderr.txt'),
  );
  const ipv6 = view('ip6tables', fixture('host-combined.ip6tables-save.txt'));
  const legacy = view('iptables', fixture('host-combined.iptables-legacy-save.txt'));

  it('sees the nft tables iptables-nft manages next to the native one', () => {
    expect(nft.tables.map((t) => `${t.family} ${t.table}`).sort()).toEqual([
      'inet filter',
      'ip filter',
      'ip mangle',
      'ip6 filter',
    ]);
    expect(ipv4.info).toMatchObject({ backend: 'nf_tables', legacyTablesPresent: true });
    expect(legacy.info.backend).toBe('legacy');
  });

  it('takes the iptables-nft tables from iptables-save and the native table from nft, each once', () => {
    const merged = mergeFirewallViews(nft, [ipv4, ipv6, legacy]);
    expect(merged.tablesFromIptables.sort()).toEqual(['ip filter', 'ip mangle', 'ip6 filter']);
    const nftRules = merged.rules.filter((r) => r.source === 'nftables');
    expect(new Set(nftRules.map((r) => `${r.family} ${r.table}`))).toEqual(new Set(['inet filter']));
    expect(countRules(merged.rules)).toBe(countRules(nftRules) + 21 + 3 + 1);
    expect(merged.rules.filter((r) => r.backend === 'legacy' && !r.policy).map((r) => r.text)).toEqual([
      'ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset',
    ]);
  });

  it('reports each tcp-reset rule once, with its reject type from iptables-save', () => {
    const merged = mergeFirewallViews(nft, [ipv4, ipv6, legacy]);
    const resets = matchRules(merged.rules, { addresses: ['198.18.4.2'], port: 80 }).filter(
      (m) => m.effect === 'reset',
    );
    expect(
      resets.map(
        (m) =>
          `${m.certainty} ${m.rule.source} ${m.rule.backend} ${m.rule.table} ${m.rule.chain}: ${m.rule.text}`,
      ),
    ).toEqual([
      'exact nftables nf_tables filter output: ip daddr 198.18.4.2 tcp dport 80 counter reject with tcp reset',
      'exact nftables nf_tables filter to_target: tcp dport 80 reject with tcp reset',
      'exact iptables nf_tables filter OUTPUT: ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset',
      'exact iptables nf_tables filter TO_TARGET: tcp dport 80 reject with tcp reset',
      'exact iptables legacy filter OUTPUT: ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset',
      'partial iptables nf_tables filter OUTPUT: ip daddr 198.18.4.2 meta l4proto tcp xt match string --string "GET /blocked" reject with tcp reset',
    ]);
  });

  it('keeps everything when nft could not be read', () => {
    const merged = mergeFirewallViews(null, [ipv4, ipv6]);
    expect(merged.tablesFromIptables).toEqual([]);
    expect(countRules(merged.rules)).toBe(24);
  });
});

describe('mergeFirewallViews on an incompatible iptables-nft table', () => {
  it('keeps the nft view of a table iptables-save cannot print', () => {
    const nft = parseNftListing(fixture('incompatible.nft-json.txt'));
    const merged = mergeFirewallViews(nft, [view('iptables', fixture('incompatible.iptables-save.txt'))]);
    expect(merged.tablesFromIptables).toEqual([]);
    expect(merged.rules.filter((r) => !r.policy).map((r) => r.text)).toEqual([
      'ip daddr 198.18.4.2 tcp dport 80 counter xt target REJECT',
      'ip daddr 198.18.4.2 tcp dport 443 ct count over 3 drop',
    ]);
  });
});
