import { NetError, type SystemIo } from '../net/engine-io.js';
import { countRules, type FirewallRule } from '../parsers/firewall-rule-types.js';
import { mergeFirewallViews, type IptablesView } from '../parsers/firewall-views.js';
import { iptablesSaveInfo, parseIptablesSave, type IptablesSource } from '../parsers/iptables-save-parser.js';
import { parseNftListing, type NftRuleset } from '../parsers/nft-ruleset-parser.js';

export type RuleSourceState = 'read' | 'missing' | 'denied' | 'error';

export interface RuleSourceStatus {
  tool: string;
  status: RuleSourceState;
  message: string | null;
  ruleCount: number;
}

export interface ReadRules {
  rules: FirewallRule[];
  sources: RuleSourceStatus[];
}

/** Listing a rule set is quick; a tool that hangs (a stuck netlink socket) must not hold the run. */
export const TOOL_TIMEOUT_MS = 5000;
const DENIED = /operation not permitted|permission denied|you must be root/i;
export const ROOT_HINT = 'run Reset Doctor as root or with CAP_NET_ADMIN';

interface ToolOutput {
  status: RuleSourceStatus;
  stdout: string;
  stderr: string;
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

async function runTool(io: SystemIo, tool: string, args: string[], signal: AbortSignal): Promise<ToolOutput> {
  const status = (state: RuleSourceState, message: string | null): RuleSourceStatus => ({
    tool,
    status: state,
    message,
    ruleCount: 0,
  });
  const empty = { stdout: '', stderr: '' };
  if ((await io.which(tool)) === null)
    return { status: status('missing', `${tool} is not installed`), ...empty };
  try {
    const result = await io.run(tool, args, { timeoutMs: TOOL_TIMEOUT_MS, signal });
    if (result.code === 0)
      return { status: status('read', null), stdout: result.stdout, stderr: result.stderr };
    const detail = firstLine(result.stderr) || firstLine(result.stdout);
    if (DENIED.test(result.stderr)) {
      return {
        status: status('denied', `${tool} needs root to list the rules: ${ROOT_HINT} (${detail})`),
        ...empty,
      };
    }
    const how = result.code === null ? 'was stopped' : `exited with code ${result.code}`;
    return { status: status('error', `${tool} ${how}${detail ? `: ${detail}` : ''}`), ...empty };
  } catch (error) {
    if (!(error instanceof NetError) || error.failure.code === 'cancelled') throw error;
    const { code, message } = error.failure;
    if (code === 'operation_not_permitted' || code === 'privileges_required') {
      return {
        status: status('denied', `${tool} needs root to list the rules: ${ROOT_HINT} (${message})`),
        ...empty,
      };
    }
    if (code === 'tool_missing') return { status: status('missing', `${tool} is not installed`), ...empty };
    return { status: status('error', `${tool} failed: ${message}`), ...empty };
  }
}

function parseNft(output: ToolOutput): NftRuleset | null {
  if (output.status.status !== 'read') return null;
  try {
    const ruleset = parseNftListing(output.stdout);
    output.status.ruleCount = countRules(ruleset.rules);
    return ruleset;
  } catch (error) {
    output.status.status = 'error';
    output.status.message = `could not read the output of nft -j: ${error instanceof Error ? error.message : String(error)}`;
    return null;
  }
}

function parseIptables(output: ToolOutput, source: IptablesSource): IptablesView | null {
  if (output.status.status !== 'read') return null;
  const rules = parseIptablesSave(output.stdout, source);
  output.status.ruleCount = countRules(rules);
  // iptables-nft writes its warnings to stderr; the tables it names are in stdout.
  return { source, rules, info: iptablesSaveInfo(`${output.stdout}\n${output.stderr}`) };
}

/**
 * Reads nftables and both iptables families in parallel, then the legacy iptables tables when
 * iptables-nft says some exist (they are enforced too, but only iptables-legacy-save lists them).
 */
export async function readLocalRules(io: SystemIo, signal: AbortSignal): Promise<ReadRules> {
  const [nftOut, ipOut, ip6Out] = await Promise.all([
    runTool(io, 'nft', ['-j', 'list', 'ruleset'], signal),
    runTool(io, 'iptables-save', [], signal),
    runTool(io, 'ip6tables-save', [], signal),
  ]);
  const nft = parseNft(nftOut);
  const views = [parseIptables(ipOut, 'iptables'), parseIptables(ip6Out, 'ip6tables')].filter(
    (v): v is IptablesView => v !== null,
  );
  const sources = [nftOut.status, ipOut.status, ip6Out.status];

  const legacyTools = views
    .filter((view) => view.info.backend !== 'legacy' && view.info.legacyTablesPresent)
    .map((view) => ({ source: view.source, tool: `${view.source}-legacy-save` }));
  const legacyOuts = await Promise.all(legacyTools.map((legacy) => runTool(io, legacy.tool, [], signal)));
  legacyOuts.forEach((output, index) => {
    const legacy = legacyTools[index];
    if (!legacy) return;
    sources.push(output.status);
    const view = parseIptables(output, legacy.source);
    if (!view) return;
    const rules = view.rules.map((rule) => ({ ...rule, backend: 'legacy' as const }));
    views.push({ ...view, rules, info: { ...view.info, backend: 'legacy' } });
  });

  const merged = mergeFirewallViews(nft, views);
  if (merged.tablesFromIptables.length > 0) {
    nftOut.status.message =
      `${[...merged.tablesFromIptables].sort().join(', ')} ${merged.tablesFromIptables.length === 1 ? 'is' : 'are'} managed by iptables-nft: ` +
      'their rules are taken from iptables-save, which shows the options nft -j leaves out';
  }
  return { rules: merged.rules, sources };
}
