import { WEB, routerRule, web, type LabScenario } from './lab-scenario-kit.js';

/** Idle timeouts: who forgets an idle connection, and after how long. */
export const IDLE_SCENARIOS: LabScenario[] = [
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
];
