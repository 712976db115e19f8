import {
  WEB,
  onPathInjector,
  ordinal,
  routerRule,
  stringRule,
  web,
  type LabScenario,
} from './lab-scenario-kit.js';

/** Every HTTP/1.x request line carries it: the path device below watches all requests. */
const ANY_REQUEST = 'HTTP/1.';
const KEYWORD = 'forbidden-word';

/** The server reads the request and, C seconds later without answering, resets or closes it. */
function serverCutoff(action: 'reset' | 'close', seconds: number): LabScenario {
  return {
    id: `request-timeout-server-${action}-${seconds}s`,
    cause: 'request-timeout',
    origin: 'server',
    cutoffSeconds: seconds,
    waitSeconds: seconds,
    slow: seconds >= 2,
    what:
      action === 'reset'
        ? `the server's worker is killed ${seconds} s into a request it has not answered (gunicorn --timeout, uWSGI harakiri): RST`
        : `the server gives up on a request it has not answered after ${seconds} s and closes the connection (FIN)`,
    async setup(lab) {
      await lab.startServer(action === 'reset' ? 'cutoff-reset' : 'cutoff-close', {
        port: 80,
        cutoffSeconds: seconds,
      });
      return { target: WEB };
    },
  };
}

/**
 * The server answers only after 20 s; a proxy at router 2 cuts off a request without an answer after C s
 * with a reset forged as if from the server (sent with the router's own TTL).
 */
function pathCutoff(seconds: number): LabScenario {
  return {
    id: `request-timeout-path-${seconds}s`,
    cause: 'request-timeout',
    origin: 'path',
    hop: 2,
    cutoffSeconds: seconds,
    waitSeconds: seconds,
    slow: true,
    what: `the server answers after 20 s; a device at router 2 resets a request without an answer after ${seconds} s, as if it were the server`,
    async setup(lab) {
      await lab.startServer('http', { port: 80, delaySeconds: 20 });
      await onPathInjector(lab, ANY_REQUEST, ['--cutoff', String(seconds), '--ttl', '64']);
      return { target: WEB };
    },
  };
}

/** A slow server that does answer: nothing is wrong as long as the request waits long enough. */
function slowServer(seconds: number): LabScenario {
  return {
    id: `slow-server-${seconds}s`,
    cause: 'healthy',
    origin: 'unknown',
    waitSeconds: seconds,
    slow: true,
    what: `the server answers every request, after ${seconds} s`,
    async setup(lab) {
      await lab.startServer('http', { port: 80, delaySeconds: seconds });
      return { target: WEB };
    },
  };
}

/** One bad backend behind a balancer: every Nth request the server reads is reset, the others answered. */
function resetEveryNth(n: number): LabScenario {
  return {
    id: `reset-every-${n}`,
    cause: 'application-error',
    origin: 'server',
    intermittency: { pattern: 'every-nth', period: n },
    what: `the server resets every ${ordinal(n)} request it reads (counting all requests) and answers the others`,
    async setup(lab) {
      await lab.startServer('reset-every-nth', { port: 80, every: n });
      return { target: WEB };
    },
  };
}

/** Data carrying the request dropped silently at a router, while the SYN passes. */
function requestDrop(router: number, how: 'string' | 'length'): LabScenario {
  return {
    id: `request-drop-hop${router}`,
    cause: 'firewall-drop',
    origin: 'path',
    phase: 'request',
    what:
      how === 'string'
        ? `router ${router} silently drops packets to port 80 that carry "${KEYWORD}" (DPI), the handshake passes`
        : `router ${router} silently drops packets to port 80 longer than 100 bytes: the handshake passes, the request does not`,
    async setup(lab) {
      await web(lab);
      if (how === 'string') {
        await stringRule(lab, router, 80, KEYWORD, 'drop');
        return { target: `http://web.lab.test/${KEYWORD}` };
      }
      await routerRule(lab, router, 'tcp dport 80 meta length > 100 drop');
      return { target: WEB };
    },
  };
}

/** The request itself: cut off after a while, answered slowly, never answered, failing only sometimes, dropped. */
export const REQUEST_SCENARIOS: LabScenario[] = [
  serverCutoff('reset', 1.5),
  serverCutoff('close', 3),
  pathCutoff(2),
  pathCutoff(4),
  slowServer(3),
  slowServer(6),
  {
    id: 'silent-server-wait-3s',
    cause: 'inconclusive',
    origin: 'unknown',
    candidate: 'request-timeout',
    waitSeconds: 3,
    slow: true,
    what: 'the server acknowledges the request and never answers; the run waits 3 s: a cut-off, if any, lies beyond the wait',
    async setup(lab) {
      await lab.startServer('silent', { port: 80 });
      return { target: WEB, args: ['--wait', '3'] };
    },
  },
  resetEveryNth(2),
  resetEveryNth(3),
  resetEveryNth(5),
  {
    id: 'reset-random-30',
    cause: 'application-error',
    origin: 'server',
    intermittency: {},
    what: 'the server resets a random 30 % of the requests it reads (seeded: the same draws every run)',
    async setup(lab) {
      // Seed 20: every run of 10 draws among the first 60 holds 2 to 6 resets, so a repeated request
      // sees some fail and some pass wherever the other probes' requests leave it.
      await lab.startServer('reset-random', { port: 80, percent: 30, seed: 20 });
      return { target: WEB };
    },
  },
  requestDrop(1, 'string'),
  requestDrop(3, 'length'),
];
