import type { IdleResult, IdleSearchInfo, IdleTrialInfo } from '../../../electron/shared/probe-data-info.js';

// The idle search's picture: one row per round, each connection at the gap it waited, and after each
// round the bracket the timeout is known to lie in, narrowing row by row. Pure, so the brackets can be
// checked without a browser.

export type TrialMark = 'answered' | 'ended' | 'unknown' | 'stopped';

/** What a trial's mark says: answered after its gap, ended by the gap, told nothing, or not needed. */
export const TRIAL_MARK: Record<IdleResult, TrialMark> = {
  survived: 'answered',
  'closed-by-peer': 'ended',
  'reset-on-send': 'ended',
  'no-answer': 'ended',
  failed: 'unknown',
  stopped: 'stopped',
};

export const IDLE_RESULT_WORDS: Record<IdleResult, string> = {
  survived: 'answered after the gap',
  'closed-by-peer': 'closed by the server during the gap',
  'reset-on-send': 'reset when the request was sent after the gap',
  'no-answer': 'no answer after the gap',
  failed: 'could not be tested (the connection did not open)',
  stopped: 'not needed (a shorter gap had already failed), closed by Reset Doctor',
};

/** Where a trial sits on the idle axis: the server's close when it closed, else the gap it waited. */
export function trialSeconds(t: IdleTrialInfo): number {
  return t.result === 'closed-by-peer' && t.closedAfterSeconds !== null ? t.closedAfterSeconds : t.gapSeconds;
}

export interface RoundRow {
  round: number;
  trials: IdleTrialInfo[];
  /** Where the timeout lies after this round, from every trial so far: [longest answered, shortest ended]. */
  lower: number | null;
  upper: number | null;
}

/** The rounds in order, each with the bracket known once it ended. */
export function roundRows(search: IdleSearchInfo): RoundRow[] {
  const rounds = [...new Set(search.trials.map((t) => t.round))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const sofar = search.trials.filter((t) => t.round <= round);
    const ends = sofar.filter((t) => TRIAL_MARK[t.result] === 'ended').map(trialSeconds);
    const upper = ends.length > 0 ? Math.min(...ends) : null;
    const answered = sofar
      .filter((t) => t.result === 'survived' && (upper === null || t.gapSeconds < upper))
      .map((t) => t.gapSeconds);
    return {
      round,
      trials: search.trials.filter((t) => t.round === round),
      lower: answered.length > 0 ? Math.max(...answered) : null,
      upper,
    };
  });
}

/** Ticks for an axis from 0 to `max` seconds: about five, at 1, 2 or 5 × a power of ten. */
export function secondTicks(max: number): number[] {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10]
    .map((m) => m * power)
    .reduce((best, s) => (Math.abs(max / s - 5) < Math.abs(max / best - 5) ? s : best));
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) ticks.push(Number(t.toFixed(6)));
  return ticks;
}
