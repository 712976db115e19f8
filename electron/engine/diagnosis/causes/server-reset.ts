import type { Phase } from '../../../shared/cause-info.js';
import { against, CAPTURE_STEP, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { failedAs, firstFailed, requestPhase, seenOrigin } from './cause-helpers.js';

/**
 * The server resets the connection without reading the request: right after accepting it (TCP wrappers,
 * an accept filter, a full backlog, a proxy with no upstream), during TLS, or because its kernel no
 * longer had a socket for the connection (a restart, a worker that closed it).
 */
export const serverReset: CauseHypothesis = {
  cause: 'server-reset',
  judge(o, all) {
    switch (o.kind) {
      case 'connect':
        if (o.outcome === 'reset') return supports(WEIGHT.strong);
        return o.outcome === 'closed' ? supports(WEIGHT.moderate) : null;
      case 'resets':
        if (o.group === 'connect') {
          const accepted = all.one('connect')?.outcome;
          // A reset answering the SYN is a refusal, not a reset of an accepted connection.
          if (accepted !== 'reset' && accepted !== 'closed') return null;
          if (o.origin === 'server' && !o.local) return supports(WEIGHT.strong * o.confidence);
          return o.origin === 'path' ? against(WEIGHT.strong * o.confidence) : null;
        }
        if (o.group !== 'request') return null;
        if (o.origin === 'path' || o.local) return against(WEIGHT.strong * Math.max(o.confidence, 0.5));
        if (o.origin !== 'server') return null;
        if (o.senderState === 'no-socket')
          return supports(
            WEIGHT.strong * o.confidence,
            `${o.text} The server no longer had this connection when the request came.`,
          );
        return o.senderState === 'aborted' ? against(WEIGHT.moderate) : null;
      case 'requests': {
        const early = failedAs(o, 'accept-reset', 'tls-reset');
        if (early > 0) return supports(WEIGHT.moderate);
        return failedAs(o, 'quick-reset') > 0 ? supports(WEIGHT.weak) : null;
      }
      case 'recovery':
        return o.stoppedAccepting ? against(WEIGHT.moderate) : null;
      default:
        return null;
    }
  },
  shape(all) {
    const connect = all.one('connect');
    const onConnect = connect?.outcome === 'reset' || connect?.outcome === 'closed';
    const group = onConnect ? 'connect' : 'request';
    const origin = seenOrigin(all, group);
    const requests = all.one('requests');
    const phase: Phase = onConnect
      ? 'connect'
      : requestPhase(firstFailed(requests, 'accept-reset', 'tls-reset', 'quick-reset'));
    const noSocket = all.resets('request')?.senderState === 'no-socket';
    const remedies = noSocket
      ? [
          'The server no longer had this connection: find out why it dropped it without the close reaching the client (a restart or deploy, a worker killed, a socket closed while a proxy or firewall swallowed the FIN or RST).',
          "Make the client retry on a fresh connection when a reused one is reset before any answer (idempotent requests), and keep the client's pool idle timeout below the server's.",
        ]
      : [
          'Look at the server: TCP wrappers, an accept filter, a proxy with no healthy upstream, or a listen backlog overflow reset fresh connections.',
          "Check the server's logs at the time of the reset and its connection limits; make clients retry with backoff.",
        ];
    return {
      origin: origin === 'server' ? 'server' : 'unknown',
      phase,
      settle: all.captured ? [] : [CAPTURE_STEP],
      remedies,
    };
  },
};
