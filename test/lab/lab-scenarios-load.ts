import type { Report } from '../../electron/shared/report-info.js';
import type { ConcurrencyData } from '../../electron/engine/probes/concurrency-probe.js';
import type { ConnectionRateData } from '../../electron/engine/probes/connection-rate-probe.js';
import { WEB, evidenceTexts, ordinal, probe, routerRule, web, type LabScenario } from './lab-scenario-kit.js';
import type { Lab } from './lab-topology.js';

const RATE_RULE = 'tcp dport 80 ct state new limit rate over 10/second burst 5 packets reject with tcp reset';

/** A firewall rule on the server that rejects (with a reset) more than `limit` connections at once to port 80. */
export async function connectionCap(lab: Lab, limit: number): Promise<void> {
  await lab.nft(
    lab.names.server,
    `table inet rd_limit {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 80 ct count over ${limit} reject with tcp reset\n  }\n}\n`,
  );
}

/** The server rejects (with a reset) more than `limit` concurrent connections to port 80. */
function concurrencyLimit(limit: number, id: string): LabScenario {
  // The ramp doubles (1, 2, 4, 8): it must stop at the first step past the limit.
  const firstStepPast = 2 ** Math.ceil(Math.log2(limit + 1));
  return {
    id,
    cause: 'connection-limit',
    origin: 'server',
    what: `the server rejects (with a reset) more than ${limit} concurrent connections to port 80`,
    async setup(lab) {
      await web(lab);
      await connectionCap(lab, limit);
      return { target: WEB };
    },
    check(report) {
      const problems: string[] = [];
      const c = probe<ConcurrencyData>(report, 'concurrency')?.data;
      if (c?.limit !== limit || c.firstFailure !== limit + 1 || !c.confirmed)
        problems.push(
          `concurrency: limit ${c?.limit}, first failure ${c?.firstFailure}, confirmed ${c?.confirmed}`,
        );
      if (c && c.connections.length > firstStepPast)
        problems.push(`the ramp went on past ${firstStepPast}: ${c.connections.length}`);
      const rate = probe<ConnectionRateData>(report, 'connection-rate')?.data;
      if (rate?.verdict !== 'clean')
        problems.push(`short connections were not all accepted: ${rate?.verdict}`);
      const next = ordinal(limit + 1);
      problems.push(
        ...words(report, [
          new RegExp(
            `^Concurrency: resets began at the ${next} concurrent connection: ${limit} were held at once .* the ${next} was refused: its SYN was answered with a reset by the server`,
          ),
          /Captured RSTs? .*\(TTL 61.*matches the server's SYN-ACK/,
        ]),
      );
      const remedies = report.diagnosis.findings[0]?.remedies.join('\n') ?? '';
      if (!new RegExp(`pool at ${limit} connections per client instance`).test(remedies))
        problems.push(`no pool size in the remedies: ${remedies}`);
      return problems;
    },
  };
}

/** Limits on concurrent connections and on the rate of new ones. */
export const LOAD_SCENARIOS: LabScenario[] = [
  concurrencyLimit(3, 'connection-limit'),
  concurrencyLimit(5, 'connection-limit-5'),
  {
    id: 'connection-rate-limit',
    cause: 'connection-limit',
    origin: 'server',
    what: 'the server rejects (with a reset) new connections to port 80 beyond 10 per second (burst 5)',
    async setup(lab) {
      await web(lab);
      await lab.nft(
        lab.names.server,
        `table inet rd_limit {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    ${RATE_RULE}\n  }\n}\n`,
      );
      return { target: WEB };
    },
    check: (report) => rateChecks(report, /by the server/),
  },
  {
    id: 'connection-rate-limit-path',
    cause: 'connection-limit',
    origin: 'path',
    hop: 2,
    what: 'router 2 rejects (with a forged reset) new connections to port 80 beyond 10 per second (burst 5)',
    async setup(lab) {
      await web(lab);
      await routerRule(lab, 2, RATE_RULE);
      return { target: WEB };
    },
    check: (report) => rateChecks(report, /by hop 2 on the path/),
  },
];

/** The rate that gets through is the rule's 10/s, and the concurrency ramp leaves that limit to the rate probe. */
function rateChecks(report: Report, sender: RegExp): string[] {
  const problems: string[] = [];
  const rate = probe<ConnectionRateData>(report, 'connection-rate')?.data;
  const perSecond = rate?.acceptedPerSecond ?? null;
  if (rate?.verdict !== 'limited' || perSecond === null || perSecond < 6 || perSecond > 14)
    problems.push(`rate: ${rate?.verdict}, ${perSecond}/s got through (want about 10)`);
  if (rate && rate.attempts.some((a) => a.rate > 40))
    problems.push('the rate ramp went past its bound of 40/s');
  const c = probe<ConcurrencyData>(report, 'concurrency');
  if (c?.status !== 'skipped' || !/already limited to about/.test(c.skipReason ?? ''))
    problems.push(`the concurrency ramp ran into the rate limit: ${c?.status} ${c?.summary}`);
  problems.push(
    ...words(report, [
      /^New-connection rate: new connections beyond ~(9|10|11) per second were refused/,
      sender,
    ]),
  );
  const remedies = report.diagnosis.findings[0]?.remedies.join('\n') ?? '';
  if (!/fewer than ~(9|10|11) new connections per second/.test(remedies))
    problems.push(`no rate in the remedies: ${remedies}`);
  return problems;
}

function words(report: Report, patterns: RegExp[]): string[] {
  const evidence = evidenceTexts(report);
  return patterns
    .filter((p) => !evidence.some((e) => p.test(e)))
    .map((p) => `no evidence matches ${p}: ${evidence.join(' | ')}`);
}
