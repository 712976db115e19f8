import { against, CAPTURE_STEP, supports, veto, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { seenOrigin } from './cause-helpers.js';

/** Nothing listens on the port: the server's kernel answers the SYN with a reset. */
export const portClosed: CauseHypothesis = {
  cause: 'port-closed',
  judge(o) {
    switch (o.kind) {
      case 'connect':
        if (o.outcome === 'refused') return supports(WEIGHT.moderate);
        return o.outcome === 'complete'
          ? veto('A TCP connection to the port opened: something listens.')
          : null;
      case 'resets':
        if (o.group !== 'connect' || o.origin === 'unknown') return null;
        return o.origin === 'server' && !o.local
          ? supports(WEIGHT.strong * o.confidence)
          : against(WEIGHT.strong * o.confidence, `${o.text} Not the server's own refusal.`);
      case 'local-rule':
        return o.effect === 'drop' ? null : against(o.exact ? WEIGHT.strong : WEIGHT.weak);
      default:
        return null;
    }
  },
  shape(all) {
    const origin = seenOrigin(all, 'connect');
    return {
      origin: origin === 'server' ? 'server' : 'unknown',
      phase: 'connect',
      settle: all.captured ? [] : [CAPTURE_STEP],
      remedies: [
        origin === 'server'
          ? 'Start the service, or point the client at the port it really listens on (`ss -ltnp` on the server).'
          : 'Check on the server whether anything listens on the port (`ss -ltnp`): if nothing does, start the service or fix the port; if something does, a firewall in between refuses the connection.',
        'If the service restarts often, add a health check and monitoring, and make clients retry with backoff.',
      ],
    };
  },
};
