import type { SettleStep } from '../../../shared/cause-info.js';
import {
  against,
  CAPTURE_STEP,
  optionStep,
  supports,
  veto,
  WEIGHT,
  type CauseHypothesis,
} from '../hypothesis.js';
import { failedAs, firstFailed, intermittency, requestPhase, seenOrigin } from './cause-helpers.js';

const LOG_STEP = optionStep(
  'logFile',
  null,
  "The server's log: a reset, an exception or a killed worker at the time of the run names the handler.",
);

/** The server application aborts the connection in answer to the request (or half-way through its answer). */
export const applicationError: CauseHypothesis = {
  cause: 'application-error',
  judge(o) {
    switch (o.kind) {
      case 'connect':
        return o.outcome === 'reset' || o.outcome === 'closed'
          ? veto(
              'The bare connection was reset before any request went out: the request is not what triggers it.',
            )
          : null;
      case 'requests': {
        const answered = failedAs(o, 'quick-reset', 'transfer-reset');
        if (answered > 0) return supports(WEIGHT.moderate);
        if (o.consistent)
          return against(
            WEIGHT.strong,
            `${o.text} A handler that fails does so at once; a cut-off at the same time every time is a timer.`,
          );
        if (failedAs(o, 'cutoff') > 0) return against(WEIGHT.weak);
        return failedAs(o, 'http-error') > 0 ? supports(WEIGHT.weak) : null;
      }
      case 'resets':
        if (o.group !== 'request') return null;
        if (o.origin === 'path' || o.local) return against(WEIGHT.strong * Math.max(o.confidence, 0.5));
        if (o.origin !== 'server') return null;
        if (o.senderState === 'no-socket')
          return against(
            WEIGHT.moderate,
            `${o.text} Its kernel had no socket left: the application had not read the request.`,
          );
        return supports(WEIGHT.strong * o.confidence + (o.senderState === 'aborted' ? WEIGHT.weak : 0));
      case 'recovery':
        return o.stoppedAccepting ? against(WEIGHT.strong) : supports(WEIGHT.hint);
      default:
        return null;
    }
  },
  shape(all) {
    const requests = all.one('requests');
    const origin = seenOrigin(all, 'request');
    const pattern = intermittency(requests);
    const settle: SettleStep[] = [];
    if (!all.captured) settle.push(CAPTURE_STEP);
    if (!all.one('server-log')) settle.push(LOG_STEP);
    const remedies = [
      "Read the server application's logs at the time of the reset: the request is what makes it abort the connection.",
      'Fix the handler that fails (an exception that aborts the socket, a request-size limit, a protocol mismatch); add monitoring and alerts on resets.',
    ];
    if (pattern?.pattern === 'every-nth')
      remedies.unshift(
        `Every ${pattern.period === 2 ? 'second' : `${pattern.period}th`} request fails: behind a load balancer with ${pattern.period} backends, one of them is broken. Take it out of the pool (or fix its health check so the balancer does), and find what differs on it.`,
      );
    else if (pattern && pattern.pattern !== 'always')
      remedies.push(
        'The failures are intermittent: make the client retry idempotent requests with backoff and jitter while the cause is found.',
      );
    return {
      origin: origin === 'server' ? 'server' : 'unknown',
      phase: requestPhase(firstFailed(requests, 'quick-reset', 'transfer-reset', 'http-error')),
      settle,
      remedies,
      ...(pattern ? { intermittency: pattern } : {}),
    };
  },
};
