/**
 * The byte automaton finds exactly the lines a regex made of the same patterns finds, tells every line
 * once and in order, whatever the block's size (one lane or two) and the text; a block its cache cannot
 * hold has every line read instead.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../test/unit/fuzz-arbitraries.js';
import { LineCandidateAutomaton, type BytePattern } from './line-candidate-automaton.js';

interface Told {
  /** Per line, in order: whether it was a candidate. */
  lines: boolean[];
  long: number;
  /** The candidates' text, as the block's bytes between start and end. */
  texts: string[];
}

function scan(automaton: LineCandidateAutomaton, block: Buffer, from = 0, max = 1000): Told {
  const told: Told = { lines: [], long: 0, texts: [] };
  automaton.scan(
    block,
    from,
    {
      passed: (count, long) => {
        expect(count).toBeGreaterThan(0);
        told.lines.push(...new Array<boolean>(count).fill(false));
        told.long += long;
      },
      candidate: (start, end) => {
        told.lines.push(true);
        told.texts.push(block.toString('latin1', start, end));
      },
    },
    max,
  );
  return told;
}

/** The reference: each pattern as a regex on the line read as Latin-1, its end of line as a "\n". */
function reference(patterns: readonly BytePattern[], block: Buffer, from = 0): boolean[] {
  const regexes = patterns.map(({ source, caseless }) => new RegExp(source, caseless === true ? 'i' : ''));
  return block
    .toString('latin1', from)
    .split('\n')
    .map((line) => regexes.some((regex) => regex.test(`${line}\n`)));
}

const PATTERNS: BytePattern[] = [
  { source: 'reset', caseless: true },
  { source: 'connect\\(\\)', caseless: true },
  { source: 'upstream[^:,]', caseless: true },
  { source: '[^0-9.]50[234][^0-9]' },
  { source: '[0-9] \\S+ \\S+ [CS][A-Z-][A-Z-][A-Z-] ' },
  { source: ' [cs][A-Z] [0-9]+/' },
  { source: '[\\x00-\\x08\\x80-\\xff]' },
];

describe('LineCandidateAutomaton', () => {
  const automaton = new LineCandidateAutomaton(PATTERNS);

  it('finds literals in either case, classes, repeats, and a last atom at the end of the line', () => {
    const lines = [
      'connection RESET by peer',
      'connect() failed',
      'connect failed',
      'read from upstream',
      'upstream: "http://10.0.0.1"',
      'upstream, client: 10.0.0.2',
      'upstream timed out',
      '"GET / HTTP/1.1" 502 0',
      '"GET / HTTP/1.1" 200 5020',
      'took 0.503 s',
      'status 503',
      '10 - - SD-- 1/1',
      '10 - - sd-- 1/1',
      'tcp-in 212 cD 1/1/1',
      'café',
      '',
    ];
    const block = Buffer.from(lines.join('\n'));
    const told = scan(automaton, block);
    expect(told.lines).toEqual([
      true,
      true,
      false,
      true,
      false,
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
    expect(told.lines).toEqual(reference(PATTERNS, block));
    expect(told.texts[0]).toBe('connection RESET by peer');
  });

  it('reads big blocks in two lanes and tells their lines in order, from any start', () => {
    // Numbered in base 36, so that no number is a 502.
    const line = (n: number): string =>
      `line ${n.toString(36)} ${n % 97 === 0 ? 'connection reset' : 'nothing to see here, ok'}`;
    const block = Buffer.from(Array.from({ length: 2000 }, (_, n) => line(n)).join('\n'));
    const from = block.indexOf('\n') + 1;
    const told = scan(automaton, block, from);
    expect(told.lines).toEqual(reference(PATTERNS, block, from));
    expect(told.texts).toEqual(
      Array.from({ length: 2000 }, (_, n) => n)
        .filter((n) => n > 0 && n % 97 === 0)
        .map(line),
    );
  });

  it('counts the long lines it passes over', () => {
    const block = Buffer.from(['a'.repeat(20), 'short', 'b'.repeat(30), 'reset '.repeat(10)].join('\n'));
    const told = scan(automaton, block, 0, 10);
    expect(told.long).toBe(2);
    expect(told.lines).toEqual([false, false, false, true]);
  });

  it('agrees with the regexes on any text, cut into blocks anywhere', () => {
    const piece = fc.constantFrom(
      'reset',
      'RESET',
      'connect()',
      'upstream',
      'upstream:',
      ' 502 ',
      '.503 ',
      '5',
      '0',
      ' ',
      '-',
      'SD--',
      'cD',
      '/',
      'é',
      '\u0001',
      '\n',
      'x',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 4000, size: 'max' }), fc.nat(), (pieces, cut) => {
        const block = Buffer.from(pieces.join(''));
        const from = block.length === 0 ? 0 : lineStartAt(block, cut % (block.length + 1));
        expect(scan(automaton, block, from).lines).toEqual(reference(PATTERNS, block, from));
      }),
      fuzzParams(),
    );
  });

  it('reads every line of a block whose states its cache cannot hold, and goes on afterwards', () => {
    // "a" then fourteen of [ab]: remembering the last fifteen letters takes 2^15 states.
    const exploding = new LineCandidateAutomaton([{ source: `a${'[ab]'.repeat(14)}c` }, { source: 'reset' }]);
    let seed = 0x2545f491;
    const letters = Array.from({ length: 200_000 }, () => {
      // xorshift32: every window of fifteen letters turns up.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed & 1 ? 'a' : 'b';
    });
    const lines = [letters.join(''), 'reset', 'quiet'];
    const told = scan(exploding, Buffer.from(lines.join('\n')), 0, 1_000_000);
    expect(told.lines).toEqual([true, true, true]);
    const after = scan(exploding, Buffer.from('reset\nquiet'));
    expect(after.lines).toEqual([true, false]);
  });

  it('refuses pattern syntax it does not read on bytes', () => {
    for (const source of ['a|b', '(ab)', 'a?', 'a*', 'a{2}', '^a', 'a$', 'a.b', '']) {
      expect(() => new LineCandidateAutomaton([{ source }]), source).toThrow(/Byte pattern/);
    }
  });
});

function lineStartAt(block: Buffer, at: number): number {
  return at === 0 ? 0 : block.lastIndexOf(0x0a, at - 1) + 1;
}
