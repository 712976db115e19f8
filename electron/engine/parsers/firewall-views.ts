import type { FirewallRule } from './firewall-rule-types.js';
import type { IptablesSaveInfo, IptablesSource } from './iptables-save-parser.js';
import type { NftRuleset } from './nft-ruleset-parser.js';

export interface IptablesView {
  source: IptablesSource;
  rules: FirewallRule[];
  info: IptablesSaveInfo;
}

export interface MergedRules {
  rules: FirewallRule[];
  /** nft tables whose rules were taken from iptables-save instead, as 'ip filter'. */
  tablesFromIptables: string[];
}

/**
 * iptables-nft keeps its rules in nft tables (`ip filter`, `ip6 mangle`...), so `nft -j list ruleset`
 * and iptables-save list the same rules twice. Each such table is taken from one view only.
 *
 * The iptables-save view wins for those tables: in the JSON listing nft prints iptables extensions as
 * bare names, `{"xt": {"type": "target", "name": "REJECT"}}` with no --reject-with, and
 * `xt match multiport` / `conntrack` / `connlimit` with none of their options (see the fixtures
 * nft-from-iptables-nft.nft-json.txt and iptables-nft.save.txt), so a tcp-reset REJECT or a
 * `--dports 80,443` could not be evaluated there. iptables-save prints every option of those rules.
 * The nft view is kept where iptables-save cannot speak: native nft tables, and iptables-nft tables
 * it reports as incompatible (nft rules added to them that iptables cannot print).
 *
 * Legacy iptables rules live in other kernel tables than nft's: they never duplicate nft rules and
 * are always kept.
 */
export function mergeFirewallViews(nft: NftRuleset | null, views: IptablesView[]): MergedRules {
  const nftTables = new Set((nft?.tables ?? []).map((t) => `${t.family} ${t.table}`));
  const fromIptables = new Set<string>();
  const rules: FirewallRule[] = [];
  for (const view of views) {
    rules.push(...view.rules);
    if (view.info.backend === 'legacy') continue;
    const family = view.source === 'iptables' ? 'ip' : 'ip6';
    for (const table of view.info.tables) {
      if (!view.info.incompatibleTables.includes(table) && nftTables.has(`${family} ${table}`)) {
        fromIptables.add(`${family} ${table}`);
      }
    }
  }
  const nftRules = (nft?.rules ?? []).filter((rule) => !fromIptables.has(`${rule.family} ${rule.table}`));
  return { rules: [...nftRules, ...rules], tablesFromIptables: [...fromIptables] };
}
