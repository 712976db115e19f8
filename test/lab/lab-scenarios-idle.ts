import type { IdleData } from '../../electron/engine/probes/idle-probe.js';
import type { Report } from '../../electron/shared/report-info.js';
import { WEB, probe, routerRule, web, type LabScenario } from './lab-scenario-kit.js';
import type { Lab } from './lab-topology.js';

/**
 * Router 2 as a stateful firewall that forgets connections idle for `seconds` and resets their next packet,
 * or drops it (and every one after) without a word.
 */
export async function forgetfulFirewall(
  lab: Lab,
  seconds: number,
  answer: 'reset' | 'drop' = 'reset',
): Promise<void> {
  await web(lab);
  const r2 = lab.names.routers[1]!;
  await lab.sysctl(r2, 'net.netfilter.nf_conntrack_tcp_loose', 0);
  await routerRule(
    lab,
    2,
    answer === 'reset' ? 'ct state invalid reject with tcp reset' : 'ct state invalid drop',
  );
  // Set after the rule loads conntrack in the namespace, so the sysctl exists.
  await lab.sysctl(r2, 'net.netfilter.nf_conntrack_tcp_timeout_established', seconds);
}

/** The idle probe must say who forgot (the server closes by itself; a firewall resets the next packet), and beat a one-at-a-time search. */
function idleCheck(side: 'server' | 'path') {
  return (report: Report): string[] => {
    const data = probe<IdleData>(report, 'idle-timeout')?.data;
    if (!data) return ['no idle-timeout probe data'];
    const problems: string[] = [];
    if (data.side !== side) problems.push(`idle side ${data.side}, expected ${side}`);
    if (side === 'path' && data.trials.some((t) => t.result === 'closed-by-peer'))
      problems.push(
        'a connection was closed during its idle gap, but the firewall only resets on the next packet',
      );
    if (side === 'server' && !data.trials.some((t) => t.result === 'closed-by-peer'))
      problems.push('no connection was closed by the server during its idle gap');
    if (!(data.searchSeconds < data.naive.waitSeconds))
      problems.push(
        `search ${data.searchSeconds} s, not shorter than one at a time (${data.naive.waitSeconds} s)`,
      );
    return problems;
  };
}

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
    check: idleCheck('path'),
    async setup(lab) {
      await forgetfulFirewall(lab, 4);
      return { target: WEB, args: ['--idle-max', '8'] };
    },
  },
  {
    id: 'idle-timeout-firewall-7s',
    cause: 'idle-timeout',
    origin: 'path',
    hop: 2,
    idleSeconds: 7,
    slow: true,
    what: 'router 2 is a stateful firewall that forgets connections idle for 7 s and resets them',
    check: idleCheck('path'),
    async setup(lab) {
      await forgetfulFirewall(lab, 7);
      return { target: WEB, args: ['--idle-max', '12'] };
    },
  },
  {
    id: 'idle-timeout-server-3s',
    cause: 'idle-timeout',
    origin: 'server',
    idleSeconds: 3,
    slow: true,
    what: 'the server resets connections idle for 3 s by itself',
    check: idleCheck('server'),
    async setup(lab) {
      await lab.startServer('idle-close', { port: 80, idleSeconds: 3 });
      return { target: WEB, args: ['--idle-max', '8'] };
    },
  },
  {
    id: 'idle-timeout-server-6s',
    cause: 'idle-timeout',
    origin: 'server',
    idleSeconds: 6,
    slow: true,
    what: 'the server resets connections idle for 6 s by itself',
    check: idleCheck('server'),
    async setup(lab) {
      await lab.startServer('idle-close', { port: 80, idleSeconds: 6 });
      return { target: WEB, args: ['--idle-max', '10'] };
    },
  },
];
