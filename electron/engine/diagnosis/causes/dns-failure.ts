import { supports, WEIGHT, type CauseHypothesis } from '../hypothesis.js';

/** The name does not resolve: nothing else can be tested, and nothing else explains the failure. */
export const dnsFailure: CauseHypothesis = {
  cause: 'dns-failure',
  judge(o) {
    return o.kind === 'dns-failed' ? supports(WEIGHT.decisive) : null;
  },
  shape(all) {
    const failed = all.one('dns-failed');
    return {
      // NXDOMAIN and "no answer" come from the name's authoritative servers; a timeout or SERVFAIL may be the resolver's.
      origin: failed?.authoritative ? 'server' : 'unknown',
      phase: 'dns',
      remedies: [
        'Check the name for typos and that the record exists: `dig NAME` or `nslookup NAME` against the resolver the application uses.',
        "If the resolver fails or times out, check /etc/resolv.conf (or the OS DNS settings) and the DNS server's health.",
      ],
    };
  },
};
