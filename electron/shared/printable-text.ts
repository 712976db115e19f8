/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the invisible marks that reorder
 * text (bidirectional overrides and isolates): none belongs in a one-line message, and a terminal obeys
 * them, so text a person gave (a target, a path) would move the cursor, recolour or hide what follows.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to echo in a one-line message: every character above is written as its escape (\x1b,
 * \u202e), so the message stays one line and shows what was typed. Used wherever an error echoes input.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
