import type { Phase } from '../../../shared/cause-info.js';
import { resetHopPlace } from '../../../shared/reset-words.js';
import { against, CAPTURE_STEP, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { failedAs, firstFailed, requestPhase, seenHop } from './cause-helpers.js';

const RESET_CLASSES = ['quick-reset', 'tls-reset', 'transfer-reset', 'accept-reset'] as const;

/** A firewall, IPS or middlebox (or this machine's own rules) sends the reset in the server's name. */
export const firewallReset: CauseHypothesis = {
  cause: 'firewall-reset',
  judge(o) {
    switch (o.kind) {
      case 'connect':
        return o.outcome === 'refused' || o.outcome === 'reset' || o.outcome === 'closed'
          ? supports(WEIGHT.moderate)
          : null;
      case 'resets':
        if (o.group !== 'connect' && o.group !== 'request') return null;
        if (o.origin === 'path' || o.local) return supports(WEIGHT.strong * Math.max(o.confidence, 0.5));
        return o.origin === 'server' ? against(WEIGHT.strong * o.confidence) : null;
      case 'local-rule':
        return o.effect === 'drop' ? null : supports(o.exact ? WEIGHT.strong : WEIGHT.weak);
      case 'requests': {
        const resets = failedAs(o, ...RESET_CLASSES);
        if (resets > 0) {
          // A content filter resets what matches every time; a period is a balancer's habit (one bad
          // backend in N), not a device's on the path.
          if (o.pattern === 'every-nth')
            return against(
              WEIGHT.weak,
              `${o.text} The same request fails at a fixed period: a balancer's round robin, not a filter.`,
            );
          return supports(WEIGHT.moderate);
        }
        return failedAs(o, 'cutoff') > 0
          ? against(
              WEIGHT.moderate,
              `${o.text} A filter resets the bytes it matches at once; it does not wait seconds.`,
            )
          : null;
      }
      case 'reset-hop':
        if (o.verdict === 'located' || o.verdict === 'any-data') return supports(WEIGHT.decisive);
        return o.verdict === 'server' ? against(WEIGHT.strong) : against(WEIGHT.weak);
      case 'recovery':
        return o.stoppedAccepting ? against(WEIGHT.moderate) : null;
      default:
        return null;
    }
  },
  shape(all) {
    const connect = all.one('connect');
    const requests = all.one('requests');
    const hopProbe = all.one('reset-hop');
    const rule = all.all('local-rule').find((r) => r.effect !== 'drop' && r.exact);
    const connectResets = all.resets('connect');
    const requestResets = all.resets('request');
    const onConnect =
      connect?.outcome === 'refused' || connect?.outcome === 'reset' || connect?.outcome === 'closed';
    const seen = onConnect ? connectResets : requestResets;
    const located = hopProbe && (hopProbe.verdict === 'located' || hopProbe.verdict === 'any-data');
    const local = rule !== undefined && (!seen || seen.local);
    const origin = local ? 'local' : located || seen?.origin === 'path' ? 'path' : 'unknown';
    const hop =
      origin === 'path' ? (located ? hopProbe.hop : seenHop(all, onConnect ? 'connect' : 'request')) : null;
    const phase: Phase = onConnect ? 'connect' : requestPhase(firstFailed(requests, ...RESET_CLASSES));
    const remedies: string[] = [];
    if (located && hopProbe.hop !== null)
      remedies.push(
        `The device ${resetHopPlace(hopProbe.hop, hopProbe.address, hopProbe.exact)} resets ${hopProbe.verdict === 'any-data' ? 'any data on this port' : `the ${hopProbe.trigger}`}: ask its owner to allow it (an IDS/IPS, DPI or web filter rule matching ${/ClientHello/.test(hopProbe.trigger) ? 'the SNI' : 'the request'}), or route around it (another path, a VPN).`,
      );
    // The located device's remedy already asks its owner: the general ask would say it twice.
    if (local)
      remedies.push(
        'A rule on this machine rejects the traffic (named in the evidence): change it or add an exception for the application.',
      );
    else if (remedies.length === 0)
      remedies.push(
        'Ask the owner of the device that sends the reset (the hop named) to allow this traffic; IDS/IPS and DPI rules often match on content or SNI.',
      );
    return { origin, phase, hop, settle: all.captured ? [] : [CAPTURE_STEP], remedies };
  },
};
