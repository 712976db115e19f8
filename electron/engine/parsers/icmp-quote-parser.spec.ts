import { describe, expect, it } from 'vitest';
import { addressBytes } from '../net/tcp-segment.js';
import { parseIcmp4Quote, parseIcmp6Quote } from './icmp-quote-parser.js';

function quotedTcp(srcPort: number, dstPort: number, seq: number): Buffer {
  const tcp = Buffer.alloc(8);
  tcp.writeUInt16BE(srcPort, 0);
  tcp.writeUInt16BE(dstPort, 2);
  tcp.writeUInt32BE(seq, 4);
  return tcp;
}

function icmp4(type: number, innerDst: string, protocol = 6): Buffer {
  const outer = Buffer.alloc(20);
  outer[0] = 0x45;
  outer[9] = 1;
  const icmp = Buffer.from([type, 0, 0, 0, 0, 0, 0, 0]);
  const inner = Buffer.alloc(20);
  inner[0] = 0x45;
  inner[9] = protocol;
  addressBytes(innerDst).copy(inner, 16);
  return Buffer.concat([outer, icmp, inner, quotedTcp(40001, 80, 7)]);
}

function icmp6(type: number, innerDst: string): Buffer {
  const icmp = Buffer.from([type, 0, 0, 0, 0, 0, 0, 0]);
  const inner = Buffer.alloc(40);
  inner[0] = 0x60;
  inner[6] = 6;
  addressBytes(innerDst).copy(inner, 24);
  return Buffer.concat([icmp, inner, quotedTcp(40002, 443, 9)]);
}

describe('ICMP quotes', () => {
  it('reads the quoted destination and ports of an IPv4 time exceeded', () => {
    expect(parseIcmp4Quote(icmp4(11, '198.18.4.2'))).toEqual({
      kind: 'time-exceeded',
      dst: '198.18.4.2',
      srcPort: 40001,
      dstPort: 80,
      seq: 7,
    });
    expect(parseIcmp4Quote(icmp4(3, '198.18.4.2'))?.kind).toBe('unreachable');
  });

  it('ignores echo replies, quotes of other protocols and truncated packets', () => {
    expect(parseIcmp4Quote(icmp4(0, '198.18.4.2'))).toBeNull();
    expect(parseIcmp4Quote(icmp4(11, '198.18.4.2', 17))).toBeNull();
    expect(parseIcmp4Quote(icmp4(11, '198.18.4.2').subarray(0, 40))).toBeNull();
  });

  it('reads an ICMPv6 time exceeded and writes the address the way Node does', () => {
    expect(parseIcmp6Quote(icmp6(3, 'fd00:5e7:4::2'))).toEqual({
      kind: 'time-exceeded',
      dst: 'fd00:5e7:4::2',
      srcPort: 40002,
      dstPort: 443,
      seq: 9,
    });
    expect(parseIcmp6Quote(icmp6(128, 'fd00:5e7:4::2'))).toBeNull();
  });

  // Found by the fuzz spec: a quoted header length of 0 read the TCP ports out of the IP header itself.
  it('ignores a quoted IPv4 header shorter than 20 bytes', () => {
    const packet = Buffer.alloc(68);
    packet[0] = 0x45;
    packet[20] = 11;
    packet[28] = 0x40; // version 4, header length 0
    packet[37] = 6;
    expect(parseIcmp4Quote(packet)).toBeNull();
  });
});
