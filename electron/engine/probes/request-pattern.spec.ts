import { describe, expect, it } from 'vitest';
import { patternWords, requestPattern } from './request-pattern.js';

const seq = (n: number, failed: (i: number) => boolean) => Array.from({ length: n }, (_, i) => failed(i));

describe('requestPattern', () => {
  it('finds nothing when every request was answered', () => {
    expect(
      requestPattern(
        seq(11, () => false),
        [false, false],
      ),
    ).toEqual({
      failed: 0,
      total: 13,
      pattern: null,
      period: null,
    });
  });

  it('calls every request failing "always"', () => {
    expect(
      requestPattern(
        seq(11, () => true),
        [true],
      ),
    ).toMatchObject({ failed: 12, pattern: 'always' });
  });

  it.each([2, 3, 5])('finds a period of %i over two whole periods or more', (n) => {
    const p = requestPattern(
      seq(11, (i) => i % n === n - 1),
      [],
    );
    expect(p).toMatchObject({ pattern: 'every-nth', period: n });
    expect(patternWords(p)).toContain(`every ${n === 2 ? '2nd' : n === 3 ? '3rd' : '5th'}`);
  });

  it('does not claim a period it has seen fewer than twice', () => {
    // Failures at 3 and 9 of 11 would fit a period of 6, but 11 requests hold less than two of them.
    expect(
      requestPattern(
        seq(11, (i) => i === 3 || i === 9),
        [],
      ).pattern,
    ).toBe('random');
  });

  it('calls failures off any period random', () => {
    expect(
      requestPattern(
        seq(11, (i) => [1, 2, 7].includes(i)),
        [],
      ).pattern,
    ).toBe('random');
  });

  it('tells failures only among requests sent together', () => {
    expect(
      requestPattern(
        seq(11, () => false),
        [false, false, true, true],
      ),
    ).toMatchObject({
      failed: 2,
      total: 15,
      pattern: 'under-concurrency',
    });
  });
});
