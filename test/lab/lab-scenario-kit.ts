import type {
  CauseId,
  IntermittencyPattern,
  MtuDirection,
  Origin,
  Phase,
} from '../../electron/shared/cause-info.js';
import type { ProbeReport, Report } from '../../electron/shared/report-info.js';
import { REPO_ROOT, type Lab } from './lab-topology.js';

export interface ScenarioSetup {
  target: string;
  args?: string[];
}

/** One fault reproduced for real in the lab, and what the diagnosis must say about it. */
export interface LabScenario {
  id: string;
  /** The verdict; `inconclusive` where the run cannot settle it (then `candidate` must be among its candidates). */
  cause: CauseId;
  /** Who must be named as the sender (not judged for an inconclusive verdict). */
  origin: Origin;
  /** The path hop that must be blamed (1 = first router), when the origin is path. */
  hop?: number;
  /** The phase the verdict must name, where it matters. */
  phase?: Phase;
  /** For an expected `inconclusive`: the cause that must be among the finding's candidates. */
  candidate?: CauseId;
  /** Further checks on the report: each returned string is a problem. */
  check?(report: Report, lab: Lab): string[];
  /** The idle timeout the lab enforces, for idle-timeout scenarios. */
  idleSeconds?: number;
  /** For request-timeout: the cut-off the lab enforces, in seconds from the request to the reset or close. */
  cutoffSeconds?: number;
  /**
   * The request fails only sometimes: the verdict's finding must carry an intermittency with some but not
   * all requests failed, and this pattern and period where they are given.
   */
  intermittency?: { pattern?: IntermittencyPattern; period?: number };
  /** For mtu-blackhole: the direction that loses the large packets. */
  direction?: MtuDirection;
  /**
   * How long one request waits by design before its outcome (a cut-off, a slow answer, the --wait given),
   * in seconds: the run repeats the request, so its time limit grows with it.
   */
  waitSeconds?: number;
  /** Waits by design (an idle gap, a cut-off, a slow answer): left out of the speed goal. */
  slow?: boolean;
  what: string;
  setup(lab: Lab): Promise<ScenarioSetup>;
}

export const WEB = 'http://web.lab.test/';

export function probe<D>(report: Report, id: string): ProbeReport<D> | undefined {
  return report.steps.flatMap((s) => s.probes).find((p) => p.id === id) as ProbeReport<D> | undefined;
}

/** The sentences of the verdict's evidence (report@2 evidence items carry their text beside the figures). */
export function evidenceTexts(report: Report): string[] {
  return report.diagnosis.findings[0]?.evidence.map((e) => e.text) ?? [];
}

export async function web(lab: Lab): Promise<void> {
  await lab.startServer('http', { port: 80 });
}

/** nft in a router's forward path: the router is a firewall between client and server. */
export async function routerRule(lab: Lab, router: number, rule: string): Promise<void> {
  await lab.nft(
    lab.names.routers[router - 1]!,
    `table inet rd_fault {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ${rule}\n  }\n}\n`,
  );
}

export async function localRule(lab: Lab, rule: string): Promise<void> {
  await lab.nft(
    lab.names.client,
    `table inet rd_local {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ${rule}\n  }\n}\n`,
  );
}

/**
 * A DPI box in a router's forward path: any packet carrying the string is answered with a forged RST
 * (iptables' REJECT sends it to the client with the router's own TTL, like an IDS or a censor), or
 * dropped silently.
 */
export async function stringRule(
  lab: Lab,
  router: number,
  port: number,
  text: string,
  action: 'reset' | 'drop',
  family: 4 | 6 = 4,
): Promise<void> {
  const ns = lab.names.routers[router - 1]!;
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const args = ['-A', 'FORWARD', '-p', 'tcp', '--dport', String(port), '-m', 'string'];
  args.push('--string', text, '--algo', 'bm');
  args.push(...(action === 'reset' ? ['-j', 'REJECT', '--reject-with', 'tcp-reset'] : ['-j', 'DROP']));
  const result = await lab.exec(ns, tool, args, { timeoutMs: 10_000 });
  if (result.code !== 0) throw new Error(`${tool} in ${ns}: ${result.stderr.trim()}`);
}

/**
 * test/lab/lab-injector.py on router 2's link from router 1, started and waited for: it sees only the
 * client's packets (IPv4) and forges resets to the client as if from the server. Returns what it printed.
 */
export async function onPathInjector(lab: Lab, keyword: string, options: string[]): Promise<() => string> {
  const link = lab.links[1]!;
  const script = `${REPO_ROOT}/test/lab/lab-injector.py`;
  const child = lab.spawn(link.right.ns, 'python3', [script, link.right.ifname, keyword, ...options]);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the lab injector did not start')), 10_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      if (output.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the lab injector exited (${code})`)));
  });
  return () => output;
}

/** 1st, 2nd, 3rd, 4th… as the engine words them (one definition). */
export { ordinal } from '../../electron/shared/common-words.js';
