/**
 * Fuzz: the address bytes a replayed segment's checksum is computed over. Every text form of an IP address
 * (compressed, with an embedded IPv4 part, with a zone) must give the bytes of that address, or the server
 * drops the segment for a bad checksum; anything else is refused in one line, never turned into other bytes.
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, hostileText } from '../../../test/unit/fuzz-arbitraries.js';
import { addressBytes } from './tcp-segment.js';

/** The reference: the WHATWG URL parser's canonical IPv6 form has no embedded IPv4 and no zone. */
function referenceBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  const canonical = new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const [head = '', tail = ''] = canonical.split('::');
  const words = (part: string): number[] => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = canonical.includes('::') ? words(tail) : [];
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return Buffer.from(all.flatMap((w) => [w >> 8, w & 0xff]));
}

describe('addressBytes (fuzz)', () => {
  it('gives the bytes of every text form of an address', () => {
    const address = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((v4) => `::ffff:${v4}`),
      fc.ipV6().map((v6) => `${v6}%eth0`),
    );
    fc.assert(
      fc.property(address, (text) => {
        expect(addressBytes(text).toString('hex')).toBe(referenceBytes(text).toString('hex'));
      }),
      fuzzParams(1000),
    );
  });

  it('refuses anything else in one line', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        fc.pre(isIP(text.replace(/%.*$/, '')) === 0);
        expect(() => addressBytes(text)).toThrow(/^not an IP address: [^\r\n]*$/);
      }),
      fuzzParams(500),
    );
  });
});
