import type { Origin, SettleStep } from '../../../shared/cause-info.js';
import {
  against,
  CAPTURE_STEP,
  optionStep,
  supports,
  veto,
  WEIGHT,
  type CauseHypothesis,
} from '../hypothesis.js';
import { median } from '../../../shared/number-stats.js';
import { failedAs, intermittency, seenHop, seenOrigin } from './cause-helpers.js';

/**
 * The request is cut off a fixed time after it went out, with nothing answered: the server, its worker
 * supervisor or a proxy gives up on a request that takes too long to process. Told apart from an
 * application error by the delay (seconds, not milliseconds) and by its consistency across repeats.
 */
export const requestTimeout: CauseHypothesis = {
  cause: 'request-timeout',
  judge(o) {
    switch (o.kind) {
      case 'requests': {
        const cut = failedAs(o, 'cutoff');
        const other = failedAs(o, 'quick-reset', 'transfer-reset', 'accept-reset', 'tls-reset');
        if (cut === 0) {
          if (failedAs(o, 'unanswered') > 0)
            return supports(WEIGHT.weak, `${o.text} A cut-off, if there is one, lies beyond the wait.`);
          return o.failed === 0 ? veto('Every request was answered: nothing was cut off.') : null;
        }
        const weight = o.consistent
          ? WEIGHT.strong + (o.cutoffs.length >= 3 ? WEIGHT.weak : 0)
          : WEIGHT.moderate;
        return other > 0 ? supports(weight - WEIGHT.moderate) : supports(weight);
      }
      case 'recovery':
        return o.stoppedAccepting ? against(WEIGHT.moderate) : null;
      default:
        return null;
    }
  },
  shape(all) {
    const requests = all.one('requests')!;
    // A cut-off by RST shows its sender in the reset's signals; one by FIN in the FIN's TTL.
    const fin = all.closes('request');
    const byFin = all.resets('request') === null && fin !== null && fin.origin !== 'unknown';
    const origin: Origin = byFin ? fin.origin : seenOrigin(all, 'request');
    const hop = origin === 'path' ? (byFin ? fin.hop : seenHop(all, 'request')) : null;
    const cutoff = requests.cutoffs.length ? Math.round(median(requests.cutoffs) * 10) / 10 : null;
    const settle: SettleStep[] = [];
    if (cutoff === null)
      settle.push(
        optionStep(
          'waitSeconds',
          WAIT_FOR_SLOW,
          'Common cut-offs are 30 s, 60 s and 100 s, and the one here lies beyond what was waited.',
        ),
      );
    if (!all.captured) settle.push(CAPTURE_STEP);
    const pattern = intermittency(requests);
    return {
      origin,
      phase: 'request',
      hop,
      settle,
      ...(cutoff !== null ? { cutoffSeconds: cutoff } : {}),
      ...(pattern && pattern.pattern !== 'always' ? { intermittency: pattern } : {}),
      remedies: remedies(origin, cutoff, hop),
    };
  },
};

const WAIT_FOR_SLOW = 120;

function remedies(origin: Origin, cutoff: number | null, hop: number | null): string[] {
  const t = cutoff !== null ? `${cutoff} s` : 'the wait';
  const above = cutoff !== null ? `above ${cutoff} s` : 'above the slowest request';
  // A proxy's settings are named once: where both sides are shown, the path's line points back to them.
  const proxies = `nginx \`proxy_read_timeout\` (default 60 s), HAProxy \`timeout server\`, Envoy's route \`timeout\` (default 15 s)`;
  const server = `On the server, the request timeout is one of: gunicorn \`--timeout\` (default 30 s), uWSGI \`harakiri\`, PHP-FPM \`request_terminate_timeout\`, Node.js \`server.requestTimeout\` (default 300 s) and \`server.headersTimeout\`, or a reverse proxy in front of the application (${proxies}).`;
  const path = (named: boolean) =>
    `On the path, a load balancer or proxy gives up on slow answers: AWS ALB and GCP load balancers' idle or backend timeouts (60 s and 30 s by default), Azure Load Balancer's idle timeout (4 min), ${named ? "or a proxy's settings named above" : proxies}${hop ? ` (the device at hop ${hop})` : ''}.`;
  const where = origin === 'server' ? [server] : origin === 'path' ? [path(false)] : [server, path(true)];
  return [
    `The request is cut off after ${t} without an answer: find the timer that ends it and raise it ${above}, with a margin, or make the request faster (or asynchronous: answer 202 at once and let the client poll).`,
    ...where,
    `Set the client's own timeout a little ${above} so it fails clearly rather than with a reset, and retry idempotent requests with backoff.`,
  ];
}
