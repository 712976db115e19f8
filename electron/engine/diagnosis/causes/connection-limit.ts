import type { Origin } from '../../../shared/cause-info.js';
import { ordinal } from '../../../shared/common-words.js';
import { against, supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import type { ObservationOf } from '../observation-types.js';
import { failedAs, seenHop, seenOrigin } from './cause-helpers.js';

/**
 * A limit on connections held at once, or on new connections a second, is hit: the ramps find where
 * refusals begin while a single connection works, and requests sent together fail where sequential
 * ones do not.
 */
export const connectionLimit: CauseHypothesis = {
  cause: 'connection-limit',
  judge(o) {
    switch (o.kind) {
      case 'concurrency':
        if (o.limit === null) return null;
        return supports(o.confirmed ? WEIGHT.strong : WEIGHT.weak);
      case 'rate':
        if (!o.limited) return null;
        return supports(o.strong ? WEIGHT.strong : WEIGHT.weak);
      case 'resets':
        // Who refused the connections over the limit: the finding's origin, and a check for the reader.
        return o.group === 'load' ? supports(WEIGHT.hint) : null;
      case 'requests':
        if (o.pattern === 'under-concurrency') return supports(WEIGHT.moderate);
        if (failedAs(o, 'refused') > 0 && o.pattern !== 'always') return supports(WEIGHT.weak);
        // A request on its own connection that is reset every time is not a count of connections.
        return o.pattern === 'always' && failedAs(o, 'quick-reset', 'transfer-reset', 'cutoff') > 0
          ? against(WEIGHT.strong)
          : null;
      default:
        return null;
    }
  },
  shape(all) {
    const seen = seenOrigin(all, 'load');
    const origin: Origin = seen === 'path' || seen === 'server' ? seen : 'unknown';
    const hop = origin === 'path' ? seenHop(all, 'load') : null;
    const device =
      origin === 'server'
        ? 'the server'
        : origin === 'path'
          ? hop
            ? `the device at hop ${hop}`
            : 'the device on the path'
          : 'the server or a firewall in front of it';
    const c = all.one('concurrency');
    const r = all.one('rate');
    const remedies = [
      ...(c?.limit != null ? concurrencyRemedies(c, device) : []),
      ...(r?.limited ? rateRemedies(r, device) : []),
    ];
    if (remedies.length === 0)
      remedies.push(
        'Reuse connections: a connection pool with a bounded size instead of one connection per request.',
        'Raise the limit on the server or firewall (max connections, connlimit, listen backlog), or spread the load over more servers with a load balancer.',
      );
    return { origin, phase: 'connect', hop, remedies };
  },
};

function concurrencyRemedies(c: ObservationOf<'concurrency'>, device: string): string[] {
  const limit = c.limit!;
  return [
    `Cap the client's connection pool at ${limit} connections per client instance (the ${ordinal(limit + 1)} concurrent one failed); with several instances behind one address, share ${limit} between them, and queue requests instead of opening more connections.`,
    `Or raise the concurrent-connection limit on ${device} above ${limit} (max connections or worker settings, a connlimit or ct count firewall rule, the listen backlog).`,
  ];
}

function rateRemedies(r: ObservationOf<'rate'>, device: string): string[] {
  const perSecond = r.perSecond;
  // Under the rate that got through, with room to spare; else under the last clean step.
  const safe = perSecond !== null && perSecond >= 1 ? Math.floor(perSecond * 0.8) : r.cleanRate;
  return [
    safe
      ? `Open fewer than ${perSecond !== null ? `~${Math.round(perSecond)}` : r.failingRate} new connections per second (e.g. at most ${safe}/s): reuse connections through a keep-alive pool, and after a refused connection back off exponentially with jitter instead of reconnecting at once.`
      : 'Open new connections more slowly: reuse connections through a keep-alive pool, and after a refused connection back off exponentially with jitter instead of reconnecting at once.',
    `Or raise the new-connection rate limit on ${device} (SYN or connection rate limiting, e.g. nft "limit rate" or iptables hashlimit) above the clients' peak rate.`,
  ];
}
