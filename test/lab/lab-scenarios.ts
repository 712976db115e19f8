import { WEB, localRule, probe, routerRule, web, type LabScenario } from './lab-scenario-kit.js';
import { IDLE_SCENARIOS } from './lab-scenarios-idle.js';
import { INJECT_SCENARIOS, serverState } from './lab-scenarios-inject.js';
import { LOAD_SCENARIOS } from './lab-scenarios-load.js';
import { MTU_SCENARIOS } from './lab-scenarios-mtu.js';

export type { LabScenario, ScenarioSetup } from './lab-scenario-kit.js';

/** The backbone's scenarios, one per cause, then the forensic ones (issue 5), each group in its own file. */
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
      const evidence = report.diagnosis.findings[0]?.evidence.map((e) => e.text).join(' ') ?? '';
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
    what: 'the server reads the request and resets instead of answering (an open socket aborted)',
    async setup(lab) {
      await lab.startServer('reset-on-request', { port: 80 });
      return { target: WEB };
    },
    check: serverState('aborted', /abort/),
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
  ...IDLE_SCENARIOS,
  ...LOAD_SCENARIOS,
  ...MTU_SCENARIOS,
  ...INJECT_SCENARIOS,
];
