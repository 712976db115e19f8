import { CAUSE_TITLES, type Diagnosis, type Origin } from './cause-info.js';
import type { Report } from './report-info.js';
import { reportPlan, type RunEvent } from './run-event-info.js';
import type { WatchResult } from './watch-info.js';

// The runs kept on this machine: each finished diagnosis' report and each watch's result, in a folder of
// the app's data directory, listed, reopened in the wizard and compared side by side.

export const HISTORY_SCHEMA = 'reset-doctor/history@1';

/** One kept run, as the list shows it. */
export interface HistoryEntry {
  /** The run's id (a UUID): reopening it draws it under the same id. */
  id: string;
  kind: 'diagnosis' | 'watch';
  /** The target as it was typed. */
  target: string;
  startedAt: string;
  finishedAt: string;
  /** The verdict's cause (null: a watch that caught too little to name one). */
  verdict: string | null;
  /** "Firewall or middlebox reset (path, hop 2, 90%)", or what a watch saw. */
  headline: string;
  confidence: number | null;
  origin: Origin | null;
  hop: number | null;
}

/** A kept diagnosis: its entry and its report. */
export interface KeptDiagnosis {
  schema: typeof HISTORY_SCHEMA;
  entry: HistoryEntry & { kind: 'diagnosis' };
  report: Report;
}

/** A kept watch: its entry and its result (its packets are not kept). */
export interface KeptWatch {
  schema: typeof HISTORY_SCHEMA;
  entry: HistoryEntry & { kind: 'watch' };
  watch: WatchResult;
}

/** One kept run, whole: the entry and what it kept. */
export type HistoryRecord = KeptDiagnosis | KeptWatch;

function verdictWords(
  d: Diagnosis | null,
): Pick<HistoryEntry, 'verdict' | 'headline' | 'confidence' | 'origin' | 'hop'> {
  const lead = d?.findings[0];
  if (!d || !lead)
    return { verdict: null, headline: 'no verdict', confidence: null, origin: null, hop: null };
  const where = [lead.origin, lead.hop !== null && lead.hop !== undefined ? `hop ${lead.hop}` : null]
    .filter((w) => w !== null && w !== 'unknown')
    .join(', ');
  const confidence = Math.round(lead.confidence * 100);
  return {
    verdict: d.verdict,
    headline: `${CAUSE_TITLES[d.verdict] ?? d.verdict} (${where ? `${where}, ` : ''}${confidence}%)`,
    confidence: lead.confidence,
    origin: lead.origin,
    hop: lead.hop ?? null,
  };
}

/** A finished diagnosis, as it is kept. */
export function reportRecord(report: Report, id: string): KeptDiagnosis {
  return {
    schema: HISTORY_SCHEMA,
    entry: {
      id,
      kind: 'diagnosis',
      target: report.target.input,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      ...verdictWords(report.diagnosis),
      ...(report.cancelled ? { headline: `${verdictWords(report.diagnosis).headline}, cancelled` } : {}),
    },
    report,
  };
}

/** A finished watch, as it is kept. */
export function watchRecord(watch: WatchResult, id: string): KeptWatch {
  const words = verdictWords(watch.diagnosis);
  const caught = `${watch.counts.resets} reset${watch.counts.resets === 1 ? '' : 's'} of ${watch.counts.connections} connections`;
  return {
    schema: HISTORY_SCHEMA,
    entry: {
      id,
      kind: 'watch',
      target: watch.target.input,
      startedAt: watch.startedAt,
      finishedAt: watch.finishedAt,
      ...words,
      headline: words.verdict === null ? caught : `${words.headline}, ${caught}`,
    },
    watch,
  };
}

/** The events that draw a kept run in the wizard as it ended (its plan from its steps, then its end). */
export function recordEvents(record: HistoryRecord): RunEvent[] {
  const runId = record.entry.id;
  if ('report' in record) {
    const plan = reportPlan(record.report);
    return [
      { type: 'run-started', runId, at: record.report.startedAt, target: record.report.target.input, plan },
      { type: 'run-finished', runId, report: record.report },
    ];
  }
  const w = record.watch;
  return [
    {
      type: 'watch-started',
      runId,
      at: w.startedAt,
      request: { target: w.target.input, forSeconds: null, until: null, everySeconds: null },
      addresses: w.target.addresses,
      seenBy: w.seenBy,
      captureNote: w.captureNote,
    },
    { type: 'watch-finished', runId, result: w, error: null },
  ];
}
