import { NetError, type SystemIo } from '../net/engine-io.js';
import {
  applicationFirewallFrontend,
  firewalldFrontend,
  parseFirewalldState,
  parseUfwStatus,
  type FirewallFrontend,
  type FrontendTarget,
} from '../parsers/firewall-frontends-parser.js';
import { countRules, type FirewallRule } from '../parsers/firewall-rule-types.js';
import { mergeFirewallViews, type IptablesView } from '../parsers/firewall-views.js';
import { iptablesSaveInfo, parseIptablesSave, type IptablesSource } from '../parsers/iptables-save-parser.js';
import { parseNftListing, type NftRuleset } from '../parsers/nft-ruleset-parser.js';
import { parsePfInfo, parsePfRules, parseSocketFilterFw, pfRulesForTarget } from '../parsers/pf-parser.js';
import {
  countWindowsRules,
  parseNetFirewallJson,
  parseNetshRules,
  WINDOWS_FIREWALL_SCRIPT,
} from '../parsers/windows-firewall-parser.js';

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
/** PowerShell starts slowly and asks WMI for every rule's filters; the firewall step allows 15 s in all. */
export const WINDOWS_TOOL_TIMEOUT_MS = 12_000;
const DENIED =
  /operation not permitted|permission denied|you must be root|need to be root|access is denied|requires elevation/i;
export const ROOT_HINT = 'run Reset Doctor as root or with CAP_NET_ADMIN';
export const ADMIN_HINT = 'run Reset Doctor as Administrator';
export const SUDO_HINT = 'run Reset Doctor with sudo';

/** How to get the rights to read the firewall on a platform. */
export function rootHintFor(platform: string): string {
  return platform === 'win32' ? ADMIN_HINT : platform === 'darwin' ? SUDO_HINT : ROOT_HINT;
}

export interface ToolOutput {
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

export interface RunToolOptions {
  /** The name the sources list shows, when it is not the file run (a PowerShell cmdlet). */
  label?: string;
  timeoutMs?: number;
  /** Exit codes that are answers, not failures (firewall-cmd --state exits 252 when not running). */
  acceptCodes?: number[];
  /** How to get the rights the tool asks for; Linux's by default. */
  rootHint?: string;
  /** What the tool was asked for, in "needs root …" messages; "to list the rules" by default. */
  purpose?: string;
}

export async function runTool(
  io: SystemIo,
  tool: string,
  args: string[],
  signal: AbortSignal,
  options: RunToolOptions = {},
): Promise<ToolOutput> {
  const status = (state: RuleSourceState, message: string | null): RuleSourceStatus => ({
    tool: options.label ?? tool,
    status: state,
    message,
    ruleCount: 0,
  });
  const empty = { stdout: '', stderr: '' };
  // `which` looks a name up in PATH; a tool given by its full path is simply run (ENOENT means missing).
  if (!tool.startsWith('/') && (await io.which(tool)) === null)
    return { status: status('missing', `${tool} is not installed`), ...empty };
  try {
    const result = await io.run(tool, args, { timeoutMs: options.timeoutMs ?? TOOL_TIMEOUT_MS, signal });
    if (result.code === 0 || (result.code !== null && options.acceptCodes?.includes(result.code)))
      return { status: status('read', null), stdout: result.stdout, stderr: result.stderr };
    const detail = firstLine(result.stderr) || firstLine(result.stdout);
    if (DENIED.test(result.stderr)) {
      return {
        status: status(
          'denied',
          `${tool} needs root ${options.purpose ?? 'to list the rules'}: ${options.rootHint ?? ROOT_HINT} (${detail})`,
        ),
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
        status: status(
          'denied',
          `${tool} needs root ${options.purpose ?? 'to list the rules'}: ${options.rootHint ?? ROOT_HINT} (${message})`,
        ),
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

function failureText(output: ToolOutput): string {
  return output.status.message ?? `${output.status.tool} gave no answer`;
}

/**
 * ufw and firewalld, when installed: what they say of themselves, as context next to the rules nft and
 * iptables list (which they wrote, and which stay what the matcher reads).
 */
export async function readLinuxFrontends(
  io: SystemIo,
  signal: AbortSignal,
  target: FrontendTarget,
): Promise<FirewallFrontend[]> {
  const frontends: FirewallFrontend[] = [];
  const ufw = await runTool(io, 'ufw', ['status', 'verbose'], signal);
  if (ufw.status.status === 'read') frontends.push(parseUfwStatus(ufw.stdout, target));
  else if (ufw.status.status !== 'missing')
    frontends.push({
      name: 'ufw',
      active: null,
      summary: `ufw status could not be read: ${failureText(ufw)}`,
      relevant: [],
    });

  const state = await runTool(io, 'firewall-cmd', ['--state'], signal, { acceptCodes: [252] });
  if (state.status.status === 'missing') return frontends;
  if (state.status.status !== 'read') {
    frontends.push({
      name: 'firewalld',
      active: null,
      summary: `firewall-cmd --state could not be read: ${failureText(state)}`,
      relevant: [],
    });
    return frontends;
  }
  const running = parseFirewalldState(`${state.stdout}${state.stdout.trim() ? '' : state.stderr}`);
  if (running === false) {
    frontends.push(firewalldFrontend(false, null, target));
    return frontends;
  }
  const list = await runTool(io, 'firewall-cmd', ['--list-all'], signal);
  const frontend = firewalldFrontend(running, list.status.status === 'read' ? list.stdout : null, target);
  if (list.status.status !== 'read') frontend.summary += ` (${failureText(list)})`;
  frontends.push(frontend);
  return frontends;
}

export interface PlatformRules extends ReadRules {
  frontends: FirewallFrontend[];
}

/**
 * Windows: the enabled Block rules of the active policy from Get-NetFirewallRule (through PowerShell, as
 * JSON); netsh advfirewall only when PowerShell could not answer.
 */
export async function readWindowsRules(io: SystemIo, signal: AbortSignal): Promise<PlatformRules> {
  const common = { timeoutMs: WINDOWS_TOOL_TIMEOUT_MS, rootHint: ADMIN_HINT };
  const ps = await runTool(
    io,
    'powershell.exe',
    ['-NoProfile', '-NonInteractive', '-Command', WINDOWS_FIREWALL_SCRIPT],
    signal,
    { ...common, label: 'Get-NetFirewallRule' },
  );
  const sources = [ps.status];
  if (ps.status.status === 'read') {
    try {
      const rules = parseNetFirewallJson(ps.stdout);
      ps.status.ruleCount = countWindowsRules(rules);
      return { rules, sources, frontends: [] };
    } catch (error) {
      ps.status.status = 'error';
      ps.status.message = `could not read the JSON of Get-NetFirewallRule: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const netsh = await runTool(
    io,
    'netsh.exe',
    ['advfirewall', 'firewall', 'show', 'rule', 'name=all', 'verbose'],
    signal,
    { ...common, label: 'netsh advfirewall' },
  );
  sources.push(netsh.status);
  if (netsh.status.status !== 'read') return { rules: [], sources, frontends: [] };
  const parsed = parseNetshRules(netsh.stdout);
  if (parsed.listed === 0 && !/no rules match/i.test(netsh.stdout) && netsh.stdout.trim() !== '') {
    netsh.status.status = 'error';
    netsh.status.message =
      'netsh listed no "Rule Name:" line: its output is probably in another language than English';
    return { rules: [], sources, frontends: [] };
  }
  netsh.status.ruleCount = countWindowsRules(parsed.rules);
  return { rules: parsed.rules, sources, frontends: [] };
}

export const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';

/**
 * macOS: pf's filter rules (pfctl -sr) and whether pf is enabled (pfctl -si), both needing root; the
 * application firewall's state as context (it only filters incoming connections).
 */
export async function readDarwinRules(
  io: SystemIo,
  signal: AbortSignal,
  target: FrontendTarget,
): Promise<PlatformRules> {
  const common = { rootHint: SUDO_HINT };
  const [rulesOut, infoOut, alfOut] = await Promise.all([
    runTool(io, 'pfctl', ['-sr'], signal, { ...common, label: 'pfctl -sr' }),
    runTool(io, 'pfctl', ['-si'], signal, { ...common, label: 'pfctl -si' }),
    runTool(io, SOCKETFILTERFW, ['--getglobalstate', '--getblockall', '--getstealthmode'], signal, {
      label: 'socketfilterfw',
    }),
  ]);
  const frontends: FirewallFrontend[] = [];
  if (alfOut.status.status === 'read')
    frontends.push(applicationFirewallFrontend(parseSocketFilterFw(alfOut.stdout)));
  const sources = [rulesOut.status];
  if (rulesOut.status.status !== 'read') return { rules: [], sources, frontends };
  const ruleset = parsePfRules(rulesOut.stdout);
  rulesOut.status.ruleCount = ruleset.ruleCount;
  const notes: string[] = [];
  const enabled = infoOut.status.status === 'read' ? parsePfInfo(infoOut.stdout).enabled : null;
  const anchors = ruleset.anchors.filter((name) => name !== 'com.apple/*');
  if (anchors.length > 0)
    notes.push(
      `the rules inside anchor${anchors.length === 1 ? '' : 's'} ${anchors.join(', ')} are not listed by pfctl -sr`,
    );
  if (enabled === false) {
    notes.unshift(
      `pf is disabled: its ${ruleset.ruleCount} rule${ruleset.ruleCount === 1 ? ' is' : 's are'} not enforced`,
    );
    rulesOut.status.message = notes.join('; ');
    return { rules: [], sources, frontends };
  }
  if (enabled === null)
    notes.unshift(`whether pf is enabled is unknown (pfctl -si: ${failureText(infoOut)})`);
  rulesOut.status.message = notes.length > 0 ? notes.join('; ') : null;
  const rules = pfRulesForTarget(ruleset.rules, target);
  if (enabled === true) return { rules, sources, frontends };
  // Rules pf may not be enforcing decide nothing for certain.
  const unsure = rules.map((rule) => ({
    ...rule,
    matches: { ...rule.matches, unknown: [...rule.matches.unknown, 'pf being enabled'] },
  }));
  return { rules: unsure, sources, frontends };
}
