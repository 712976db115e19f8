import type { HttpResponseHead } from './conversation-types.js';

/**
 * Follows an HTTP/1.1 response as bytes arrive: finds the head, then knows when the body is complete
 * (Content-Length, chunked, or read-until-close). Keeps only the head and a short tail in memory.
 */
export class HttpResponseReader {
  head: HttpResponseHead | null = null;
  private headBuffer = '';
  private bodyBytes = 0;
  private tail = '';

  /** Feeds bytes; returns true once the whole response has arrived. */
  push(chunk: Buffer): boolean {
    if (!this.head) {
      this.headBuffer += chunk.toString('latin1');
      const end = this.headBuffer.indexOf('\r\n\r\n');
      if (end === -1) {
        if (this.headBuffer.length > 64 * 1024) this.headBuffer = this.headBuffer.slice(0, 64 * 1024);
        return false;
      }
      this.head = parseHead(this.headBuffer.slice(0, end));
      const rest = Buffer.from(this.headBuffer.slice(end + 4), 'latin1');
      this.headBuffer = '';
      return this.pushBody(rest);
    }
    return this.pushBody(chunk);
  }

  get headComplete(): boolean {
    return this.head !== null;
  }

  /** True when the body length is only known at close (no Content-Length, not chunked). */
  get endsAtClose(): boolean {
    return this.head !== null && this.contentLength() === null && !this.chunked();
  }

  private pushBody(chunk: Buffer): boolean {
    this.bodyBytes += chunk.length;
    this.tail = (this.tail + chunk.toString('latin1')).slice(-16);
    if (!this.head) return false;
    if (this.head.statusCode === 204 || this.head.statusCode === 304) return true;
    const length = this.contentLength();
    if (length !== null) return this.bodyBytes >= length;
    if (this.chunked()) return /(^|\r\n)0(;[^\r]*)?\r\n(.*\r\n)*\r\n$/.test(this.tail);
    return false;
  }

  private contentLength(): number | null {
    const value = this.head?.headers['content-length'];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
  }

  private chunked(): boolean {
    return /chunked/i.test(this.head?.headers['transfer-encoding'] ?? '');
  }
}

function parseHead(text: string): HttpResponseHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusCode: match ? Number(match[1]) : 0, statusLine: statusLine.slice(0, 200), headers };
}
