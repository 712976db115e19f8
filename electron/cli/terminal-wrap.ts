import { stripVTControlCharacters } from 'node:util';

/** What the CLI needs of its output stream to lay lines out. */
export interface TerminalOut {
  isTTY?: boolean;
  columns?: number;
}

/** A terminal whose width is not known is taken to be the traditional one. */
export const DEFAULT_COLUMNS = 80;

/**
 * The width to wrap to: the terminal's, or none when the output is a pipe or a file, so that logs and
 * scripts get each line whole, as it always was.
 */
export function terminalWidth(out: TerminalOut): number {
  return out.isTTY ? out.columns || DEFAULT_COLUMNS : Infinity;
}

/** Columns a line takes on screen: colour codes take none (wide characters are not a concern here). */
export function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

// A line's marks (a status mark, a bullet), after its leading spaces: its continuation lines start under
// the text that follows them, so a wrapped item still reads as one.
const LEAD = /^\s*(?:[•✓✗!?·…-] )?/u;

/** The indent of a line's continuation lines: under its text, or two spaces when it has no mark. */
export function hangingIndent(line: string): number {
  const lead = visibleWidth(LEAD.exec(stripVTControlCharacters(line))![0]);
  return lead > 0 ? lead : 2;
}

// A colour code, or one character: the units a word is cut into when it alone is wider than the line.
// eslint-disable-next-line no-control-regex -- colour codes are what is skipped
const UNIT = /\x1b\[[0-9;]*m|[^]/gu;

/**
 * One logical line as the lines a terminal `width` columns wide shows without breaking a word: breaks
 * at spaces, continuation lines indented by `indent` (at most half the width), and a word cut only when
 * it alone is wider than a line. Colour codes count for nothing and are never cut.
 */
export function wrapLine(line: string, width: number, indent = hangingIndent(line)): string[] {
  if (visibleWidth(line) <= width) return [line];
  const pad = ' '.repeat(Math.min(indent, Math.floor(width / 2)));
  const [, lead = '', rest = ''] = /^( *)(.*)$/su.exec(line)!;
  const lines: string[] = [];
  let current = lead;
  // Words with the spaces before each: the spaces go where the words stay on one line, at a break they go.
  for (const [, spaces = '', word = ''] of rest.matchAll(/( *)([^ ]+)/gu)) {
    const fresh = current.trim() === '';
    if (fresh || visibleWidth(current + spaces + word) <= width) {
      current = fresh ? current + word : current + spaces + word;
    } else {
      lines.push(current);
      // A word that fits a line but not after the indent starts at the margin rather than being cut.
      current = visibleWidth(pad + word) > width && visibleWidth(word) <= width ? word : pad + word;
    }
    while (visibleWidth(current) > width) {
      const [head, tail] = cut(current, width);
      lines.push(head);
      current = pad + tail;
    }
  }
  lines.push(current);
  return lines;
}

/** Text as it is written to `out`: each of its lines wrapped to the terminal, or whole in a pipe. */
export function fitToTerminal(text: string, out: TerminalOut): string {
  const width = terminalWidth(out);
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

/** The first `width` columns of a line and what is left, never inside a colour code. */
function cut(text: string, width: number): [string, string] {
  let head = '';
  let used = 0;
  const units = text.match(UNIT) ?? [];
  let i = 0;
  for (; i < units.length; i++) {
    const unit = units[i]!;
    const visible = unit.startsWith('\x1b') ? 0 : 1;
    if (used + visible > width) break;
    head += unit;
    used += visible;
  }
  return [head, units.slice(i).join('')];
}

/**
 * A line cut to `width` columns at a word boundary, with an ellipsis when anything was left out: for
 * the one-line summaries of the compact view. Plain text only (cut before it is coloured).
 */
export function fitLine(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  const room = [...text].slice(0, Math.max(0, width - 1)).join('');
  const space = room.lastIndexOf(' ');
  // A line that is one long word is cut inside it: there is no boundary to keep.
  return `${(space > width / 2 ? room.slice(0, space) : room).trimEnd()}…`;
}
