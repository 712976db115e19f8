import type { Assessment } from '../../shared/step-info.js';
import type { FirewallRule } from '../parsers/firewall-rule-types.js';
import { matchRules, type RuleMatchResult } from '../parsers/rule-matcher.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { dnsProbe } from './dns-probe.js';
import { readLocalRules, ROOT_HINT, type RuleSourceStatus } from './local-rules-reader.js';

export type { RuleSourceStatus } from './local-rules-reader.js';

export interface LocalRulesData {
  platform: string;
  sources: RuleSourceStatus[];
  matches: RuleMatchResult[];
}

export interface LocalRulesOptions {
  /** The operating system to act for; tests set it, the app uses process.platform. */
  platform?: string;
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function where(rule: FirewallRule): string {
  const source = rule.backend === 'legacy' ? `${rule.source}-legacy` : rule.source;
  // iptables rules have no family of their own to show: the tool's name already tells it.
  const family = rule.source === 'nftables' ? `${rule.family} ` : '';
  return `${source} ${family}${rule.table} ${rule.chain}`;
}

function effectText(match: RuleMatchResult): string {
  const may = match.certainty === 'partial' ? 'may ' : '';
  const rule = match.rule;
  switch (match.effect) {
    case 'reset':
      return `${may}${may ? 'reject' : 'rejects'} with TCP reset`;
    case 'reject':
      return `${may}${may ? 'reject' : 'rejects'}${rule.rejectWith ? ` with ${rule.rejectWith}` : ''}`;
    case 'drop':
      return `${may}${may ? 'drop' : 'drops'} the packets`;
    case 'limit':
      return `${may}${may ? 'limit' : 'limits'} the traffic`;
  }
}

function headline(match: RuleMatchResult): string {
  const rule = match.rule;
  const subject = rule.policy ? `${rule.chain} chain policy` : `${rule.chain} chain`;
  return `${subject} ${effectText(match)} (${where(rule)})`;
}

function assess(matches: RuleMatchResult[], sources: RuleSourceStatus[]): Assessment {
  if (matches.some((m) => m.certainty === 'exact')) return 'fail';
  if (matches.length > 0) return 'warn';
  // Nothing found in what could be read says little if a rule set could not be read.
  return sources.some((s) => s.status === 'denied' || s.status === 'error') ? 'warn' : 'ok';
}

function unreadable(sources: RuleSourceStatus[]): string {
  const failed = sources.filter((s) => s.status === 'denied' || s.status === 'error');
  if (failed.length === 0) return '';
  const denied = failed.every((s) => s.status === 'denied');
  return `; ${failed.map((s) => s.tool).join(', ')} could not be read${denied ? ` (${ROOT_HINT})` : ''}`;
}

function skipReason(sources: RuleSourceStatus[]): string {
  if (sources.some((s) => s.status === 'denied'))
    return `Reading the firewall rules needs root: ${ROOT_HINT}.`;
  if (sources.every((s) => s.status === 'missing'))
    return 'Neither nft nor iptables-save is installed: there are no rules to read.';
  const failed = sources.find((s) => s.status === 'error');
  return `The firewall rules could not be read: ${failed?.message ?? 'no tool answered'}.`;
}

export function createLocalRulesProbe(options: LocalRulesOptions = {}): ProbeDefinition<LocalRulesData> {
  return {
    id: 'local-rules',
    title: 'Local firewall rules',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      if (platform !== 'linux') {
        return {
          status: 'skipped',
          reason: `Reading firewall rules on ${platform} comes in a later version; on Linux it reads nftables and iptables.`,
        };
      }
      const addresses = (ctx.results.data(dnsProbe)?.addresses ?? []).map((a) => a.address);
      if (addresses.length === 0)
        return { status: 'skipped', reason: 'no address to compare the rules with' };

      ctx.progress('Reading the nftables and iptables rules', null);
      const { rules, sources } = await readLocalRules(ctx.env.io.system, ctx.signal);
      if (!sources.some((s) => s.status === 'read')) {
        return { status: 'skipped', reason: skipReason(sources), data: { platform, sources, matches: [] } };
      }
      const port = ctx.env.target.port;
      const matches = matchRules(rules, { addresses, port });
      const others =
        addresses.length > 1
          ? ` and ${addresses.length - 1} more address${addresses.length > 2 ? 'es' : ''}`
          : '';
      const target = `${endpoint(addresses[0] ?? '', port)}${others}`;
      const count = new Set(matches.map((m) => m.rule)).size;
      const top = matches[0];
      const summary = top
        ? `${count} rule${count === 1 ? ' matches' : 's match'} ${target}: ${headline(top)}${unreadable(sources)}`
        : `No local firewall rule drops or rejects traffic to ${target}${unreadable(sources)}`;
      return {
        status: 'complete',
        summary,
        assessment: assess(matches, sources),
        data: { platform, sources, matches },
      };
    },
  };
}

/** Reads the firewall rules of this machine and names those that would drop or reset traffic to the target. */
export const localRulesProbe: ProbeDefinition<LocalRulesData> = createLocalRulesProbe();
