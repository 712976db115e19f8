/** Cells of the bar between its brackets: enough to see it move, short enough to leave room for words. */
const BAR_CELLS = 20;
/** Before this much time or progress, a time left would be a guess from too little. */
const MIN_ELAPSED_MS = 1000;
const MIN_FRACTION = 0.01;

/** `[#######.............]  35%`: how far a probe says it is. */
export function progressBar(fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const filled = Math.floor(f * BAR_CELLS);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_CELLS - filled)}]  ${Math.floor(f * 100)}%`;
}

/**
 * The time left at the pace so far: elapsed × (1 − f) / f. Null while there is too little to go on
 * (the first second, the first per cent), so a bar never opens with a wild figure.
 */
export function timeLeftMs(elapsedMs: number, fraction: number): number | null {
  if (elapsedMs < MIN_ELAPSED_MS || fraction < MIN_FRACTION) return null;
  return (elapsedMs * (1 - Math.min(1, fraction))) / fraction;
}

/** "about 40 s", "about 1 m 10 s", "about 1 h 5 m": to the second under a minute, then coarser. */
export function aboutDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `about ${seconds} s`;
  if (seconds < 3600) {
    const rounded = Math.round(seconds / 5) * 5;
    const [m, s] = [Math.floor(rounded / 60), rounded % 60];
    return s === 0 ? `about ${m} m` : `about ${m} m ${s} s`;
  }
  const minutes = Math.round(seconds / 60);
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  return m === 0 ? `about ${h} h` : `about ${h} h ${m} m`;
}

/** `Idle timeout  [####....]  42%  about 1 m 10 s left`: one probe's line on the status line. */
export function progressLine(title: string, fraction: number, elapsedMs: number): string {
  const left = timeLeftMs(elapsedMs, fraction);
  return `${title}  ${progressBar(fraction)}${left === null ? '' : `  ${aboutDuration(left)} left`}`;
}
