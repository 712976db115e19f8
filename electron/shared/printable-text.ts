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

// Multi-line text (reports, the live view) keeps its line breaks; a one-line message uses printable().
// Control characters that move a terminal's cursor, recolour it, set its title or ring it (C0 but tab and
// line feed, DEL, C1), and the bidirectional overrides and isolates that can make a line read in another
// order than it is stored ("Trojan Source").
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSHOWABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from networks, logs and people, made safe to print or render: line breaks become `\n` (a lone
 * carriage return would let a line overwrite the one before it on a terminal), and every other control
 * character becomes U+FFFD, so the reader sees that something was there.
 */
export function showable(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSHOWABLE, '\uFFFD');
}

/**
 * JSON text with the same characters written as `\uXXXX` escapes instead: shown safely, and still the
 * same data when parsed (JSON.stringify escapes C0 itself, not DEL, C1 or the bidirectional controls).
 */
export function printableJson(json: string): string {
  return json.replace(UNSHOWABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
