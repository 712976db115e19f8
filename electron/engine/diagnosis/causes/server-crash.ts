import { against, supports, veto, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { failedAs, firstFailed, requestPhase } from './cause-helpers.js';

/** The server process died on the request (or restarted): new connections are refused for a while. */
export const serverCrash: CauseHypothesis = {
  cause: 'server-crash',
  judge(o) {
    switch (o.kind) {
      case 'recovery':
        if (!o.stoppedAccepting)
          return against(
            WEIGHT.strong,
            'Recovery: the server accepted a new connection right after the reset, so it did not go down.',
          );
        return supports(o.recoveredAfterMs !== null ? WEIGHT.strong + WEIGHT.weak : WEIGHT.strong);
      case 'server-log':
        return o.crashes > 0 ? supports(WEIGHT.moderate) : null;
      case 'requests':
        if (o.failed === 0) return veto('Every request was answered: nothing crashed.');
        return failedAs(o, 'refused') > 0 ? supports(WEIGHT.weak) : null;
      default:
        return null;
    }
  },
  shape(all) {
    const requests = all.one('requests');
    return {
      // Refusals after a working connection, then acceptance again: no device on a path behaves so.
      origin: 'server',
      phase: requestPhase(firstFailed(requests, 'quick-reset', 'transfer-reset', 'cutoff', 'accept-reset')),
      remedies: [
        'Find why the server process died: its logs, `journalctl -u SERVICE`, the kernel log for the OOM killer or segfaults.',
        'Run more than one instance behind a load balancer with health checks, and make clients retry idempotent requests with backoff.',
        'Add monitoring that alerts on restarts and on connection resets.',
      ],
    };
  },
};
