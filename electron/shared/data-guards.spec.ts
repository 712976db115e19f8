import { describe, expect, it } from 'vitest';
import { decodeEach, fieldsOf, isAbsentOr, isFiniteNumber, oneOf, ownValue } from './data-guards.js';
import { endWords, outcomeWords, signalName } from './reset-words.js';
import type { CapturedConnection } from './probe-data-info.js';

describe('data guards', () => {
  it('take only a vocabulary’s own words, not what every object inherits', () => {
    const isVote = oneOf<'server' | 'path'>({ server: true, path: true });
    expect(
      ['server', 'path', 'neutral', 'toString', '__proto__', 'constructor', 1, null].map(isVote),
    ).toEqual([true, true, false, false, false, false, false, false]);
  });

  it('keep the items of a list that decode, and give null for what is not a list', () => {
    const number = (v: unknown) => (isFiniteNumber(v) ? v : null);
    expect(decodeEach([1, 'x', Number.NaN, 2], number)).toEqual([1, 2]);
    expect(decodeEach({ 0: 1, length: 1 }, number)).toBeNull();
    expect(decodeEach(undefined, number)).toBeNull();
    expect([undefined, 3, '3'].map((v) => isAbsentOr(v, isFiniteNumber))).toEqual([true, true, false]);
  });

  it('read only the fields the engine’s type has', () => {
    const c = fieldsOf<CapturedConnection>({ afterWhat: 'reset on connect' });
    expect(c?.afterWhat).toBe('reset on connect');
    // @ts-expect-error a field the engine's type does not have (a rename there fails to compile here)
    expect(c?.afterwhat).toBeUndefined();
    expect(fieldsOf<CapturedConnection>([1])).toBeNull();
  });
});

describe('ownValue', () => {
  it("reads a record's own keys only, so a word from outside never reaches Object.prototype", () => {
    const words: Record<string, string> = { syn: 'SYN' };
    expect(ownValue(words, 'syn')).toBe('SYN');
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(ownValue(words, key)).toBeUndefined();
    }
  });

  it("keeps a report's unknown signal, outcome or end named like a property as it is (found by the fuzz specs)", () => {
    expect(signalName('constructor')).toBe('constructor');
    expect(outcomeWords('toString')).toBe('toString');
    expect(endWords('__proto__')).toBe('__proto__');
  });
});
