/**
 * Fuzz: the HTTP/1.1 response reader, fed what a server (or a device on the path) sends: real-looking
 * responses with mutated heads and bodies, random bytes, all cut into chunks at random places. It must never
 * throw, keep its memory bounded, read the same head however the bytes are chunked, and, for a response
 * with a Content-Length, finish at the same point whatever the chunking.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, LONG_INPUT_MS, textInput, timed } from '../../../test/unit/fuzz-arbitraries.js';
import { HttpResponseReader } from './http-response-reader.js';

const SEEDS = [
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: nginx\r\n\r\nhello',
  'HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n',
  'HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody until close',
  'HTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
  'HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999\r\n\r\nabc',
];

const response = fc.oneof(
  { weight: 4, arbitrary: textInput(SEEDS).map((text) => Buffer.from(text, 'latin1')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
);

/** Feeds the bytes in chunks cut at `cuts`; what the reader read, and after how many bytes it was done. */
function feed(bytes: Buffer, cuts: number[]): { reader: HttpResponseReader; doneAt: number | null } {
  const reader = new HttpResponseReader();
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let doneAt: number | null = null;
  let from = 0;
  for (const to of [...points, bytes.length]) {
    if (reader.push(bytes.subarray(from, to)) && doneAt === null) doneAt = to;
    from = to;
  }
  return { reader, doneAt };
}

describe('HttpResponseReader (fuzz)', () => {
  it('reads the same head however the bytes are chunked, in shape, without throwing', () => {
    fc.assert(
      fc.property(response, fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        const whole = timed(() => feed(bytes, []));
        const chunked = timed(() => feed(bytes, cuts));
        expect(chunked.reader.head).toEqual(whole.reader.head);
        const head = whole.reader.head;
        if (head !== null) {
          expect(Number.isInteger(head.statusCode) && head.statusCode >= 0 && head.statusCode <= 999).toBe(
            true,
          );
          expect(head.statusLine.length).toBeLessThanOrEqual(200);
          expect(Object.values(head.headers).every((value) => typeof value === 'string')).toBe(true);
          expect(typeof whole.reader.endsAtClose).toBe('boolean');
        }
        if (head !== null && /^\d+$/.test(head.headers['content-length'] ?? '')) {
          expect(chunked.doneAt === null).toBe(whole.doneAt === null);
        }
      }),
      fuzzParams(500),
    );
  });

  it('keeps a head that never ends bounded, and reads it in bounded time', () => {
    const reader = new HttpResponseReader();
    timed(
      () => {
        for (let i = 0; i < 200; i += 1) reader.push(Buffer.from(`X-Filler-${i}: ${'a'.repeat(5000)}\r\n`));
      },
      LONG_INPUT_MS,
      'a 1 MB head',
    );
    expect(reader.head).toBeNull();
  });
});
