/** What an ICMP error says about the packet it quotes: enough to tie it to one of our connections. */
export interface IcmpQuote {
  /** 'time-exceeded' (TTL ran out at this router) or 'unreachable' (including fragmentation needed). */
  kind: 'time-exceeded' | 'unreachable';
  /** The quoted packet's destination and TCP ports. */
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
}

const PROTO_TCP = 6;

/** An ICMPv4 error as an IPv4 raw socket delivers it: outer IP header, ICMP header, quoted IP + 8 bytes of TCP. */
export function parseIcmp4Quote(buffer: Buffer): IcmpQuote | null {
  if (buffer.length < 20 || buffer[0]! >> 4 !== 4) return null;
  const outer = (buffer[0]! & 0x0f) * 4;
  // A header length under 20 bytes is no IPv4 header: the fields read after it would be the header's own.
  if (outer < 20) return null;
  const icmp = buffer.subarray(outer);
  const kind = icmp[0] === 11 ? 'time-exceeded' : icmp[0] === 3 ? 'unreachable' : null;
  if (!kind || icmp.length < 8 + 20) return null;
  const inner = icmp.subarray(8);
  const innerLength = (inner[0]! & 0x0f) * 4;
  if (inner[0]! >> 4 !== 4 || innerLength < 20 || inner[9] !== PROTO_TCP || inner.length < innerLength + 8)
    return null;
  const tcp = inner.subarray(innerLength);
  return {
    kind,
    dst: [16, 17, 18, 19].map((i) => inner[i]).join('.'),
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
  };
}

/** An ICMPv6 error as an IPv6 raw socket delivers it: no outer header, then the quoted IPv6 header and TCP. */
export function parseIcmp6Quote(buffer: Buffer): IcmpQuote | null {
  const kind = buffer[0] === 3 ? 'time-exceeded' : buffer[0] === 1 ? 'unreachable' : null;
  if (!kind || buffer.length < 8 + 40 + 8) return null;
  const inner = buffer.subarray(8);
  // Extension headers between the IPv6 header and TCP are rare on these probes; skip what is not plain TCP.
  if (inner[0]! >> 4 !== 6 || inner[6] !== PROTO_TCP) return null;
  const tcp = inner.subarray(40);
  const words: string[] = [];
  for (let i = 24; i < 40; i += 2) words.push(inner.readUInt16BE(i).toString(16));
  return {
    kind,
    dst: compress(words),
    srcPort: tcp.readUInt16BE(0),
    dstPort: tcp.readUInt16BE(2),
    seq: tcp.readUInt32BE(4),
  };
}

/** The RFC 5952 text form (longest zero run as ::), the form Node's sockets report addresses in. */
function compress(words: string[]): string {
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return words.join(':');
  return `${words.slice(0, best.at).join(':')}::${words.slice(best.at + best.len).join(':')}`;
}
