import type { PathMtuData } from '../../electron/engine/probes/path-mtu-probe.js';
import type { Report } from '../../electron/shared/report-info.js';
import type { Lab } from './lab-topology.js';
import { probe, web, type LabScenario } from './lab-scenario-kit.js';

/** Link k joins node k-1 and node k (client, r1, r2, r3, server): traceroute calls r1 hop 1. */
async function narrowLink(lab: Lab, link: number, mtu: number): Promise<void> {
  const { left, right } = lab.links[link - 1]!;
  for (const end of [left, right])
    await lab.exec(end.ns, 'ip', ['link', 'set', end.ifname, 'mtu', String(mtu)]);
}

/** What the path MTU probe must have measured and placed: each returned string is a problem. */
function expectLimit(
  report: Report,
  lab: Lab,
  want: { verdict: PathMtuData['verdict']; mtu: number; link: number; evidence: 'silence' | 'frag-needed' },
): string[] {
  const data = probe<PathMtuData>(report, 'path-mtu')?.data;
  if (!data) return ['the path-mtu probe has no data'];
  const problems: string[] = [];
  if (data.verdict !== want.verdict) problems.push(`path-mtu verdict ${data.verdict}, not ${want.verdict}`);
  if (data.pathMtu !== want.mtu || !data.exact)
    problems.push(
      `path MTU ${data.pathMtu} (exact: ${data.exact}, ${data.largestPassing}..${data.smallestFailing}), not ${want.mtu}`,
    );
  // Link k lies between hop k-1 and hop k; the router at hop k-1 is r(k-1), whose client-side address
  // is what traceroute and the sweep see.
  const l = data.location;
  const expected = {
    afterHop: want.link - 1,
    beforeHop: want.link,
    address: lab.addresses.routers4[want.link - 2] ?? null,
    evidence: want.evidence,
    exact: true,
  };
  const got = l && {
    afterHop: l.afterHop,
    beforeHop: l.beforeHop,
    address: l.address,
    evidence: l.evidence,
    exact: l.exact,
  };
  if (JSON.stringify(got) !== JSON.stringify(expected))
    problems.push(
      `located ${JSON.stringify(got)}, not ${JSON.stringify(expected)}; hops ${JSON.stringify(data.hops)}`,
    );
  return problems;
}

/** Path MTU: where large packets stop while small ones pass. */
export const MTU_SCENARIOS: LabScenario[] = [
  {
    id: 'mtu-blackhole',
    cause: 'mtu-blackhole',
    origin: 'path',
    // The first hop the large packets do not reach: r3, past the narrow link 3.
    hop: 3,
    what: 'link 3 has an MTU of 1280 and its routers drop ICMP "fragmentation needed"',
    async setup(lab) {
      await web(lab);
      await narrowLink(lab, 3, 1280);
      for (const router of [lab.names.routers[1]!, lab.names.routers[2]!]) {
        await lab.nft(
          router,
          'table inet rd_pmtu {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    icmp type destination-unreachable icmp code frag-needed drop\n  }\n}\n',
        );
      }
      return { target: 'http://web.lab.test/big' };
    },
    check(report, lab) {
      const problems = expectLimit(report, lab, {
        verdict: 'blackhole',
        mtu: 1280,
        link: 3,
        evidence: 'silence',
      });
      const top = report.diagnosis.findings[0];
      const evidence = top?.evidence.map((e) => e.text).join('\n') ?? '';
      if (!/1,281-byte echoes .*past hop 2 nothing, while 1,280-byte ones reach hop 3/.test(evidence))
        problems.push(`the evidence does not place the limit: ${evidence}`);
      if (!/Request: .*(stalled after|not one byte)/.test(evidence))
        problems.push(`the evidence does not tie the stalled request to it: ${evidence}`);
      if (!top?.remedies.some((r) => r.includes('--set-mss 1240')))
        problems.push(`no MSS clamp to 1240 in the remedies: ${top?.remedies.join(' | ')}`);
      return problems;
    },
  },
  {
    id: 'mtu-fragmentation-needed',
    cause: 'healthy',
    origin: 'unknown',
    what: 'link 2 has an MTU of 1400 and its routers say "fragmentation needed": path MTU discovery works',
    async setup(lab) {
      await web(lab);
      await narrowLink(lab, 2, 1400);
      return { target: 'http://web.lab.test/big' };
    },
    check(report, lab) {
      const problems = expectLimit(report, lab, {
        verdict: 'pmtud-works',
        mtu: 1400,
        link: 2,
        evidence: 'frag-needed',
      });
      if (report.diagnosis.findings.some((f) => f.cause === 'mtu-blackhole'))
        problems.push('an mtu-blackhole finding although a router announced the MTU');
      const request = probe<{ conversation: { outcome: string; bytesReceived: number } }>(report, 'request');
      if (request?.data?.conversation.outcome !== 'complete')
        problems.push(`the large response did not arrive: ${request?.summary}`);
      return problems;
    },
  },
];
