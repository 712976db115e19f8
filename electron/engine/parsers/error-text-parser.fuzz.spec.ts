/**
 * Fuzz: the error-text reader, fed mutated client messages (the fixtures and texts from public issue
 * trackers), hostile text, and long repetitive text. It must answer in the documented shape, never throw,
 * and stay within a time bound (its regular expressions are meant to be linear).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureTexts,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  realWorldErrorTexts,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { PHASES } from '../../shared/cause-info.js';
import { describeClient, errorTextSummary, parseErrorText, type ErrorTextInfo } from './error-text-parser.js';

const SEEDS = [...fixtureTexts('error-texts'), ...realWorldErrorTexts()];

function checkShape(info: ErrorTextInfo, text: string): void {
  for (const key of ['client', 'clientDetail', 'target', 'errno', 'matched'] as const) {
    expect(info[key] === null || typeof info[key] === 'string').toBe(true);
  }
  expect(typeof info.isReset).toBe('boolean');
  expect(typeof info.known).toBe('boolean');
  expect(info.phase === null || PHASES.includes(info.phase)).toBe(true);
  expect((info.matched ?? '').length).toBeLessThanOrEqual(200);
  expect(info.explanation.length).toBeGreaterThan(0);
  if (!info.known) expect(info.isReset).toBe(false);
  const summary = errorTextSummary(info);
  expect(summary.length).toBeGreaterThan(0);
  // Words of a missing value, unless the text itself says them.
  if (!/undefined|NaN/.test(text)) expect(summary).not.toMatch(/undefined|NaN/);
  const who = describeClient(info);
  expect(who === null || typeof who === 'string').toBe(true);
}

describe('parseErrorText (fuzz)', () => {
  it('reads mutated client messages in shape, without throwing, quickly', () => {
    fc.assert(
      fc.property(textInput(SEEDS), (text) => {
        checkShape(
          timed(() => parseErrorText(text)),
          text,
        );
      }),
      fuzzParams(300),
    );
  });

  it('reads texts beyond its 64 KB cap the same way', () => {
    fc.assert(
      fc.property(textInput(SEEDS), fc.nat({ max: 70_000 }), (text, padding) => {
        const long = `${'x'.repeat(padding)}\n${text}\n${'y'.repeat(padding)}`;
        checkShape(
          timed(() => parseErrorText(long)),
          long,
        );
      }),
      fuzzParams(50),
    );
  });

  it.each(longInputs(SEEDS.filter((_, i) => i % 12 === 0)))('stays linear on $name', ({ text }) => {
    checkShape(
      timed(() => parseErrorText(text), LONG_INPUT_MS, 'parseErrorText'),
      text,
    );
  });
});
