import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { IdleSearchInfo } from '../../../electron/shared/probe-data-info.js';
import { decodeIdleSearch, decodeRateRamp } from '../../../electron/shared/wait-data-decode.js';
import { roundRows, secondTicks } from '../lib/idle-chart-layout.js';
import IdleSearchChart from './IdleSearchChart.svelte';
import RateRampChart from './RateRampChart.svelte';

const trial = (
  round: number,
  gapSeconds: number,
  result: string,
  closedAfterSeconds: number | null = null,
) => ({
  round,
  gapSeconds,
  result,
  closedAfterSeconds,
  idleSeconds: gapSeconds,
  conversation: { id: 'c1' },
});

/** A middlebox that forgets connections idle 7 s: round 1 brackets it in 5.6–8 s, round 2 in 6.8–7.2 s. */
const IDLE = {
  maxSeconds: 10,
  trials: [
    trial(1, 4, 'survived'),
    trial(1, 5.6, 'survived'),
    trial(1, 8, 'reset-on-send'),
    trial(1, 10, 'stopped'),
    trial(2, 6.2, 'survived'),
    trial(2, 6.8, 'survived'),
    trial(2, 7.2, 'reset-on-send'),
    trial(2, 7.6, 'stopped'),
  ],
  rounds: [],
  lowerSeconds: 6.8,
  upperSeconds: 7.2,
  idleTimeoutSeconds: 7,
  precisionSeconds: 0.2,
  side: 'path',
};

describe('the idle search picture', () => {
  it('narrows the bracket round by round, from every trial so far', () => {
    const search = decodeIdleSearch(IDLE)!;
    expect(roundRows(search).map((r) => [r.round, r.lower, r.upper])).toEqual([
      [1, 5.6, 8],
      [2, 6.8, 7.2],
    ]);
    expect(secondTicks(10.4)).toEqual([0, 2, 4, 6, 8, 10]);
  });

  it('draws the stopped connections grey, not as failures, and says so in words', () => {
    const { container } = render(IdleSearchChart, { props: { search: decodeIdleSearch(IDLE)! } });
    expect(container.querySelectorAll('path.ended')).toHaveLength(2);
    expect(container.querySelectorAll('circle.answered')).toHaveLength(4);
    expect(container.querySelectorAll('circle.stopped')).toHaveLength(2);
    const widths = [...container.querySelectorAll('rect.bracket')].map((r) =>
      Number(r.getAttribute('width')),
    );
    expect(widths).toHaveLength(2);
    expect(widths[1]).toBeLessThan(widths[0]!);
    const label = screen.getByRole('img').getAttribute('aria-label')!;
    expect(label).toContain(
      'Round 2: 6.2 s answered, 6.8 s answered, 7.2 s ended, 7.6 s stopped; the timeout lies between 6.8 s and 7.2 s',
    );
    expect(label).toContain('Estimate: 7 s ± 0.2 s.');
    const rows = [...container.querySelectorAll('tbody tr')].map((r) => r.textContent);
    expect(rows[3]).toContain('not needed');
  });

  it('puts a server close at the idle time it came, and reads nothing from a hostile shape', () => {
    const closes = { ...IDLE, trials: [trial(1, 10, 'closed-by-peer', 5.1), trial(1, 3, 'survived')] };
    expect(roundRows(decodeIdleSearch(closes)!)).toMatchObject([{ lower: 3, upper: 5.1 }]);
    expect(
      decodeIdleSearch({ ...IDLE, trials: [{ round: 1, gapSeconds: '7', result: 'survived' }] }),
    ).toBeNull();
    expect(decodeIdleSearch({ ...IDLE, maxSeconds: -1 })).toBeNull();
    expect(decodeIdleSearch(null)).toBeNull();
  });
});

describe('the rate ramp picture', () => {
  const RAMP = {
    verdict: 'limited',
    rateMax: 40,
    failingRate: 40,
    steps: [
      { rate: 20, attempts: 10, established: 10, refused: 0, reset: 0, timedOut: 0 },
      { rate: 40, attempts: 20, established: 12, refused: 8, reset: 0, timedOut: 0 },
    ],
  };

  it('stacks what each rate met and marks the first rate that turned one away', () => {
    const { container } = render(RateRampChart, { props: { ramp: decodeRateRamp(RAMP)! } });
    expect([...container.querySelectorAll('text.count')].map((t) => t.textContent)).toEqual([
      '10/10',
      '12/20',
    ]);
    expect(container.querySelectorAll('rect.refused')).toHaveLength(1);
    expect(container.querySelector('text.first')?.textContent).toContain('first turned away');
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain(
      '40 new connections per second: 12 of 20 accepted, 8 refused',
    );
  });

  it('reads nothing from steps of the wrong shape', () => {
    expect(decodeRateRamp({ ...RAMP, steps: [{ rate: 20, attempts: -1 }] })).toBeNull();
    expect(decodeRateRamp({ steps: 'many' })).toBeNull();
  });
});

// The idle probe's data (engine) is the shared shape plus what the picture ignores.
const _shape: IdleSearchInfo = decodeIdleSearch(IDLE)!;
void _shape;
