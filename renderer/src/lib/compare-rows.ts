import { CAUSE_TITLES, type Diagnosis, type Finding } from '../../../electron/shared/cause-info.js';
import type { HistoryRecord } from '../../../electron/shared/history-info.js';
import { optionLines } from '../../../electron/shared/run-options-info.js';
import { pathLine } from '../../../electron/shared/watch-words.js';
import { formatPercent, originWords, PHASE_WORDS } from './words.js';

/** One line of a side-by-side comparison: what it is, each run's value, and whether they differ. */
export interface CompareRow {
  label: string;
  values: [string, string];
  differ: boolean;
}

const NONE = '–';

function diagnosisOf(r: HistoryRecord): Diagnosis | null {
  return 'report' in r ? r.report.diagnosis : r.watch.diagnosis;
}

function lead(r: HistoryRecord): Finding | null {
  const d = diagnosisOf(r);
  return d ? (d.findings.find((f) => f.cause === d.verdict) ?? d.findings[0] ?? null) : null;
}

/** Each run's side of every row, as plain text (what a person compares, not the data's shapes). */
const ROWS: { label: string; value: (r: HistoryRecord) => string }[] = [
  { label: 'What', value: (r) => ('report' in r ? 'Diagnosis' : 'Watch') },
  { label: 'Target', value: (r) => r.entry.target },
  {
    label: 'Finished',
    value: (r) =>
      new Date(r.entry.finishedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }),
  },
  {
    label: 'Verdict',
    value: (r) => {
      const d = diagnosisOf(r);
      return d ? (CAUSE_TITLES[d.verdict] ?? d.verdict) : 'no verdict (too few resets caught)';
    },
  },
  {
    label: 'Who sent the reset',
    value: (r) => {
      const f = lead(r);
      if (!f) return NONE;
      return f.cause === 'healthy' ? 'no reset seen' : originWords(f.origin, f.hop ?? null);
    },
  },
  { label: 'Confidence', value: (r) => (lead(r) ? formatPercent(lead(r)!.confidence) : NONE) },
  { label: 'Phase', value: (r) => (lead(r)?.phase ? PHASE_WORDS[lead(r)!.phase!] : NONE) },
  {
    label: 'How often',
    value: (r) => {
      const i = lead(r)?.intermittency;
      if (i) return `${i.failed} of ${i.total} failed (${i.pattern}${i.period ? `, every ${i.period}` : ''})`;
      return 'watch' in r
        ? `${r.watch.counts.resets} resets of ${r.watch.counts.connections} connections`
        : NONE;
    },
  },
  {
    label: 'Packet capture',
    value: (r) =>
      ('report' in r ? r.report.environment.privileged : r.watch.seenBy === 'capture')
        ? 'yes'
        : 'no (the sender could not be seen)',
  },
  {
    label: 'Options',
    value: (r) =>
      'report' in r
        ? optionLines(r.report.options)
            .map(([label, words]) => `${label}: ${words}`)
            .join('; ')
        : NONE,
  },
  {
    label: 'Patterns',
    value: (r) =>
      'watch' in r && r.watch.patterns.length > 0 ? r.watch.patterns.map((p) => p.text).join(' ') : NONE,
  },
  { label: 'Path', value: (r) => ('watch' in r ? (pathLine(r.watch) ?? NONE) : NONE) },
  {
    label: 'Evidence',
    value: (r) =>
      lead(r)
        ?.evidence.slice(0, 3)
        .map((e) => e.text)
        .join(' ') || NONE,
  },
  { label: 'What to change', value: (r) => lead(r)?.remedies.slice(0, 2).join(' ') || NONE },
];

/** Two kept runs side by side: the rows where both say nothing are left out. */
export function compareRows(a: HistoryRecord, b: HistoryRecord): CompareRow[] {
  return ROWS.flatMap(({ label, value }) => {
    const values: [string, string] = [value(a), value(b)];
    if (values[0] === NONE && values[1] === NONE) return [];
    return [{ label, values, differ: values[0] !== values[1] }];
  });
}
