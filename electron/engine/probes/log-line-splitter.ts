/**
 * Lines out of a byte stream, for the log scan: whole blocks of complete lines where a read holds them, one
 * decoded line where a line spans two reads or is too long to hold. Bounded memory whatever the file.
 */

export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/** Where the lines go. `block` is optional: without it, blocks are split here and each line given to `line`. */
export interface LineSink {
  /** One line, decoded, without its "\r"; `truncated` when it was longer than the cap and cut there. */
  line(text: string, truncated: boolean): void;
  /**
   * Complete lines as bytes, newline-separated, the last one without its newline (so at least one line,
   * perhaps empty). Long lines are not cut: the sink does that with decodeLine as it reads them. The bytes
   * are the read buffer's: valid only during the call.
   */
  block?(bytes: Buffer): void;
}

/**
 * Splits a byte stream into lines. Unlike readline it never holds more than `maxBytes` of one line: a
 * longer line is cut there (and flagged) and the rest of it is dropped up to the next newline, so a
 * single multi-GB line cannot exhaust memory. A trailing "\r" is removed.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private overflow = false;
  private readonly sink: LineSink;

  constructor(
    sink: LineSink | ((line: string, truncated: boolean) => void),
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {
    this.sink = typeof sink === 'function' ? { line: sink } : sink;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.heldBytes > 0 || this.overflow) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.hold(chunk);
        return;
      }
      this.hold(chunk.subarray(0, newline));
      this.emitHeld();
      start = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      this.emitBlock(chunk.subarray(start, last));
      start = last + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.heldBytes > 0 || this.overflow) this.emitHeld();
  }

  private emitBlock(bytes: Buffer): void {
    if (this.sink.block !== undefined) {
      this.sink.block(bytes);
      return;
    }
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline === -1 ? bytes.length : newline;
      const { text, truncated } = decodeLine(bytes, start, end, this.maxBytes);
      this.sink.line(text, truncated);
      if (newline === -1) return;
      start = newline + 1;
    }
  }

  private hold(part: Buffer): void {
    const room = this.maxBytes - this.heldBytes;
    if (part.length > room) this.overflow = true;
    const kept = part.length > room ? part.subarray(0, room) : part;
    if (kept.length === 0) return;
    // A copy, so a held tail does not pin the whole read buffer it came from.
    this.held.push(Buffer.from(kept));
    this.heldBytes += kept.length;
  }

  private emitHeld(): void {
    let bytes = Buffer.concat(this.held, this.heldBytes);
    if (this.overflow) bytes = bytes.subarray(0, utf8Boundary(bytes));
    const truncated = this.overflow;
    this.held = [];
    this.heldBytes = 0;
    this.overflow = false;
    this.sink.line(withoutCr(bytes.toString('utf8')), truncated);
  }
}

/**
 * The line between `start` and `end` (exclusive, before its newline) as text: cut at `maxBytes` without
 * splitting a character, and without its "\r", as LineSplitter gives lines.
 */
export function decodeLine(
  bytes: Buffer,
  start: number,
  end: number,
  maxBytes = MAX_LINE_BYTES,
): { text: string; truncated: boolean } {
  if (end - start <= maxBytes)
    return { text: withoutCr(bytes.toString('utf8', start, end)), truncated: false };
  const capped = bytes.subarray(start, start + maxBytes);
  return { text: withoutCr(capped.subarray(0, utf8Boundary(capped)).toString('utf8')), truncated: true };
}

function withoutCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 0x0d ? line.slice(0, -1) : line;
}

/** Where to cut so that a cap landing inside a multi-byte character does not leave half of it. */
function utf8Boundary(bytes: Buffer): number {
  let lead = bytes.length - 1;
  while (lead > 0 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  const first = bytes[lead] ?? 0;
  const width = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead + width > bytes.length ? lead : bytes.length;
}

/** More control bytes than this share of a line marks it as binary, not text with a stray escape. */
const BINARY_SHARE = 0.3;

// eslint-disable-next-line no-control-regex -- finding control bytes is the point
const SUSPECT_CHAR = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\ufffd]/;

/** NUL, or mostly control bytes and invalid UTF-8. Tabs, form feeds and ANSI colour escapes are text. */
export function isBinaryLine(line: string): boolean {
  if (!SUSPECT_CHAR.test(line)) return false;
  if (line.includes('\u0000')) return true;
  let suspect = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0b && c !== 0x0c && c !== 0x0d && c !== 0x1b)) {
      suspect += 1;
    }
  }
  return suspect > line.length * BINARY_SHARE;
}
