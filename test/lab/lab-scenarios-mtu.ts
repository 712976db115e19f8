import type { PathMtuData } from '../../electron/engine/probes/path-mtu-probe.js';
import type { Report } from '../../electron/shared/report-info.js';
import type { Lab } from './lab-topology.js';
import { evidenceTexts, probe, web, type LabScenario } from './lab-scenario-kit.js';

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

/**
 * The routers at both ends of link k drop ICMP "fragmentation needed" (and ICMPv6 packet too big): towards
 * everyone, or only towards the server.
 */
async function dropFragNeeded(lab: Lab, link: number, towards: 'everyone' | 'server'): Promise<void> {
  const { left, right } = lab.links[link - 1]!;
  const v4 = towards === 'server' ? `ip daddr ${lab.addresses.server4} ` : '';
  const v6 = towards === 'server' ? `ip6 daddr ${lab.addresses.server6} ` : '';
  for (const router of [left.ns, right.ns]) {
    await lab.nft(
      router,
      `table inet rd_pmtu {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ${v4}icmp type destination-unreachable icmp code frag-needed drop\n    ${v6}icmpv6 type packet-too-big drop\n  }\n}\n`,
    );
  }
}

/** Link k has a narrower MTU and its routers drop "fragmentation needed" both ways: the client learns nothing. */
function blackhole(link: number, mtu: number, id = `mtu-blackhole-link${link}-${mtu}`): LabScenario {
  return {
    id,
    cause: 'mtu-blackhole',
    origin: 'path',
    // The first hop the large packets do not reach: router k, past the narrow link k.
    hop: link,
    direction: 'both',
    what: `link ${link} has an MTU of ${mtu} and its routers drop ICMP "fragmentation needed"`,
    async setup(lab) {
      await web(lab);
      await narrowLink(lab, link, mtu);
      await dropFragNeeded(lab, link, 'everyone');
      return { target: 'http://web.lab.test/big' };
    },
    check(report, lab) {
      const problems = expectLimit(report, lab, { verdict: 'blackhole', mtu, link, evidence: 'silence' });
      const top = report.diagnosis.findings[0];
      const evidence = evidenceTexts(report).join('\n');
      const passing = `${mtu.toLocaleString('en-US')}-byte ones reach hop ${link}`;
      const limit = new RegExp(
        `${(mtu + 1).toLocaleString('en-US')}-byte echoes .*past hop ${link - 1} nothing, while ${passing}`,
      );
      if (!limit.test(evidence)) problems.push(`the evidence does not place the limit: ${evidence}`);
      if (!/Request: .*(stalled after|not one byte)/.test(evidence))
        problems.push(`the evidence does not tie the stalled request to it: ${evidence}`);
      if (!top?.remedies.some((r) => r.includes(`--set-mss ${mtu - 40}`)))
        problems.push(`no MSS clamp to ${mtu - 40} in the remedies: ${top?.remedies.join(' | ')}`);
      return problems;
    },
  };
}

/**
 * Link k is narrower and its routers drop "fragmentation needed" only towards the server: this machine's
 * DF probes learn the path MTU, the server never does, and its full-size segments vanish.
 */
function serverToClientBlackhole(link: number, mtu: number): LabScenario {
  return {
    id: `mtu-blackhole-to-client-link${link}-${mtu}`,
    cause: 'mtu-blackhole',
    origin: 'path',
    direction: 'server-to-client',
    what: `link ${link} has an MTU of ${mtu}; its routers tell the client but not the server ("fragmentation needed" towards the server dropped)`,
    async setup(lab) {
      await web(lab);
      await narrowLink(lab, link, mtu);
      await dropFragNeeded(lab, link, 'server');
      return { target: 'http://web.lab.test/big' };
    },
    // The client-to-server direction works: a router announced the MTU to this machine's DF probes.
    check: (report, lab) =>
      expectLimit(report, lab, { verdict: 'pmtud-works', mtu, link, evidence: 'frag-needed' }),
  };
}

/** Path MTU: where large packets stop while small ones pass, in which direction. */
export const MTU_SCENARIOS: LabScenario[] = [
  blackhole(3, 1280, 'mtu-blackhole'),
  blackhole(2, 1400),
  serverToClientBlackhole(3, 1280),
  serverToClientBlackhole(2, 1400),
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
