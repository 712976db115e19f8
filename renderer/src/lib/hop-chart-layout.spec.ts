import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HopRead } from '../../../electron/shared/probe-data-decode.js';
import { CHAR_PX, SLOT, hopChartLayout } from './hop-chart-layout.js';

/** A mark's box on the x axis, from its anchor and estimated width. */
function span(mark: { x: number; text: string; anchor: 'start' | 'middle' | 'end' }): [number, number] {
  const w = mark.text.length * CHAR_PX;
  const from = mark.anchor === 'start' ? mark.x : mark.anchor === 'end' ? mark.x - w : mark.x - w / 2;
  return [from, from + w];
}

const hop = fc.record({
  address: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: null }),
  rttMs: fc.option(fc.double({ min: 0.01, max: 500, noNaN: true }), { nil: null }),
  lossPercent: fc.constantFrom(0, 0, 33.3, 100),
});
const hops = fc
  .array(hop, { minLength: 1, maxLength: 30 })
  .map((list): HopRead[] => list.map((h, i) => ({ ttl: i + 1, ...h })));

describe('hopChartLayout', () => {
  it('keeps the marks inside the picture, above every bar and its figure, and apart from each other', () => {
    fc.assert(
      fc.property(hops, fc.nat(31), fc.nat(31), (list, blamed, reset) => {
        const layout = hopChartLayout(list, blamed || null, reset || null);
        const highestFigure = Math.min(...layout.bars.map((b) => layout.base - b.h - 6 - 11));
        for (const mark of layout.marks) {
          const [from, to] = span(mark);
          expect(from).toBeGreaterThanOrEqual(0);
          expect(to).toBeLessThanOrEqual(layout.width);
          expect(mark.y).toBeLessThan(highestFigure);
        }
        const ys = layout.marks.map((m) => m.y);
        expect(new Set(ys).size).toBe(ys.length);
      }),
    );
  });

  it('writes every answering hop’s address under its bar, inside the picture', () => {
    fc.assert(
      fc.property(hops, (list) => {
        const layout = hopChartLayout(list, null, null);
        expect(layout.addresses).toHaveLength(list.filter((h) => h.address).length);
        for (const a of layout.addresses) {
          const reach = a.text.length * CHAR_PX;
          const rad = (a.deg * Math.PI) / 180;
          expect(a.x + reach * Math.cos(rad)).toBeLessThanOrEqual(layout.width + SLOT / 2);
          expect(a.y + reach * Math.sin(rad)).toBeLessThanOrEqual(layout.height);
        }
      }),
    );
  });

  it('says "blamed, resets here" once when the diagnosis and the replay name the same hop', () => {
    const list: HopRead[] = [1, 2, 3].map((ttl) => ({
      ttl,
      address: `10.0.${ttl}.1`,
      rttMs: ttl,
      lossPercent: 0,
    }));
    expect(hopChartLayout(list, 1, 1).marks.map((m) => [m.text, m.anchor])).toEqual([
      ['▼ blamed, resets here', 'start'],
    ]);
    expect(hopChartLayout(list, 2, 3).marks.map((m) => m.text)).toEqual(['▼ blamed', '▼ resets here']);
    // Near the right edge the words run leftwards, the ▼ still over its bar.
    const many: HopRead[] = Array.from({ length: 12 }, (_, i) => ({
      ttl: i + 1,
      address: null,
      rttMs: 1,
      lossPercent: 0,
    }));
    const [last] = hopChartLayout(many, 12, 12).marks;
    expect(last).toMatchObject({ text: 'blamed, resets here ▼', anchor: 'end' });
  });
});
