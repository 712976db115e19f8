import type { ResetOriginData } from '../../electron/engine/probes/reset-origin-probe.js';
import type { ResetHopData } from '../../electron/engine/probes/reset-hop-probe.js';
import type { Report } from '../../electron/shared/report-info.js';
import {
  evidenceTexts,
  onPathInjector,
  probe,
  stringRule,
  web,
  type LabScenario,
} from './lab-scenario-kit.js';

const KEYWORD = 'forbidden-word';

/** The request's reset, judged on more than its TTL: these signals must have voted path. */
function votedPath(names: string[]) {
  return (report: Report): string[] => {
    const resets = probe<ResetOriginData>(report, 'reset-origin')?.data?.resets ?? [];
    const request = resets.find((r) => r.role === 'request');
    if (!request) return ['no reset of the request was judged'];
    const votes = new Map(request.signals.map((x) => [x.name, x.vote]));
    const problems = names
      .filter((n) => votes.get(n as never) !== 'path')
      .map((n) => `signal ${n} voted ${votes.get(n as never)}: ${JSON.stringify(request.signals)}`);
    if (request.origin !== 'path') problems.push(`the request's reset was judged ${request.origin}`);
    return problems;
  };
}

/** The reset-hop probe must have placed the device at the expected hop, with a clean control. */
function located(hop: number, trigger: ResetHopData['trigger']) {
  return (report: Report): string[] => {
    const data = probe<ResetHopData>(report, 'reset-hop')?.data;
    if (!data) return [`no reset-hop data: ${JSON.stringify(probe(report, 'reset-hop'))}`];
    const problems: string[] = [];
    if (data.trigger !== trigger) problems.push(`replayed ${data.trigger}, not ${trigger}`);
    if (data.verdict !== 'located') problems.push(`reset-hop verdict ${data.verdict}: ${data.reason}`);
    if (data.hop !== hop) problems.push(`reset-hop placed it at hop ${data.hop}: ${data.reason}`);
    if (data.controlOutcome === 'reset') problems.push('the harmless control was reset too');
    const evidence = evidenceTexts(report).join(' ');
    if (!evidence.includes('Replayed the')) problems.push(`the replay is not in the evidence: ${evidence}`);
    return problems;
  };
}

function httpInjector(router: number): LabScenario {
  return {
    id: `inject-http-hop${router}`,
    cause: 'firewall-reset',
    origin: 'path',
    hop: router,
    phase: 'request',
    what: `router ${router} resets HTTP requests that contain "${KEYWORD}" (DPI in its forward path)`,
    async setup(lab) {
      await web(lab);
      await stringRule(lab, router, 80, KEYWORD, 'reset');
      return { target: `http://web.lab.test/${KEYWORD}` };
    },
    check: located(router, 'http-request'),
  };
}

/** The server's reset of the request, and the state its flags show (open socket aborted, or none). */
export function serverState(state: 'aborted' | 'no-socket', words: RegExp) {
  return (report: Report): string[] => {
    const resets = probe<ResetOriginData>(report, 'reset-origin')?.data?.resets ?? [];
    const request = resets.find((r) => r.role === 'request');
    const problems: string[] = [];
    if (request?.senderState !== state)
      problems.push(`request reset sender state ${request?.senderState}, expected ${state}`);
    const evidence = evidenceTexts(report).join(' ');
    if (!words.test(evidence)) problems.push(`evidence does not say ${words}: ${evidence}`);
    return problems;
  };
}

/** Resets forged on the path, and resets from the server with and without a socket. */
export const INJECT_SCENARIOS: LabScenario[] = [
  httpInjector(1),
  httpInjector(2),
  httpInjector(3),
  {
    id: 'inject-sni',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 2,
    phase: 'tls',
    what: 'router 2 resets TLS connections whose ClientHello names blocked.lab.test (SNI filtering)',
    async setup(lab) {
      await lab.startServer('http', { port: 443, tls: true });
      await stringRule(lab, 2, 443, 'blocked.lab.test', 'reset');
      return { target: 'https://blocked.lab.test/' };
    },
    check: located(2, 'tls-client-hello'),
  },
  {
    id: 'inject-http-ipv6',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 2,
    phase: 'request',
    what: `router 2 resets IPv6 HTTP requests containing "${KEYWORD}" (no hop limit is captured: the replay places it)`,
    async setup(lab) {
      await web(lab);
      await stringRule(lab, 2, 80, KEYWORD, 'reset', 6);
      return { target: `http://[${lab.addresses.server6}]/${KEYWORD}` };
    },
    check: located(2, 'http-request'),
  },
  {
    id: 'server-reset-no-socket',
    cause: 'server-reset',
    origin: 'server',
    phase: 'request',
    what: 'the server forgot the connection (its abort never arrived): its kernel resets the request, as after a restart',
    async setup(lab) {
      await lab.startServer('reset-on-accept', { port: 80 });
      // The application's abort (RST+ACK) is dropped, so the client believes the connection is still open.
      // Each connection's first data segment is dropped too: the server may not have aborted yet when the
      // request arrives, but it has by the retransmission, which its kernel answers with a bare RST.
      await lab.nft(
        lab.names.server,
        [
          'table inet rd_forget {',
          '  set retransmit { type inet_service; flags dynamic,timeout; timeout 30s; }',
          '  chain input {',
          '    type filter hook input priority 0; policy accept;',
          '    tcp dport 80 ip length > 60 tcp sport != @retransmit add @retransmit { tcp sport } drop',
          '  }',
          '  chain output {',
          '    type filter hook output priority 0; policy accept;',
          '    tcp sport 80 tcp flags & (rst | ack) == (rst | ack) drop',
          '  }',
          '}',
          '',
        ].join('\n'),
      );
      return { target: 'http://web.lab.test/' };
    },
    check: serverState('no-socket', /no socket/),
  },
  {
    id: 'inject-race',
    cause: 'firewall-reset',
    origin: 'path',
    hop: 2,
    phase: 'request',
    what: 'a watcher at router 2 forges a burst of three resets on a keyword and lets the request through: the server answers 50 ms later',
    async setup(lab) {
      await web(lab);
      await onPathInjector(lab, KEYWORD, ['--ttl', '64']);
      return { target: `http://web.lab.test/slow?ms=50&${KEYWORD}` };
    },
    check: (report) => [
      ...votedPath(['ttl', 'burst', 'after'])(report),
      ...located(2, 'http-request')(report),
    ],
  },
  {
    id: 'inject-forged-ttl',
    cause: 'firewall-reset',
    origin: 'path',
    phase: 'request',
    what: "the same watcher forges the server's TTL: the burst and the server's late answer still give it away",
    async setup(lab) {
      await web(lab);
      // 62 leaves router 2 and arrives as 61, the TTL of the server's own packets.
      await onPathInjector(lab, KEYWORD, ['--ttl', '62']);
      return { target: `http://web.lab.test/slow?ms=50&${KEYWORD}` };
    },
    check(report) {
      const data = probe<ResetHopData>(report, 'reset-hop')?.data;
      const problems = votedPath(['burst', 'after'])(report);
      if (!data?.reason.includes('between hop 1 (198.18.1.1) and hop 2'))
        problems.push(`the replay did not place it after hop 1: ${data?.reason}`);
      return problems;
    },
  },
];
