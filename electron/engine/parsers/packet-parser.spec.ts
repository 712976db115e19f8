import { describe, expect, it } from 'vitest';
import { parseIpv4Packet, parseIpv6TcpSegment } from './packet-parser.js';

// A RST,ACK from 198.18.4.2:80 to 198.18.1.2:40000 with TTL 61 and IP ID 0x1234, recorded by hand.
const rstPacket = Buffer.from(
  '45000028123440003d06000' + '0c6120402c6120102' + '00509c40000000000000000150140000' + '00000000',
  'hex',
);

describe('packet parser', () => {
  it('reads TTL, IP ID and TCP header of an IPv4 reset', () => {
    const packet = parseIpv4Packet(rstPacket, 12.5);
    expect(packet).toMatchObject({
      at: 12.5,
      src: '198.18.4.2',
      dst: '198.18.1.2',
      ttl: 61,
      ipId: 0x1234,
      family: 4,
    });
    expect(packet?.tcp).toMatchObject({
      srcPort: 80,
      dstPort: 40000,
      flags: 'RA',
      window: 0,
      optionsLength: 0,
      payloadLength: 0,
    });
  });

  it('reads an ICMP header', () => {
    const icmp = Buffer.from('4500001c00010000400100007f0000017f0000010b000000000000000', 'hex');
    expect(parseIpv4Packet(icmp.subarray(0, 28), 0)?.icmp).toEqual({ type: 11, code: 0 });
  });

  it('counts options and payload of a SYN-ACK carrying data offset 8 words', () => {
    const segment = Buffer.alloc(40);
    segment.writeUInt16BE(443, 0);
    segment.writeUInt16BE(50000, 2);
    segment[12] = 10 << 4;
    segment[13] = 0x12;
    segment.writeUInt16BE(65160, 14);
    expect(parseIpv6TcpSegment(segment, 'fd00::2', 1)?.tcp).toMatchObject({
      flags: 'SA',
      optionsLength: 20,
      payloadLength: 0,
      window: 65160,
    });
  });

  it('ignores truncated or non-IPv4 input', () => {
    expect(parseIpv4Packet(Buffer.alloc(10), 0)).toBeNull();
    expect(parseIpv4Packet(Buffer.from('60000000', 'hex'), 0)).toBeNull();
  });
});
