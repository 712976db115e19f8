/**
 * JSON printed by another program (nft -j, PowerShell's ConvertTo-Json). JSON.parse quotes the text around
 * a syntax error, control characters and line breaks included; the caller shows the reason on one line, so
 * it is cleaned here, once, for every such reader.
 */

const REASON_CHARS = 160;

/** The parsed value; throws an Error whose message is one short line when the text is not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`not valid JSON: ${oneLine(error instanceof Error ? error.message : String(error))}`);
  }
}

function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const escaped = message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length <= REASON_CHARS ? escaped : `${escaped.slice(0, REASON_CHARS - 1)}…`;
}
