import { describe, expect, it } from 'vitest';
import { parseTcpHeader } from '../parsers/packet-parser.js';
import { addressBytes, buildTcpSegment, tcpChecksum } from './tcp-segment.js';

const fields = {
  srcPort: 40000,
  dstPort: 80,
  seq: 0xfffffff0,
  ack: 12345,
  flags: 'PA',
  window: 502,
  payload: Buffer.from('GET / HTTP/1.1\r\n\r\n'),
};

describe('buildTcpSegment', () => {
  it.each([
    ['198.18.1.2', '198.18.4.2'],
    ['fd00:5e7:1::2', 'fd00:5e7:4::2'],
  ])('%s → %s: a receiver summing the whole segment gets zero', (src, dst) => {
    const segment = buildTcpSegment({ ...fields, srcAddress: src, dstAddress: dst });
    const zeroed = Buffer.from(segment);
    zeroed.writeUInt16BE(0, 16);
    expect(tcpChecksum(src, dst, zeroed)).toBe(segment.readUInt16BE(16));
    // Verifying a segment that carries its checksum yields zero, as the server's stack checks it.
    expect(tcpChecksum(src, dst, segment)).toBe(0);
    expect(parseTcpHeader(segment)).toMatchObject({
      srcPort: 40000,
      dstPort: 80,
      seq: 0xfffffff0,
      ack: 12345,
      flags: 'PA',
      window: 502,
      payloadLength: fields.payload.length,
    });
  });

  it('matches a checksum computed by hand for an odd-length payload', () => {
    const segment = buildTcpSegment({
      ...fields,
      payload: Buffer.from('x'),
      srcAddress: '10.0.0.1',
      dstAddress: '10.0.0.2',
    });
    expect(tcpChecksum('10.0.0.1', '10.0.0.2', segment)).toBe(0);
  });

  it('expands IPv6 text forms', () => {
    expect(addressBytes('fd00:5e7:4::2').toString('hex')).toBe('fd0005e7000400000000000000000002');
    expect(addressBytes('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(addressBytes('fe80::1%eth0').toString('hex')).toBe('fe800000000000000000000000000001');
  });

  // Found by the fuzz spec: the IPv4 tail was read as one hex group ("198.18.1.2" → 0x198), so a replay over
  // a dual-stack socket carried a checksum the server refused; text that is no address gave other bytes or
  // 'Invalid array length'.
  it('reads an embedded IPv4 tail as two groups, and refuses what is not an address in one line', () => {
    expect(addressBytes('::ffff:198.18.1.2').toString('hex')).toBe('00000000000000000000ffffc6120102');
    expect(addressBytes('64:ff9b::10.0.0.1').toString('hex')).toBe('0064ff9b0000000000000000' + '0a000001');
    expect(() => addressBytes('1:2:3:4:5:6:7:8:9')).toThrow('not an IP address: "1:2:3:4:5:6:7:8:9"');
    expect(() => addressBytes('web.lab.test')).toThrow('not an IP address: "web.lab.test"');
  });
});
