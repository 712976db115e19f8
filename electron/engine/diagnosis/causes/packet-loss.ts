import { against, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { failedAs } from './cause-helpers.js';

/** Below this loss, ping's count is within what a short run sees by chance. */
const LOSS_PERCENT = 5;

const MEASURE_LOSS = {
  kind: 'repeat' as const,
  text: 'Run a diagnosis while it happens: its ping and traceroute tell loss on the path from a rule that drops the packets, and show where.',
};

/** Packets are lost on the path: connections and answers time out, now and then. */
export const packetLoss: CauseHypothesis = {
  cause: 'packet-loss',
  judge(o, all) {
    const lossy = (all.one('ping')?.lossPercent ?? 0) >= LOSS_PERCENT;
    switch (o.kind) {
      case 'ping':
        if (o.lost < 2 || o.lossPercent < LOSS_PERCENT) return against(WEIGHT.weak);
        // The more is lost, the likelier loss explains the rest: a quarter lost counts as strong evidence.
        return supports(WEIGHT.moderate + Math.min(WEIGHT.moderate, o.lossPercent / 20));
      case 'connect':
        return o.outcome === 'timeout' && lossy ? supports(WEIGHT.weak) : null;
      case 'requests':
        if (lossy && failedAs(o, 'dropped', 'stalled', 'connect-timeout', 'unanswered') > 0)
          return supports(WEIGHT.weak);
        // A watch's silences with no ping beside them: loss drops packets as well as a rule does, and was
        // not measured. A diagnosis always pings; there, a host that never answers ping is another cause.
        return o.probe === 'watch' &&
          all.one('ping') === null &&
          failedAs(o, 'dropped', 'connect-timeout') > 0
          ? supports(
              WEIGHT.strong,
              `${o.text} Loss on the path was not measured (no ping): it drops packets as well as a rule does.`,
            )
          : null;
      default:
        return null;
    }
  },
  shape(all) {
    const ping = all.one('ping');
    return {
      origin: 'path',
      phase: 'route',
      hop: ping?.hop ?? null,
      settle: ping ? [] : [MEASURE_LOSS],
      remedies: [
        "Find where the loss starts (the first hop whose loss carries on to the destination) and report it to that network's owner.",
        'Use retries with backoff and sensible timeouts; check cables, Wi-Fi signal, duplex settings and congested links.',
      ],
    };
  },
};
