import type { CauseId, Origin, Phase } from '../../electron/shared/cause-info.js';
import type { ProbeReport, Report } from '../../electron/shared/report-info.js';
import type { Lab } from './lab-topology.js';

export interface ScenarioSetup {
  target: string;
  args?: string[];
}

/** One fault reproduced for real in the lab, and what the diagnosis must say about it. */
export interface LabScenario {
  id: string;
  cause: CauseId;
  origin: Origin;
  /** The path hop that must be blamed (1 = first router), when the origin is path. */
  hop?: number;
  /** The phase the verdict must name, where it matters. */
  phase?: Phase;
  /** Further checks on the report: each returned string is a problem. */
  check?(report: Report, lab: Lab): string[];
  /** The idle timeout the lab enforces, for idle-timeout scenarios. */
  idleSeconds?: number;
  /** Needs an idle wait: left out of the speed goal. */
  slow?: boolean;
  what: string;
  setup(lab: Lab): Promise<ScenarioSetup>;
}

export const WEB = 'http://web.lab.test/';

export function probe<D>(report: Report, id: string): ProbeReport<D> | undefined {
  return report.steps.flatMap((s) => s.probes).find((p) => p.id === id) as ProbeReport<D> | undefined;
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
