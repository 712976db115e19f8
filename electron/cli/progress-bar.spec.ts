import { describe, expect, it } from 'vitest';
import { aboutDuration, progressBar, progressLine, timeLeftMs } from './progress-bar.js';

describe('progress bar', () => {
  it('fills a cell per 5 per cent and clamps what a probe overstates', () => {
    expect(progressBar(0)).toBe(`[${'.'.repeat(20)}]  0%`);
    expect(progressBar(0.42)).toBe(`[${'#'.repeat(8)}${'.'.repeat(12)}]  42%`);
    expect(progressBar(1.3)).toBe(`[${'#'.repeat(20)}]  100%`);
  });

  it('reckons the time left at the pace so far, and gives none from too little', () => {
    // 30 s for 30 %: the other 70 % take 70 s.
    expect(timeLeftMs(30_000, 0.3)).toBeCloseTo(70_000);
    expect(timeLeftMs(500, 0.5)).toBeNull();
    expect(timeLeftMs(10_000, 0.001)).toBeNull();
    expect(timeLeftMs(10_000, 1)).toBe(0);
  });

  it('says a duration to the second under a minute, then in coarser steps', () => {
    expect(aboutDuration(40_400)).toBe('about 40 s');
    expect(aboutDuration(70_000)).toBe('about 1 m 10 s');
    expect(aboutDuration(72_000)).toBe('about 1 m 10 s');
    expect(aboutDuration(119_000)).toBe('about 2 m');
    expect(aboutDuration(3_900_000)).toBe('about 1 h 5 m');
  });

  it('puts the title, the bar and the time left on one line', () => {
    expect(progressLine('Idle timeout', 0.5, 40_000)).toBe(
      `Idle timeout  [${'#'.repeat(10)}${'.'.repeat(10)}]  50%  about 40 s left`,
    );
    expect(progressLine('Idle timeout', 0.5, 200)).not.toContain('left');
  });
});
