import type { Assessment } from '../../shared/step-info.js';
import type { FirewallFrontend } from '../parsers/firewall-frontends-parser.js';
import type { FirewallRule } from '../parsers/firewall-rule-types.js';
import { matchRules, type RuleMatchResult } from '../parsers/rule-matcher.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { dnsProbe } from './dns-probe.js';
import {
  readDarwinRules,
  readLinuxFrontends,
  readLocalRules,
  readWindowsRules,
  rootHintFor,
  type PlatformRules,
  type RuleSourceStatus,
} from './local-rules-reader.js';

export type { RuleSourceStatus } from './local-rules-reader.js';
export type { FirewallFrontend } from '../parsers/firewall-frontends-parser.js';

export interface LocalRulesData {
  platform: string;
  sources: RuleSourceStatus[];
  matches: RuleMatchResult[];
  /**
   * The front ends that manage the firewall, as context: ufw and firewalld on Linux (the nft / iptables
   * rules stay what is matched), macOS's application firewall. Empty when none is installed.
   */
  frontends: FirewallFrontend[];
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
  if (rule.source === 'windows-firewall')
    return `Windows Firewall rule "${rule.name ?? ''}" ${effectText(match)} (${rule.chain})`;
  if (rule.source === 'pf') return `pf rule "${rule.text}" ${effectText(match)}`;
  const subject = rule.policy ? `${rule.chain} chain policy` : `${rule.chain} chain`;
  return `${subject} ${effectText(match)} (${where(rule)})`;
}

function assess(matches: RuleMatchResult[], sources: RuleSourceStatus[]): Assessment {
  if (matches.some((m) => m.certainty === 'exact')) return 'fail';
  if (matches.length > 0) return 'warn';
  // Nothing found in what could be read says little if a rule set could not be read.
  return sources.some((s) => s.status === 'denied' || s.status === 'error') ? 'warn' : 'ok';
}

function unreadable(sources: RuleSourceStatus[], platform: string): string {
  const failed = sources.filter((s) => s.status === 'denied' || s.status === 'error');
  if (failed.length === 0) return '';
  const denied = failed.every((s) => s.status === 'denied');
  return `; ${failed.map((s) => s.tool).join(', ')} could not be read${denied ? ` (${rootHintFor(platform)})` : ''}`;
}

const NOTHING_TO_READ: Record<string, string> = {
  linux: 'Neither nft nor iptables-save is installed: there are no rules to read.',
  win32: 'Neither PowerShell nor netsh is available: there are no Windows Firewall rules to read.',
  darwin: 'pfctl is not installed: there are no pf rules to read.',
};

function skipReason(sources: RuleSourceStatus[], platform: string): string {
  if (sources.some((s) => s.status === 'denied')) {
    const rights = platform === 'win32' ? 'Administrator rights' : 'root';
    return `Reading the firewall rules needs ${rights}: ${rootHintFor(platform)}.`;
  }
  if (sources.every((s) => s.status === 'missing'))
    return NOTHING_TO_READ[platform] ?? NOTHING_TO_READ.linux ?? '';
  const failed = sources.find((s) => s.status === 'error');
  return `The firewall rules could not be read: ${failed?.message ?? 'no tool answered'}.`;
}

/** Short context after the verdict: "; ufw active, firewalld not running", "; pf is disabled". */
function context(frontends: FirewallFrontend[], sources: RuleSourceStatus[]): string {
  const parts = frontends.map((f) => {
    const name = f.name === 'application-firewall' ? 'application firewall' : f.name;
    const state =
      f.active === null
        ? 'state unknown'
        : f.active
          ? f.name === 'firewalld'
            ? 'running'
            : 'active'
          : f.name === 'firewalld'
            ? 'not running'
            : 'inactive';
    return `${name} ${state}`;
  });
  if (sources.some((s) => s.status === 'read' && s.message?.startsWith('pf is disabled')))
    parts.unshift('pf is disabled');
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

const SUPPORTED = new Set(['linux', 'win32', 'darwin']);

async function readPlatform(
  platform: string,
  ctx: Parameters<ProbeDefinition<LocalRulesData>['run']>[0],
  addresses: string[],
): Promise<PlatformRules> {
  const io = ctx.env.io.system;
  const target = { addresses, port: ctx.env.target.port };
  if (platform === 'win32') {
    ctx.progress('Reading the Windows Firewall rules', null);
    const read = await readWindowsRules(io, ctx.signal);
    // The Windows Firewall is stateful: the answers of a connection this machine opens never meet the inbound rules.
    return { ...read, rules: read.rules.filter((rule) => rule.hook !== 'input') };
  }
  if (platform === 'darwin') {
    ctx.progress('Reading the pf rules and the application firewall', null);
    return readDarwinRules(io, ctx.signal, target);
  }
  ctx.progress('Reading the nftables and iptables rules', null);
  const [read, frontends] = await Promise.all([
    readLocalRules(io, ctx.signal),
    readLinuxFrontends(io, ctx.signal, target),
  ]);
  return { ...read, frontends };
}

export function createLocalRulesProbe(options: LocalRulesOptions = {}): ProbeDefinition<LocalRulesData> {
  return {
    id: 'local-rules',
    title: 'Local firewall rules',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      if (!SUPPORTED.has(platform)) {
        return {
          status: 'skipped',
          reason: `Reading firewall rules on ${platform} is not supported; Reset Doctor reads nftables and iptables on Linux, the Windows Firewall and pf on macOS.`,
        };
      }
      const addresses = (ctx.results.data(dnsProbe)?.addresses ?? []).map((a) => a.address);
      if (addresses.length === 0)
        return { status: 'skipped', reason: 'no address to compare the rules with' };

      const { rules, sources, frontends } = await readPlatform(platform, ctx, addresses);
      if (!sources.some((s) => s.status === 'read')) {
        return {
          status: 'skipped',
          reason: skipReason(sources, platform),
          data: { platform, sources, matches: [], frontends },
        };
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
      const tail = `${unreadable(sources, platform)}${context(frontends, sources)}`;
      const summary = top
        ? `${count} rule${count === 1 ? ' matches' : 's match'} ${target}: ${headline(top)}${tail}`
        : `No local firewall rule drops or rejects traffic to ${target}${tail}`;
      return {
        status: 'complete',
        summary,
        assessment: assess(matches, sources),
        data: { platform, sources, matches, frontends },
      };
    },
  };
}

/** Reads the firewall rules of this machine and names those that would drop or reset traffic to the target. */
export const localRulesProbe: ProbeDefinition<LocalRulesData> = createLocalRulesProbe();
