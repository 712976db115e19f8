import { ordinal } from '../../shared/common-words.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';
import { failureWords } from '../probes/concurrency-probe.js';
import type { DiagnosisFacts } from './diagnosis-facts.js';
import type { Observation } from './observation-types.js';

const FAILED = ['refused', 'reset', 'closed'];

/** "by the server", "by hop 2 on the path": who sent the load tests' resets, when the capture saw it. */
function by(resets: ResetVerdict[]): string {
  const rst = resets.find((r) => r.origin === 'path') ?? resets.find((r) => r.origin === 'server');
  if (rst?.origin === 'server') return ' by the server';
  if (rst?.origin === 'path') return rst.hop ? ` by hop ${rst.hop} on the path` : ' by a device on the path';
  return '';
}

/** The ramps: how many connections held at once, and how many new ones a second, before refusals began. */
export function observeLoad(f: DiagnosisFacts): Observation[] {
  return [...concurrency(f), ...rate(f)];
}

function concurrency(f: DiagnosisFacts): Observation[] {
  const c = f.concurrency;
  if (!c) return [];
  const base = {
    kind: 'concurrency' as const,
    probe: 'concurrency',
    limit: c.limit,
    confirmed: c.confirmed,
    held: c.established,
    figures: { limit: c.limit, confirmed: c.confirmed, requested: c.requested, heldMs: c.heldMs },
    connections: c.connections.map((x) => x.id),
  };
  if (c.limit === null)
    return [
      { ...base, text: `Concurrency: ${c.established} of ${c.requested} parallel connections held at once.` },
    ];
  const ids = new Set([...c.connections, ...(c.retest?.connections ?? [])].map((x) => x.id));
  const resets = f.resets.filter((r) => ids.has(r.connectionId));
  const nth = ordinal(c.limit + 1);
  const ramp = c.steps.map((s) => s.target).join(', ');
  let text = `Concurrency: resets began at the ${nth} concurrent connection: ${c.limit} were held at once (the first for ${c.heldMs} ms), the ${nth} ${failureWords(c.firstFailureOutcome, by(resets))}; ramp ${ramp} of at most ${c.requested}, while a single connection works.`;
  const retest = c.retest;
  if (retest && retest.firstFailure !== null) {
    const again = retest.firstFailure === c.limit + 1 ? 'again' : `this time (${retest.established} held)`;
    text += ` Retest: from no open connection, ${retest.firstFailure - 1} held and the ${ordinal(retest.firstFailure)} failed ${again}.`;
  } else if (retest) {
    text += ` Retest: ${retest.connections.length} connections opened again from nothing were all held, so the limit is not steady (shared with other clients, or a rate limit rather than a count).`;
  }
  return [{ ...base, text }];
}

function rate(f: DiagnosisFacts): Observation[] {
  const r = f.rate;
  if (!r || r.verdict === 'unanswered') return [];
  const limited = r.verdict === 'limited' && r.failingRate !== null && r.firstFailure !== null;
  const failed = r.attempts.filter((a) => FAILED.includes(a.conversation.outcome)).length;
  const perSecond = r.acceptedPerSecond;
  const strong = limited && failed >= 2 && perSecond !== null && perSecond < r.failingRate! * 0.9;
  const base = {
    kind: 'rate' as const,
    probe: 'connection-rate',
    limited,
    perSecond,
    failingRate: r.failingRate,
    cleanRate: r.cleanRate,
    strong,
    figures: {
      failingRate: r.failingRate,
      cleanRate: r.cleanRate,
      perSecond,
      failed,
      attempts: r.attempts.length,
    },
    connections: r.attempts.map((a) => a.conversation.id),
  };
  if (!limited) {
    const stopped =
      r.verdict === 'refusing'
        ? `New-connection rate: ${failed} of ${r.attempts.length} short connections failed and none got through after the first: the server stopped accepting rather than limiting a rate.`
        : `New-connection rate: every short connection was accepted, up to ${r.steps.at(-1)?.rate ?? r.rateMax}/s.`;
    return [{ ...base, text: stopped }];
  }
  const ids = new Set(r.attempts.map((a) => a.conversation.id));
  const resets = f.resets.filter((x) => ids.has(x.connectionId));
  const how = r.firstFailureOutcome === 'refused' ? 'refused' : 'reset';
  const clean = r.cleanRate !== null ? ` (${r.cleanRate}/s passed)` : '';
  const text =
    perSecond !== null && r.after
      ? `New-connection rate: new connections beyond ~${Math.round(perSecond)} per second were ${how}${by(resets)}: at ${r.failingRate}/s${clean} the ${ordinal(r.firstFailure!)} short connection was the first ${how}, and after it ${r.after.established} of ${r.after.attempts} got through in ${r.after.windowMs} ms (${perSecond}/s), while a single connection works.`
      : `New-connection rate: at ${r.failingRate}/s${clean} ${failed} of ${r.attempts.length} short connections were ${how}${by(resets)}, while a single connection works.`;
  return [{ ...base, text }];
}
