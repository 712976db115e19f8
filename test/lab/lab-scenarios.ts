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

const WEB = 'http://web.lab.test/';

function probe<D>(report: Report, id: string): ProbeReport<D> | undefined {
  return report.steps.flatMap((s) => s.probes).find((p) => p.id === id) as ProbeReport<D> | undefined;
}

async function web(lab: Lab): Promise<void> {
  await lab.startServer('http', { port: 80 });
}

/** nft in a router's forward path: the router is a firewall between client and server. */
async function routerRule(lab: Lab, router: number, rule: string): Promise<void> {
  await lab.nft(
    lab.names.routers[router - 1]!,
    `table inet rd_fault {\n  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ${rule}\n  }\n}\n`,
  );
}

async function localRule(lab: Lab, rule: string): Promise<void> {
  await lab.nft(
    lab.names.client,
    `table inet rd_local {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    ${rule}\n  }\n}\n`,
  );
}

export const LAB_SCENARIOS: LabScenario[] = [
  {
    id: 'healthy',
    cause: 'healthy',
    origin: 'unknown',
    what: 'an HTTP server that answers',
    async setup(lab) {
      await web(lab);
      return { target: WEB };
    },
  },
  {
    id: 'healthy-https',
    cause: 'healthy',
    origin: 'unknown',
    what: 'an HTTPS server with a self-signed certificate',
    async setup(lab) {
      await lab.startServer('http', { port: 443, tls: true });
      return { target: 'https://web.lab.test/' };
    },
    check(report) {
      type Tls = {
        conversation: {
          tls: { protocol: string; servername: string; cipher: string; certificateError: string | null };
        };
      };
      const tls = probe<Tls>(report, 'request')?.data?.conversation.tls;
      const problems: string[] = [];
      if (tls?.servername !== 'web.lab.test') problems.push(`SNI was ${tls?.servername}`);
      if (!tls?.protocol?.startsWith('TLS') || !tls.cipher)
        problems.push(`no TLS protocol/cipher: ${JSON.stringify(tls)}`);
      if (!tls?.certificateError) problems.push('the self-signed certificate was not recorded as a problem');
      if (!report.diagnosis.notes.some((n) => n.topic === 'tls-certificate'))
        problems.push('no tls-certificate note');
      return problems;
    },
  },
  {
    id: 'healthy-ipv6',
    cause: 'healthy',
    origin: 'unknown',
    what: 'the HTTP server by its IPv6 address (traceroute over IPv6)',
    async setup(lab) {
      await web(lab);
      return { target: `http://[${lab.addresses.server6}]/` };
    },
    check(report) {
      const trace = probe<{ destinationHop: number | null }>(report, 'traceroute')?.data;
      return trace?.destinationHop === 4
        ? []
        : [`IPv6 traceroute reached the server at hop ${trace?.destinationHop}`];
    },
  },
  {
    id: 'dns-failure',
    cause: 'dns-failure',
    origin: 'server',
    what: 'a name the lab DNS does not know (NXDOMAIN)',
    async setup() {
      return { target: 'http://missing.lab.test/' };
    },
  },
  {
    id: 'host-unreachable',
    cause: 'host-unreachable',
    origin: 'path',
    hop: 3,
    what: 'an address the last router has no route to (it answers ICMP unreachable)',
    async setup() {
      return { target: 'http://nohost.lab.test/' };
    },
  },
  {
    id: 'port-closed',
    cause: 'port-closed',
    origin: 'server',
    what: 'nothing listens on port 8080 of the server',
    async setup(lab) {
      await web(lab);
      return { target: 'web.lab.test:8080' };
    },
  },
  {
    id: 'firewall-drop',
    cause: 'firewall-drop',
    origin: 'path',
    what: 'router 2 silently drops SYNs to port 80',
    async setup(lab) {
      await web(lab);
      await routerRule(lab, 2, 'tcp dport 80 drop');
      return { target: WEB };
    },
  },
  {
    id: 'firewall-drop-local',
    cause: 'firewall-drop',
    origin: 'local',
    what: "the client's own nftables output chain drops traffic to the server's port 80",
    async setup(lab) {
      await web(lab);
      await localRule(lab, `ip daddr ${lab.addresses.server4} tcp dport 80 drop`);
      return { target: WEB };
    },
  },
  {
    id: 'firewall-reset',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 2,
    what: 'router 2 answers SYNs to port 80 with a forged reset',
    async setup(lab) {
      await web(lab);
      await routerRule(lab, 2, 'tcp dport 80 reject with tcp reset');
      return { target: WEB };
    },
  },
  {
    id: 'firewall-reset-local',
    cause: 'firewall-reset',
    origin: 'local',
    what: "the client's own nftables output chain rejects the server's port 80 with a reset",
    async setup(lab) {
      await web(lab);
      await localRule(lab, `ip daddr ${lab.addresses.server4} tcp dport 80 reject with tcp reset`);
      return { target: WEB };
    },
    check(report) {
      const evidence = report.diagnosis.findings[0]?.evidence.join(' ') ?? '';
      return /Local firewall: .*reject with tcp reset/.test(evidence)
        ? []
        : [`the local rule is not named: ${evidence}`];
    },
  },
  {
    id: 'server-reset',
    cause: 'server-reset',
    origin: 'server',
    what: 'the server accepts and resets at once, before any request',
    async setup(lab) {
      await lab.startServer('reset-on-accept', { port: 80 });
      return { target: WEB };
    },
  },
  {
    id: 'application-error',
    cause: 'application-error',
    origin: 'server',
    what: 'the server reads the request and resets instead of answering',
    async setup(lab) {
      await lab.startServer('reset-on-request', { port: 80 });
      return { target: WEB };
    },
  },
  {
    id: 'application-error-transfer',
    cause: 'application-error',
    origin: 'server',
    phase: 'transfer',
    what: 'the server sends the headers and 8 KB of the body, then resets',
    async setup(lab) {
      await lab.startServer('reset-mid-response', { port: 80 });
      return { target: WEB };
    },
  },
  {
    id: 'server-crash',
    cause: 'server-crash',
    origin: 'server',
    what: 'the server crashes on the request and is restarted 4 s later',
    async setup(lab) {
      await lab.startServer('crash-on-request', { port: 80, superviseSeconds: 4 });
      return { target: WEB };
    },
  },
  {
    id: 'idle-timeout',
    cause: 'idle-timeout',
    origin: 'path',
    hop: 2,
    idleSeconds: 4,
    slow: true,
    what: 'router 2 is a stateful firewall that forgets connections idle for 4 s and resets them',
    async setup(lab) {
      await web(lab);
      const r2 = lab.names.routers[1]!;
      await lab.sysctl(r2, 'net.netfilter.nf_conntrack_tcp_loose', 0);
      await routerRule(lab, 2, 'ct state invalid reject with tcp reset');
      // Set after the rule loads conntrack in the namespace, so the sysctl exists.
      await lab.sysctl(r2, 'net.netfilter.nf_conntrack_tcp_timeout_established', 4);
      return { target: WEB, args: ['--idle-max', '8'] };
    },
  },
  {
    id: 'packet-loss',
    cause: 'packet-loss',
    origin: 'path',
    what: 'router 2 drops a quarter of the ICMP and TCP it forwards (DNS is spared, to keep the test about the path)',
    async setup(lab) {
      await web(lab);
      await routerRule(lab, 2, 'meta l4proto { tcp, icmp } numgen random mod 100 < 25 drop');
      return { target: WEB };
    },
  },
  {
    id: 'mtu-blackhole',
    cause: 'mtu-blackhole',
    origin: 'path',
    what: 'link 3 has an MTU of 1280 and its routers drop ICMP "fragmentation needed"',
    async setup(lab) {
      await web(lab);
      const link = lab.links[2]!;
      for (const end of [link.left, link.right])
        await lab.exec(end.ns, 'ip', ['link', 'set', end.ifname, 'mtu', '1280']);
      for (const router of [lab.names.routers[1]!, lab.names.routers[2]!]) {
        await lab.nft(
          router,
          'table inet rd_pmtu {\n  chain output {\n    type filter hook output priority 0; policy accept;\n    icmp type destination-unreachable icmp code frag-needed drop\n  }\n}\n',
        );
      }
      return { target: 'http://web.lab.test/big' };
    },
  },
  {
    id: 'connection-limit',
    cause: 'connection-limit',
    origin: 'server',
    what: 'the server rejects (with a reset) more than 3 concurrent connections to port 80',
    async setup(lab) {
      await web(lab);
      await lab.nft(
        lab.names.server,
        'table inet rd_limit {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 80 ct count over 3 reject with tcp reset\n  }\n}\n',
      );
      return { target: WEB };
    },
  },
];
