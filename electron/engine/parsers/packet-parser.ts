import type { CapturedPacket, TcpHeaderInfo } from '../net/capture-types.js';

const PROTO_ICMP = 1;
const PROTO_TCP = 6;

/** Parses an IPv4 packet as an IPv4 raw socket delivers it (with the IP header). */
export function parseIpv4Packet(buffer: Buffer, at: number): CapturedPacket | null {
  if (buffer.length < 20 || buffer[0]! >> 4 !== 4) return null;
  const headerLength = (buffer[0]! & 0x0f) * 4;
  if (headerLength < 20 || buffer.length < headerLength) return null;
  const protocol = buffer[9];
  const packet: CapturedPacket = {
    at,
    family: 4,
    src: ipv4(buffer, 12),
    dst: ipv4(buffer, 16),
    ttl: buffer[8]!,
    ipId: buffer.readUInt16BE(4),
  };
  const payload = buffer.subarray(
    headerLength,
    Math.min(buffer.length, buffer.readUInt16BE(2) || buffer.length),
  );
  if (protocol === PROTO_TCP) {
    const tcp = parseTcpHeader(payload);
    return tcp ? { ...packet, tcp } : null;
  }
  if (protocol === PROTO_ICMP && payload.length >= 8)
    return { ...packet, icmp: { type: payload[0]!, code: payload[1]! } };
  return null;
}

/** IPv6 raw sockets hand over the TCP segment without the IPv6 header: no hop limit without ancillary data. */
export function parseIpv6TcpSegment(buffer: Buffer, src: string, at: number): CapturedPacket | null {
  const tcp = parseTcpHeader(buffer);
  return tcp ? { at, family: 6, src, dst: '', ttl: null, ipId: null, tcp } : null;
}

export function parseTcpHeader(segment: Buffer): TcpHeaderInfo | null {
  if (segment.length < 20) return null;
  const dataOffset = (segment[12]! >> 4) * 4;
  if (dataOffset < 20) return null;
  const bits = segment[13]!;
  let flags = '';
  if (bits & 0x02) flags += 'S';
  if (bits & 0x01) flags += 'F';
  if (bits & 0x04) flags += 'R';
  if (bits & 0x08) flags += 'P';
  if (bits & 0x10) flags += 'A';
  if (bits & 0x20) flags += 'U';
  return {
    srcPort: segment.readUInt16BE(0),
    dstPort: segment.readUInt16BE(2),
    seq: segment.readUInt32BE(4),
    ack: segment.readUInt32BE(8),
    flags,
    window: segment.readUInt16BE(14),
    optionsLength: Math.min(dataOffset, segment.length) - 20,
    payloadLength: Math.max(0, segment.length - dataOffset),
  };
}

function ipv4(buffer: Buffer, offset: number): string {
  return `${buffer[offset]}.${buffer[offset + 1]}.${buffer[offset + 2]}.${buffer[offset + 3]}`;
}
