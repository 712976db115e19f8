import type { Origin } from '../../../shared/cause-info.js';
import { against, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { failedAs } from './cause-helpers.js';

const RULES_STEP = {
  kind: 'privilege' as const,
  text: "Run with the privilege to read this machine's firewall rules (as root, or with CAP_NET_ADMIN): a rule here that drops the traffic is then named, or ruled out.",
};

const DIAGNOSIS_RULES_STEP = {
  kind: 'repeat' as const,
  text: "Run a diagnosis of the target: it reads this machine's firewall rules (with the privilege to) and names a rule here that drops the traffic, or rules one out.",
};

/**
 * A firewall silently drops the traffic: the SYN goes unanswered while the host answers ICMP, or the
 * request is never acknowledged and is retransmitted (the socket's own TCP state shows it). A request
 * the server acknowledged was not dropped: the server has it.
 */
export const firewallDrop: CauseHypothesis = {
  cause: 'firewall-drop',
  judge(o, all) {
    const lossy = (all.one('ping')?.lossPercent ?? 0) >= 5;
    switch (o.kind) {
      case 'connect':
        if (o.outcome === 'not-permitted') return supports(WEIGHT.decisive);
        if (o.outcome !== 'timeout') return null;
        return supports(o.hostAnswers ? WEIGHT.strong : WEIGHT.weak);
      case 'local-rule':
        return o.effect === 'drop' && all.one('connect')?.outcome !== 'complete'
          ? supports(o.exact ? WEIGHT.strong : WEIGHT.weak)
          : null;
      case 'ping':
        return lossy
          ? against(WEIGHT.moderate, `${o.text} Loss, not a rule, may have eaten the packets.`)
          : null;
      case 'requests':
        if (failedAs(o, 'dropped') > 0) return supports(WEIGHT.strong);
        return failedAs(o, 'unanswered') > 0
          ? against(WEIGHT.moderate, `${o.text} The server acknowledged the request: it was not dropped.`)
          : null;
      default:
        return null;
    }
  },
  shape(all) {
    const connect = all.one('connect');
    const rule = all.all('local-rule').find((r) => r.effect === 'drop');
    const onConnect = connect?.outcome === 'timeout' || connect?.outcome === 'not-permitted';
    // The path is named only once this machine's own rules were read and none drops the traffic.
    const unread = all.one('rules-unread');
    const rulesRead = unread === null;
    const origin: Origin =
      connect?.outcome === 'not-permitted' || (rule?.exact && onConnect)
        ? 'local'
        : (onConnect && !connect.hostAnswers) || !rulesRead
          ? 'unknown'
          : 'path';
    return {
      origin,
      phase: onConnect ? 'connect' : 'request',
      // A watch reads no rules at all: a diagnosis does.
      settle: rulesRead ? [] : [unread.probe === 'watch' ? DIAGNOSIS_RULES_STEP : RULES_STEP],
      remedies: [
        origin === 'local'
          ? 'A rule on this machine drops the traffic (named in the evidence): change it or add an exception for the application.'
          : 'Find the firewall rule that drops the traffic (the hop where answers stop, or the server’s own host firewall) and allow the port.',
        'Set client connect timeouts short enough (a few seconds) that a silent drop fails fast instead of hanging.',
      ],
    };
  },
};
