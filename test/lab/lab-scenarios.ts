import {
  WEB,
  evidenceTexts,
  localRule,
  probe,
  routerRule,
  web,
  type LabScenario,
} from './lab-scenario-kit.js';
import { IDLE_SCENARIOS } from './lab-scenarios-idle.js';
import { INJECT_SCENARIOS, serverState } from './lab-scenarios-inject.js';
import { LOAD_SCENARIOS } from './lab-scenarios-load.js';
import { MTU_SCENARIOS } from './lab-scenarios-mtu.js';
import { REQUEST_SCENARIOS } from './lab-scenarios-request.js';

export type { LabScenario, ScenarioSetup } from './lab-scenario-kit.js';

/** The web server behind a router that applies `rule` in its forward path. */
function behindRouter(router: number, rule: string, scenario: Omit<LabScenario, 'setup'>): LabScenario {
  return {
    ...scenario,
    async setup(lab) {
      await web(lab);
      await routerRule(lab, router, rule);
      return { target: WEB };
    },
  };
}

/** The backbone's scenarios, each cause at two settings or more, then the themed groups, each in its own file. */
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
    id: 'dns-refused',
    cause: 'dns-failure',
    // getaddrinfo says "SERVFAIL or timeout" for REFUSED too: the resolver, or a server behind it, failed.
    origin: 'unknown',
    what: 'a name outside the zone of the only DNS server this machine has: it answers REFUSED',
    async setup() {
      return { target: 'http://web.nowhere.test/' };
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
    id: 'host-unreachable-hop2',
    cause: 'host-unreachable',
    origin: 'path',
    hop: 2,
    what: "router 2 answers everything for the server's address with ICMP host unreachable (a host down behind it)",
    async setup(lab) {
      await web(lab);
      await routerRule(lab, 2, `ip daddr ${lab.addresses.server4} reject with icmp type host-unreachable`);
      // By address: the lab's DNS server shares the server's address.
      return { target: `http://${lab.addresses.server4}/` };
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
    id: 'port-closed-https',
    cause: 'port-closed',
    origin: 'server',
    what: 'the server serves HTTP on port 80 only: nothing listens on HTTPS port 443',
    async setup(lab) {
      await web(lab);
      return { target: 'https://web.lab.test/' };
    },
  },
  behindRouter(2, 'tcp dport 80 drop', {
    id: 'firewall-drop',
    cause: 'firewall-drop',
    origin: 'path',
    what: 'router 2 silently drops SYNs to port 80',
  }),
  behindRouter(3, 'tcp dport 80 drop', {
    id: 'firewall-drop-hop3',
    cause: 'firewall-drop',
    origin: 'path',
    // No hop: a dropped SYN gives nothing to place (TTL-limited SYNs would; not built yet).
    what: 'router 3, the last before the server, silently drops SYNs to port 80',
  }),
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
  behindRouter(2, 'tcp dport 80 reject with tcp reset', {
    id: 'firewall-reset',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 2,
    what: 'router 2 answers SYNs to port 80 with a forged reset',
  }),
  behindRouter(3, 'tcp dport 80 reject with tcp reset', {
    id: 'firewall-reset-hop3',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 3,
    what: 'router 3, the last before the server, answers SYNs to port 80 with a forged reset',
  }),
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
      const evidence = evidenceTexts(report).join(' ');
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
    id: 'server-crash-restart-2s',
    cause: 'server-crash',
    origin: 'server',
    what: 'the server crashes on the request and is restarted 2 s later',
    async setup(lab) {
      await lab.startServer('crash-on-request', { port: 80, superviseSeconds: 2 });
      return { target: WEB };
    },
  },
  behindRouter(2, 'meta l4proto { tcp, icmp } numgen random mod 100 < 25 drop', {
    id: 'packet-loss',
    cause: 'packet-loss',
    origin: 'path',
    what: 'router 2 drops a quarter of the ICMP and TCP it forwards (DNS is spared, to keep the test about the path)',
  }),
  behindRouter(3, 'meta l4proto { tcp, icmp } numgen random mod 100 < 20 drop', {
    id: 'packet-loss-20',
    cause: 'packet-loss',
    origin: 'path',
    // Each way through router 3: an echo and its reply both get through 64 % of the time, so 20 echoes
    // lose fewer than two about once in 600 runs; at 15 % it would be once in 80.
    what: 'router 3 drops 20 % of the ICMP and TCP it forwards, each way (DNS is spared)',
  }),
  ...IDLE_SCENARIOS,
  ...LOAD_SCENARIOS,
  ...MTU_SCENARIOS,
  ...INJECT_SCENARIOS,
  ...REQUEST_SCENARIOS,
];
