/**
 * Fuzz: packets as raw sockets hand them over, and ICMP errors quoting ours. Random bytes, and headers that
 * look valid (version, header length, protocol) with random fields, cut at random lengths or with bytes
 * flipped. The parsers must never throw (a Buffer read past the end throws RangeError) and must return null
 * or fields in their ranges; a segment built by buildTcpSegment must read back as it was built.
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, packetBytes } from '../../../test/unit/fuzz-arbitraries.js';
import type { TcpHeaderInfo } from '../net/capture-types.js';
import { buildTcpSegment, tcpChecksum } from '../net/tcp-segment.js';
import { parseIcmp4Quote, parseIcmp6Quote, type IcmpQuote } from './icmp-quote-parser.js';
import { parseIpv4Packet, parseIpv6TcpSegment, parseTcpHeader } from './packet-parser.js';

const byte = fc.integer({ min: 0, max: 255 });
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: min, maxLength: max });

/** A TCP header with random fields, its data offset anywhere in 0..15, and a random payload. */
const tcpHeader = fc
  .tuple(bytes(20, 20), fc.integer({ min: 0, max: 15 }), bytes(0, 60))
  .map(([header, offset, rest]) => {
    header[12] = (offset << 4) | ((header[12] ?? 0) & 0x0f);
    return Uint8Array.from([...header, ...rest]);
  });

/** An IPv4 header (version 4, header length 0..15 words, TCP, ICMP or another protocol) and what follows. */
const ipv4Packet = fc
  .tuple(
    bytes(20, 20),
    fc.integer({ min: 0, max: 15 }),
    fc.constantFrom(6, 1, 17, 0),
    byte,
    fc.oneof(tcpHeader, bytes(0, 40)),
  )
  .map(([header, ihl, protocol, ttl, payload]) => {
    header[0] = 0x40 | ihl;
    header[9] = protocol;
    header[8] = ttl;
    return Uint8Array.from([...header, ...new Uint8Array(Math.max(0, ihl * 4 - 20)), ...payload]);
  });

/** An ICMPv4 error (time exceeded or unreachable) quoting an IPv4 header and 8 bytes of TCP. */
const icmp4 = fc
  .tuple(bytes(20, 20), fc.constantFrom(11, 3, 0, 8), ipv4Packet, bytes(0, 8))
  .map(([outer, type, quoted, extra]) => {
    outer[0] = 0x45;
    return Uint8Array.from([...outer, type, 0, 0, 0, 0, 0, 0, 0, ...quoted, ...extra]);
  });

/** An ICMPv6 error as an IPv6 raw socket gives it: ICMP header, a quoted IPv6 header, then TCP. */
const icmp6 = fc
  .tuple(fc.constantFrom(3, 1, 128), bytes(40, 40), fc.constantFrom(6, 17, 0), bytes(0, 24))
  .map(([type, inner, next, tcp]) => {
    inner[0] = 0x60 | ((inner[0] ?? 0) & 0x0f);
    inner[6] = next;
    return Uint8Array.from([type, 0, 0, 0, 0, 0, 0, 0, ...inner, ...tcp]);
  });

const u16 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffff;
const u32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

function checkTcp(tcp: TcpHeaderInfo | undefined, length: number): void {
  if (tcp === undefined) return;
  expect(u16(tcp.srcPort) && u16(tcp.dstPort) && u16(tcp.window)).toBe(true);
  expect(u32(tcp.seq) && u32(tcp.ack)).toBe(true);
  expect(tcp.flags).toMatch(/^S?F?R?P?A?U?$/);
  expect(tcp.optionsLength).toBeGreaterThanOrEqual(0);
  expect(tcp.optionsLength).toBeLessThanOrEqual(40);
  expect(tcp.payloadLength).toBeGreaterThanOrEqual(0);
  expect(20 + tcp.optionsLength + tcp.payloadLength).toBeLessThanOrEqual(length);
}

function checkQuote(quote: IcmpQuote | null, family: 4 | 6, buffer: Buffer): void {
  if (quote === null) return;
  if (family === 4) {
    // Both the outer and the quoted header are real IPv4 headers, 20 bytes or more.
    expect((buffer[0] ?? 0) & 0x0f).toBeGreaterThanOrEqual(5);
    const outer = ((buffer[0] ?? 0) & 0x0f) * 4;
    expect((buffer[outer + 8] ?? 0) & 0x0f).toBeGreaterThanOrEqual(5);
  }
  expect(['time-exceeded', 'unreachable']).toContain(quote.kind);
  expect(isIP(quote.dst)).toBe(family);
  expect(u16(quote.srcPort) && u16(quote.dstPort) && u32(quote.seq)).toBe(true);
}

describe('packet parsers (fuzz)', () => {
  it('read any IPv4 packet in shape, or not at all', () => {
    fc.assert(
      fc.property(packetBytes(ipv4Packet), (buffer) => {
        const packet = parseIpv4Packet(buffer, 1);
        if (packet === null) return;
        expect(packet.family).toBe(4);
        expect(isIP(packet.src) === 4 && isIP(packet.dst) === 4).toBe(true);
        expect(u16(packet.ipId ?? -1) && (packet.ttl ?? -1) >= 0 && (packet.ttl ?? 256) <= 255).toBe(true);
        expect(packet.tcp !== undefined || packet.icmp !== undefined).toBe(true);
        checkTcp(packet.tcp, buffer.length);
      }),
      fuzzParams(1000),
    );
  });

  it('read any TCP segment in shape, or not at all', () => {
    fc.assert(
      fc.property(packetBytes(tcpHeader), (buffer) => {
        checkTcp(parseTcpHeader(buffer) ?? undefined, buffer.length);
        checkTcp(parseIpv6TcpSegment(buffer, '2001:db8::1', 1)?.tcp, buffer.length);
      }),
      fuzzParams(1000),
    );
  });

  it('read any ICMP error in shape, or not at all', () => {
    fc.assert(
      fc.property(packetBytes(icmp4), packetBytes(icmp6), (four, six) => {
        checkQuote(parseIcmp4Quote(four), 4, four);
        checkQuote(parseIcmp6Quote(six), 6, six);
      }),
      fuzzParams(1000),
    );
  });

  it('read back a segment buildTcpSegment built, with a checksum that verifies', () => {
    const fields = fc.record({
      srcPort: fc.integer({ min: 0, max: 0xffff }),
      dstPort: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.integer({ min: 0, max: 0xffffffff }),
      ack: fc.integer({ min: 0, max: 0xffffffff }),
      flags: fc.subarray(['S', 'F', 'R', 'P', 'A', 'U']).map((letters) => letters.join('')),
      window: fc.integer({ min: 0, max: 0xffff }),
      payload: bytes(0, 100),
    });
    const pair = fc.oneof(fc.tuple(fc.ipV4(), fc.ipV4()), fc.tuple(fc.ipV6(), fc.ipV6()));
    fc.assert(
      fc.property(fields, pair, (f, [srcAddress, dstAddress]) => {
        const segment = buildTcpSegment({ ...f, srcAddress, dstAddress });
        expect(tcpChecksum(srcAddress, dstAddress, segment)).toBe(0);
        const { payload, ...header } = f;
        expect(parseTcpHeader(segment)).toEqual({
          ...header,
          optionsLength: 0,
          payloadLength: payload.length,
        });
      }),
      fuzzParams(500),
    );
  });
});
