import { ownValue } from '../../shared/data-guards.js';
import { parseJsonText } from './json-text.js';
import { emptyCriteria, type FirewallHook, type FirewallRule } from './firewall-rule-types.js';
import { field, kindOf, statementText, type NftJson } from './nft-expression-text.js';
import type { NftSetInfo } from './nft-match-values.js';
import { readNftStatements, type NftRuleContext } from './nft-rule-statements.js';

export type { FirewallRule } from './firewall-rule-types.js';

interface ChainInfo {
  hook: FirewallHook | null;
  policy: string | null;
}

/** One nft table as the listing names it: family and table. */
export interface NftTableName {
  family: string;
  table: string;
}

export interface NftRuleset {
  rules: FirewallRule[];
  tables: NftTableName[];
}

const HOOKS: Record<string, FirewallHook> = {
  input: 'input',
  output: 'output',
  forward: 'forward',
  prerouting: 'prerouting',
  postrouting: 'postrouting',
  // netdev ingress and egress see the same packets just before prerouting and just after postrouting.
  ingress: 'prerouting',
  egress: 'postrouting',
};

function text(value: NftJson | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

function key(family: string, table: string, name: string): string {
  return `${family}\u0000${table}\u0000${name}`;
}

/** Parses `nft -j list ruleset` (libnftables-json(5)). Throws when the text is not such a listing. */
export function parseNftListing(jsonText: string): NftRuleset {
  const parsed = parseJsonText(jsonText) as NftJson;
  const items = field(parsed, 'nftables');
  if (!Array.isArray(items)) throw new Error('not an nft JSON listing: no "nftables" array');

  const chains = new Map<string, ChainInfo>();
  const sets = new Map<string, NftSetInfo>();
  const limits = new Map<string, NftJson>();
  const tables: NftTableName[] = [];
  for (const item of items) {
    const [kind, body] = kindOf(item) ?? ['', null];
    const family = text(field(body, 'family'));
    const table = text(field(body, 'table'));
    const name = text(field(body, 'name'));
    if (kind === 'table' && family && name) tables.push({ family, table: name });
    if (!family || !table || !name) continue;
    if (kind === 'chain') {
      const hook = text(field(body, 'hook'));
      chains.set(key(family, table, name), {
        hook: hook ? (ownValue(HOOKS, hook) ?? null) : null,
        policy: text(field(body, 'policy')),
      });
    } else if (kind === 'set' || kind === 'map') {
      const elem = field(body, 'elem');
      const flags = field(body, 'flags');
      const flagList = Array.isArray(flags) ? flags : [];
      sets.set(key(family, table, name), {
        elements: Array.isArray(elem) ? elem : elem === undefined ? [] : [elem],
        // Sets filled by rules or with timeouts change while packets flow: their listing is a snapshot.
        dynamic:
          flagList.includes('dynamic') ||
          flagList.includes('timeout') ||
          field(body, 'timeout') !== undefined,
      });
    } else if (kind === 'limit') {
      limits.set(key(family, table, name), body);
    }
  }

  const rules: FirewallRule[] = [];
  const positions = new Map<string, number>();
  for (const item of items) {
    const [kind, body] = kindOf(item) ?? ['', null];
    if (kind !== 'rule') continue;
    const family = text(field(body, 'family'));
    const table = text(field(body, 'table'));
    const chain = text(field(body, 'chain'));
    const expr = field(body, 'expr');
    if (!family || !table || !chain || !Array.isArray(expr)) continue;
    const chainKey = key(family, table, chain);
    const ctx: NftRuleContext = {
      sets: (name) => sets.get(key(family, table, name)),
      limits: (name) => limits.get(key(family, table, name)),
    };
    const meaning = readNftStatements(expr, ctx);
    const comment = text(field(body, 'comment'));
    const position = positions.get(chainKey) ?? 0;
    positions.set(chainKey, position + 1);
    rules.push({
      source: 'nftables',
      backend: 'nf_tables',
      family,
      table,
      chain,
      hook: chains.get(chainKey)?.hook ?? null,
      text: expr.map(statementText).join(' ') + (comment ? ` comment ${JSON.stringify(comment)}` : ''),
      ...meaning,
      policy: false,
      position,
      original: null,
    });
  }
  rules.push(...policyRules(chains, positions));
  return { rules, tables };
}

/** The flat rule list of `nft -j list ruleset`, with each base chain's policy as a last pseudo-rule. */
export function parseNftRuleset(jsonText: string): FirewallRule[] {
  return parseNftListing(jsonText).rules;
}

function policyRules(chains: Map<string, ChainInfo>, positions: Map<string, number>): FirewallRule[] {
  const rules: FirewallRule[] = [];
  for (const [chainKey, info] of chains) {
    if (!info.hook || !info.policy) continue;
    const [family = '', table = '', chain = ''] = chainKey.split('\u0000');
    rules.push({
      source: 'nftables',
      backend: 'nf_tables',
      family,
      table,
      chain,
      hook: info.hook,
      text: `policy ${info.policy}`,
      matches: emptyCriteria(),
      action: info.policy === 'drop' ? 'drop' : info.policy === 'accept' ? 'accept' : 'other',
      jumpTarget: null,
      rejectWith: null,
      policy: true,
      position: positions.get(chainKey) ?? 0,
      original: null,
    });
  }
  return rules;
}
