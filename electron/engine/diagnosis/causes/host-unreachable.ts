import { supports, veto, WEIGHT, type CauseHypothesis } from '../hypothesis.js';

/** No route to the host: a router (or this machine) says "unreachable", or nothing on the path answers. */
export const hostUnreachable: CauseHypothesis = {
  cause: 'host-unreachable',
  judge(o) {
    switch (o.kind) {
      case 'unreachable':
        return supports(o.local ? WEIGHT.decisive : WEIGHT.strong);
      case 'host-silent':
        // A host that answers nothing at all may also be behind a firewall that drops everything.
        return supports(WEIGHT.moderate);
      case 'connect':
        return o.outcome === 'complete'
          ? veto('A TCP connection to the host opened: it is reachable.')
          : null;
      default:
        return null;
    }
  },
  shape(all) {
    const unreachable = all.all('unreachable');
    const local = unreachable.some((u) => u.local);
    const hop = unreachable.find((u) => u.hop !== null)?.hop ?? null;
    const silent = all.one('host-silent');
    const origin = local ? 'local' : unreachable.length > 0 ? 'path' : silent?.lastHop ? 'path' : 'unknown';
    return {
      origin,
      phase: 'route',
      hop: hop ?? (silent?.lastHop ? silent.lastHop + 1 : null),
      remedies: [
        'Check the route: the router that answers "unreachable" (or the last hop that answers) is where the path ends.',
        'Confirm the host is up and its address is right; ask the network team about routes and VPN/tunnel state.',
      ],
    };
  },
};
