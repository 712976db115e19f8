import { CAUSE_TITLES, type Finding, type MtuDirection } from './cause-info.js';
import { ordinal } from './common-words.js';

// A finding's measured figures in words, shared by the wizard, the terminal and the exported reports.

const DIRECTION_WORDS: Record<MtuDirection, string> = {
  'client-to-server': 'from this machine to the server',
  'server-to-client': 'from the server to this machine',
  both: 'both ways',
};

/**
 * A finding's measured figures beyond confidence, origin and phase, as label and plain text: the idle
 * timeout, the cut-off, how often repeated requests failed, the black hole's direction, the candidates.
 */
export function findingFigures(f: Finding): [string, string][] {
  const out: [string, string][] = [];
  if (f.idleTimeoutSeconds !== undefined) out.push(['Idle timeout', `${f.idleTimeoutSeconds} s`]);
  if (f.cutoffSeconds !== undefined) out.push(['Cut off after', `${f.cutoffSeconds} s`]);
  const i = f.intermittency;
  if (i) {
    const how =
      i.pattern === 'every-nth' && i.period
        ? `, every ${ordinal(i.period)}`
        : i.pattern === 'under-concurrency'
          ? ', only those sent together'
          : i.pattern === 'random'
            ? ', no regular pattern'
            : '';
    out.push(['Failed', `${i.failed} of ${i.total} requests${how}`]);
  }
  if (f.direction) out.push(['Large packets lost', DIRECTION_WORDS[f.direction] ?? f.direction]);
  if (f.candidates?.length)
    out.push(['Candidates', f.candidates.map((c) => `${CAUSE_TITLES[c] ?? c} (${c})`).join('; ')]);
  return out;
}
