import { stripVTControlCharacters } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fitLine,
  fitToTerminal,
  hangingIndent,
  terminalWidth,
  visibleWidth,
  wrapLine,
} from './terminal-wrap.js';

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('wrapLine', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapLine('  • short', 80)).toEqual(['  • short']);
  });

  it('breaks at spaces, with continuation lines under the text after the bullet', () => {
    const lines = wrapLine(
      '  • The reset arrives with TTL 61 while the server packets arrive with TTL 58',
      30,
    );
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]!.startsWith('  • The')).toBe(true);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {4}\S/);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
  });

  it('cuts a word only when it alone is wider than the line', () => {
    const long = 'x'.repeat(50);
    const lines = wrapLine(`see ${long} here`, 20);
    expect(lines[0]).toBe('see');
    expect(lines.map((l) => l.trim()).join('')).toBe(`see${long}here`);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(20);
  });

  it('measures without colour codes and never cuts inside one', () => {
    const red = '\x1b[31mreset\x1b[39m';
    const line = `${red} ${'word '.repeat(20)}\x1b[1m${'y'.repeat(30)}\x1b[22m`;
    const lines = wrapLine(line, 24);
    for (const l of lines) {
      expect(visibleWidth(l)).toBeLessThanOrEqual(24);
      // A cut colour code would leave its tail (the "[1m") visible.
      expect(stripVTControlCharacters(l)).not.toMatch(/\[\d+m/);
    }
    expect(lines.join('')).toContain(red);
  });

  it('keeps every word whole and in order, and every line within the width', () => {
    const word = fc.stringMatching(/^[a-z:,.()]{1,14}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 16, max: 100 }),
        (ws, width) => {
          const line = `    ✗ ${ws.join(' ')}`;
          const lines = wrapLine(line, width);
          for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(width);
          // No word is longer than 14 and the indent is 6: no word needs cutting, so the words come back.
          expect(lines.flatMap(words)).toEqual(words(line));
        },
      ),
    );
  });
});

describe('hangingIndent', () => {
  it('puts continuation lines under the text after the leading mark', () => {
    expect(hangingIndent('    ✗ Title: text')).toBe(6);
    expect(hangingIndent('\x1b[31m✗\x1b[39m 4. Firewall')).toBe(2);
    expect(hangingIndent('Note: something')).toBe(2);
  });
});

describe('fitLine', () => {
  it('cuts at a word boundary and says so with an ellipsis', () => {
    const fitted = fitLine('Reset 0.4 ms after the TLS ClientHello, before the request was sent', 30);
    expect(visibleWidth(fitted)).toBeLessThanOrEqual(30);
    expect(fitted.endsWith('…')).toBe(true);
    expect('Reset 0.4 ms after the TLS ClientHello'.startsWith(fitted.slice(0, -1))).toBe(true);
    expect(fitLine('short', 30)).toBe('short');
  });
});

describe('terminalWidth', () => {
  it('is the terminal width, 80 when unknown, and no limit for a pipe', () => {
    expect(terminalWidth({ isTTY: true, columns: 120 })).toBe(120);
    expect(terminalWidth({ isTTY: true })).toBe(80);
    expect(terminalWidth({ isTTY: false, columns: 120 })).toBe(Infinity);
  });
});

describe('fitToTerminal', () => {
  it('wraps each line of a text on a terminal, and leaves it whole in a pipe', () => {
    const text = `${'first '.repeat(20)}\n${'second '.repeat(20)}`;
    const shown = fitToTerminal(text, { isTTY: true, columns: 40 }).split('\n');
    expect(shown.length).toBeGreaterThan(2);
    for (const l of shown) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
    expect(shown.flatMap(words)).toEqual(words(text));
    expect(fitToTerminal(text, { isTTY: false, columns: 40 })).toBe(text);
  });
});
