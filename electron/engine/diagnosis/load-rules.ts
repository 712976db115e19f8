import type { Origin } from '../../shared/cause-info.js';
import type { ConversationOutcome } from '../net/conversation-types.js';
import { failureWords } from '../probes/concurrency-probe.js';
import { ordinal } from '../probes/connection-rate-probe.js';
import { concurrencyLabel, rateLabel } from '../probes/run-conversations.js';
import { dominantOrigin, resetsOf, type DiagnosisFacts } from './diagnosis-facts.js';
import { candidate, type Candidate } from './finding-candidate.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';

const FAILED: ConversationOutcome[] = ['refused', 'reset', 'closed'];

interface LimitPart {
  evidence: string[];
  remedies: (device: string) => string[];
  confidence: number;
  /** The reset that answered the first connection over the limit, else any of the probe's. */
  rst: ResetVerdict | null;
}

/**
 * Connection limits: how many connections held at once, or opened per second, before refusals or
 * resets began, who sent them, and the pool size and rate that stay under them. `originText` words
 * a captured reset the way the other reset rules do.
 */
export function connectionLimitRule(
  f: DiagnosisFacts,
  originText: (r: ResetVerdict | null) => string,
): Candidate[] {
  const parts = [concurrencyPart(f), ratePart(f)].filter((p): p is LimitPart => p !== null);
  if (parts.length === 0) return [];
  const rst = dominantOrigin(parts.flatMap((p) => (p.rst ? [p.rst] : [])));
  const origin: Origin = rst?.origin === 'path' ? 'path' : rst?.origin === 'server' ? 'server' : 'unknown';
  const hop = origin === 'path' && rst?.hop ? rst.hop : null;
  const device = deviceWords(origin, hop);
  const evidence = parts.flatMap((p) => [...p.evidence, originText(p.rst)]);
  return [
    candidate(
      'connection-limit',
      origin,
      'connect',
      Math.max(...parts.map((p) => p.confidence)),
      [...new Set(evidence)],
      { ...(hop ? { hop } : {}), remedies: parts.flatMap((p) => p.remedies(device)) },
    ),
  ];
}

function deviceWords(origin: Origin, hop: number | null): string {
  if (origin === 'server') return 'the server';
  if (origin === 'path') return hop ? `the device at hop ${hop}` : 'the device on the path';
  return 'the server or a firewall in front of it';
}

function by(rst: ResetVerdict | null): string {
  if (rst?.origin === 'server') return ' by the server';
  if (rst?.origin === 'path') return rst.hop ? ` by hop ${rst.hop} on the path` : ' by a device on the path';
  return '';
}

function concurrencyPart(f: DiagnosisFacts): LimitPart | null {
  const c = f.concurrency;
  if (!c || c.limit === null) return null;
  const own = c.firstFailure !== null ? resetsOf(f, concurrencyLabel(c.firstFailure - 1)) : [];
  const rst = own[0] ?? dominantOrigin(resetsOf(f, /^concurrency/));
  const nth = ordinal(c.limit + 1);
  const ramp = c.steps.map((s) => s.target).join(', ');
  const evidence = [
    `Concurrency: resets began at the ${nth} concurrent connection: ${c.limit} were held at once (the first for ${c.heldMs} ms), the ${nth} ${failureWords(c.firstFailureOutcome, by(rst))}; ramp ${ramp} of at most ${c.requested}, while a single connection works.`,
  ];
  const retest = c.retest;
  if (retest && retest.firstFailure !== null) {
    const again = retest.firstFailure === c.limit + 1 ? 'again' : `this time (${retest.established} held)`;
    evidence.push(
      `Concurrency retest: from no open connection, ${retest.firstFailure - 1} held and the ${ordinal(retest.firstFailure)} failed ${again}.`,
    );
  } else if (retest) {
    evidence.push(
      `Concurrency retest: ${retest.connections.length} connections opened again from nothing were all held, so the limit is not steady (shared with other clients, or a rate limit rather than a count).`,
    );
  }
  const how = c.firstFailureOutcome === 'refused' ? 'refused' : 'reset';
  return {
    evidence,
    rst,
    confidence: c.confirmed ? 0.9 : 0.55,
    remedies: (device) => [
      `Cap the client's connection pool at ${c.limit} connections per client instance (the ${nth} concurrent one was ${how}); with several instances behind one address, share ${c.limit} between them, and queue requests instead of opening more connections.`,
      `Or raise the concurrent-connection limit on ${device} above ${c.limit} (max connections or worker settings, a connlimit or ct count firewall rule, the listen backlog).`,
    ],
  };
}

function ratePart(f: DiagnosisFacts): LimitPart | null {
  const r = f.rate;
  if (!r || r.verdict !== 'limited' || r.failingRate === null || r.firstFailure === null) return null;
  const index = r.firstFailure - 1;
  const first = r.attempts[index];
  const own = first ? resetsOf(f, rateLabel(first, index)) : [];
  const rst = own[0] ?? dominantOrigin(resetsOf(f, /^rate #/));
  const how = r.firstFailureOutcome === 'refused' ? 'refused' : 'reset';
  const failed = r.attempts.filter((a) => FAILED.includes(a.conversation.outcome)).length;
  const clean = r.cleanRate !== null ? ` (${r.cleanRate}/s passed)` : '';
  const perSecond = r.acceptedPerSecond;
  const evidence =
    perSecond !== null && r.after
      ? [
          `New-connection rate: new connections beyond ~${Math.round(perSecond)} per second were ${how}${by(rst)}: at ${r.failingRate}/s${clean} the ${ordinal(r.firstFailure)} short connection was the first ${how}, and after it ${r.after.established} of ${r.after.attempts} got through in ${r.after.windowMs} ms (${perSecond}/s), while a single connection works.`,
        ]
      : [
          `New-connection rate: at ${r.failingRate}/s${clean} ${failed} of ${r.attempts.length} short connections were ${how}${by(rst)}, while a single connection works.`,
        ];
  // Under the rate that got through, with room to spare; else under the last clean step.
  const safe = perSecond !== null && perSecond >= 1 ? Math.floor(perSecond * 0.8) : r.cleanRate;
  return {
    evidence,
    rst,
    confidence: failed >= 2 && perSecond !== null && perSecond < r.failingRate * 0.9 ? 0.85 : 0.5,
    remedies: (device) => [
      safe
        ? `Open fewer than ${perSecond !== null ? `~${Math.round(perSecond)}` : r.failingRate} new connections per second (e.g. at most ${safe}/s): reuse connections through a keep-alive pool, and after a refused connection back off exponentially with jitter instead of reconnecting at once.`
        : 'Open new connections more slowly: reuse connections through a keep-alive pool, and after a refused connection back off exponentially with jitter instead of reconnecting at once.',
      `Or raise the new-connection rate limit on ${device} (SYN or connection rate limiting, e.g. nft "limit rate" or iptables hashlimit) above the clients' peak rate.`,
    ],
  };
}
