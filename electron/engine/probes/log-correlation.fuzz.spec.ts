/**
 * Fuzz: the correlation of log matches with the run, fed matches with odd times (out-of-range fields,
 * strange offsets, text that is not a time), odd line numbers and endpoints, and run windows that are not
 * dates. It must keep every match, rank them, and say why in one line, without throwing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, hostileText, timed } from '../../../test/unit/fuzz-arbitraries.js';
import { LOG_CATEGORIES } from '../parsers/log-line-parser.js';
import {
  correlate,
  formatOffset,
  logTime,
  MAX_LINES_THAT_MATTER,
  type CorrelationMatch,
  type RunWindow,
} from './log-correlation.js';

const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
/** Shaped like a log time, with fields anywhere in their digits' range (month 99, second 60, year 0000). */
const isoLike = fc
  .tuple(
    fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
    two,
    two,
    two,
    two,
    two,
    fc.option(fc.stringMatching(/^\.\d{1,12}$/), { nil: '' }),
    fc.constantFrom('', 'Z', '+01:00', '-05:30', '+99:99', '-00:00', '+14:00'),
  )
  .map(([y, mo, d, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${zone}`);

const realIso = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

const timestamp = fc.oneof(fc.constant(null), isoLike, realIso, hostileText);

const match: fc.Arbitrary<CorrelationMatch> = fc.record(
  {
    lineNumber: fc.oneof(fc.nat(), fc.integer(), fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, NaN)),
    timestamp,
    category: fc.constantFrom(...LOG_CATEGORIES),
    text: hostileText,
    clientAddress: fc.option(fc.oneof(fc.ipV4(), fc.ipV6(), hostileText)),
    clientPort: fc.option(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.integer())),
  },
  { requiredKeys: ['lineNumber', 'timestamp', 'category', 'text'] },
);

const run: fc.Arbitrary<RunWindow> = fc.record({
  startedAtIso: fc.oneof(realIso, hostileText),
  finishedAtIso: fc.oneof(realIso, hostileText),
  clientAddresses: fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), hostileText), { maxLength: 3 }),
  localPorts: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 5 }),
  logUtcOffsetMinutes: fc.option(fc.oneof(fc.integer({ min: -900, max: 900 }), fc.integer())),
});

describe('log correlation (fuzz)', () => {
  it('keeps every match, ranks them and says why in one line', () => {
    fc.assert(
      fc.property(fc.array(match, { maxLength: 30 }), run, (matches, window) => {
        const { correlated, linesThatMatter } = timed(() => correlate(matches, window));
        expect(correlated).toHaveLength(matches.length);
        expect(linesThatMatter.length).toBeLessThanOrEqual(MAX_LINES_THAT_MATTER);
        for (const line of linesThatMatter) expect(correlated).toContain(line);
        for (const [i, line] of correlated.entries()) {
          expect(Number.isFinite(line.relevance)).toBe(true);
          expect(line.relevance).toBeLessThanOrEqual(correlated[i - 1]?.relevance ?? Infinity);
          expect(line.why).not.toMatch(/[\r\n]/);
          expect(line.why).not.toMatch(/NaN|undefined|Infinity/);
        }
      }),
      fuzzParams(),
    );
  });

  it('logTime reads a time-shaped text as a finite instant or not at all', () => {
    fc.assert(
      fc.property(timestamp, fc.option(fc.integer({ min: -900, max: 900 })), (text, offset) => {
        const time = text === null ? null : timed(() => logTime(text, offset));
        if (time !== null) {
          expect(Number.isFinite(time.epochMs)).toBe(true);
          expect(Number.isFinite(time.offsetMinutes)).toBe(true);
        }
      }),
      fuzzParams(500),
    );
  });

  it('formatOffset writes every whole-minute offset as UTC±hh:mm', () => {
    fc.assert(
      fc.property(fc.integer({ min: -24 * 60, max: 24 * 60 }), (minutes) => {
        expect(formatOffset(minutes)).toMatch(/^UTC(?:[+-]\d{2}:\d{2})?$/);
      }),
      fuzzParams(),
    );
  });
});
