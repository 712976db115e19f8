/**
 * The line splitter gives back the lines it was fed, however the bytes are chunked, whole or in blocks,
 * and never holds more than its cap; binary lines are told from text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams } from '../../../test/unit/fuzz-arbitraries.js';
import { decodeLine, isBinaryLine, LineSplitter } from './log-line-splitter.js';

describe('LineSplitter', () => {
  function split(chunks: Buffer[], maxBytes?: number): [string, boolean][] {
    const lines: [string, boolean][] = [];
    const splitter = new LineSplitter((line, truncated) => lines.push([line, truncated]), maxBytes);
    for (const chunk of chunks) splitter.push(chunk);
    splitter.end();
    return lines;
  }

  it('joins lines and multi-byte characters split across chunks', () => {
    const bytes = Buffer.from('first\nsecond – café\nthird\n');
    const cut = bytes.indexOf(0xa9); // inside the "é"
    expect(split([bytes.subarray(0, 9), bytes.subarray(9, cut), bytes.subarray(cut)])).toEqual([
      ['first', false],
      ['second – café', false],
      ['third', false],
    ]);
  });

  it('caps a long line across chunks without splitting a character', () => {
    const lines = split([Buffer.from('abcdé'), Buffer.from('fghij\nok\n')], 5);
    expect(lines).toEqual([
      ['abcd', true],
      ['ok', false],
    ]);
  });

  it('keeps a line of exactly the cap whole', () => {
    expect(split([Buffer.from('abcde\n')], 5)).toEqual([['abcde', false]]);
    expect(split([Buffer.from('abc'), Buffer.from('de\n')], 5)).toEqual([['abcde', false]]);
  });

  it('keeps empty lines, so line numbers match the file', () => {
    expect(split([Buffer.from('a\n\n\nb\n')]).map(([line]) => line)).toEqual(['a', '', '', 'b']);
  });
});

describe('isBinaryLine', () => {
  it('tells text, including tabs and colour escapes, from binary', () => {
    expect(isBinaryLine('plain text\twith a tab')).toBe(false);
    expect(isBinaryLine('\u001b[31mERROR\u001b[0m connection reset by peer')).toBe(false);
    expect(isBinaryLine('caf\ufffd latin-1 text')).toBe(false);
    expect(isBinaryLine('text with a NUL\u0000 byte')).toBe(true);
    expect(isBinaryLine('\u0001\u0002\u0003\ufffd\ufffdAB')).toBe(true);
  });
});

describe('LineSplitter (fuzz)', () => {
  const chunked = (bytes: Buffer, cuts: number[]): Buffer[] => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    return [...points, bytes.length].map((end, i) => bytes.subarray(points[i - 1] ?? 0, end));
  };
  const text = fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => s.replace(/\r/g, ''));

  it('gives back the lines it was fed, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const out: string[] = [];
        const splitter = new LineSplitter((line, truncated) => {
          expect(truncated).toBe(false);
          out.push(line);
        });
        for (const chunk of chunked(Buffer.from(lines.join('\n')), cuts)) splitter.push(chunk);
        splitter.end();
        const expected = lines.join('\n') === '' ? [] : lines.join('\n').split('\n');
        // A last empty line is no line: the file ended with a newline.
        if (expected.at(-1) === '') expected.pop();
        expect(out).toEqual(expected);
      }),
      fuzzParams(),
    );
  });

  it('never holds more than its cap, and cuts only between characters', () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 40 }),
        (lines, cuts, cap) => {
          const out: [string, boolean][] = [];
          const splitter = new LineSplitter((line, truncated) => out.push([line, truncated]), cap);
          for (const chunk of chunked(Buffer.from(lines.join('\n')), cuts)) splitter.push(chunk);
          splitter.end();
          for (const [line, truncated] of out) {
            expect(Buffer.byteLength(line)).toBeLessThanOrEqual(cap);
            // A cut line is the start of a line fed, so no character was cut in half (it would read as U+FFFD).
            if (truncated) expect(lines.some((fed) => fed.startsWith(line))).toBe(true);
            else expect(lines).toContain(line);
          }
        },
      ),
      fuzzParams(),
    );
  });

  it('gives the same lines in blocks, cut by decodeLine, as line by line', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 40 }),
        (lines, cuts, cap) => {
          const bytes = Buffer.from(lines.join('\n'));
          const byLine: [string, boolean][] = [];
          const lineSplitter = new LineSplitter((line, truncated) => byLine.push([line, truncated]), cap);
          const byBlock: [string, boolean][] = [];
          const blockSplitter = new LineSplitter(
            {
              line: (line, truncated) => byBlock.push([line, truncated]),
              block: (block) => {
                for (const [start, end] of lineSpans(block)) {
                  const { text, truncated } = decodeLine(block, start, end, cap);
                  byBlock.push([text, truncated]);
                }
              },
            },
            cap,
          );
          for (const chunk of chunked(bytes, cuts)) {
            lineSplitter.push(chunk);
            blockSplitter.push(chunk);
          }
          lineSplitter.end();
          blockSplitter.end();
          expect(byBlock).toEqual(byLine);
        },
      ),
      fuzzParams(),
    );
  });
});

/** [start, end) of each line of a block. */
function lineSpans(block: Buffer): [number, number][] {
  const spans: [number, number][] = [];
  let start = 0;
  for (let newline = block.indexOf(0x0a); newline !== -1; newline = block.indexOf(0x0a, start)) {
    spans.push([start, newline]);
    start = newline + 1;
  }
  spans.push([start, block.length]);
  return spans;
}
