/**
 * Fuzz: the target a person types (or one read out of an error text). It either parses into the documented
 * shape or is refused with a TargetError of one line; nothing else may come out of it.
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  realWorldErrorTexts,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { parseErrorText } from './error-text-parser.js';
import { parseTarget, TargetError } from './target-parser.js';

const SEEDS = [
  'api.internal',
  'api.internal:8080',
  '198.18.4.2:5432',
  '[::1]:443',
  'fd00:5e7:4::2',
  'http://web.lab.test',
  'https://web.lab.test:8443/a/b?x=1#frag',
  'http://[fd00:5e7:4::2]:8080/',
  'bücher.example:443',
  'https://bücher.example/',
  'HTTPS://Web.Lab.Test/',
  'https://user:pw@host/',
  ...realWorldErrorTexts().flatMap((text) => parseErrorText(text).target ?? []),
];

const target = fc.oneof(
  { weight: 5, arbitrary: textInput(SEEDS) },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 1, arbitrary: fc.domain() },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer()).map(([a, p]) => `[${a}]:${p}`),
  },
);

/** The answer for any input: the parsed target, or the one-line message it was refused with. */
function parse(raw: string): void {
  try {
    const info = timed(() => parseTarget(raw));
    expect(['http', 'https', 'tcp']).toContain(info.scheme);
    expect(Number.isInteger(info.port) && info.port >= 1 && info.port <= 65535).toBe(true);
    expect(info.hostAscii.length).toBeGreaterThan(0);
    expect(info.ipVersion).toBe(isIP(info.hostAscii) === 0 ? null : isIP(info.hostAscii));
    expect(info.path.startsWith('/')).toBe(true);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThanOrEqual(1000);
  }
}

describe('parseTarget (fuzz)', () => {
  it('parses or refuses in one line, whatever it is given', () => {
    fc.assert(fc.property(target, parse), fuzzParams(500));
  });

  it.each(longInputs(['api.internal:8080', 'https://web.lab.test/a']))(
    'stays linear on $name',
    ({ text }) => {
      timed(() => parse(text), LONG_INPUT_MS, 'parseTarget');
    },
  );
});
