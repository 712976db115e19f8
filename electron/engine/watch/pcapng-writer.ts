/**
 * A pcapng file (the format Wireshark and tshark read: https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html)
 * of raw IP packets: one section, one interface of link type RAW (101, the packet starts at its IP
 * header), and one Enhanced Packet Block per packet, with a comment where there is something to say.
 * Little-endian, timestamps in microseconds (the format's default resolution).
 */

export interface PcapRecord {
  /** Wall-clock time of arrival, in microseconds since the Unix epoch. */
  timeMicros: bigint;
  /** The packet's first bytes as captured (at most the snap length). */
  bytes: Uint8Array;
  /** Its length on the wire. */
  length: number;
  /** Shown in Wireshark's packet comments: why this packet is here. */
  comment?: string;
}

const LINKTYPE_RAW = 101;
const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const EPB = 0x00000006;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

/** Options: code, length, the value padded to 32 bits, then the end marker. */
function options(entries: [number, string][]): Buffer {
  const parts = entries.map(([code, text]) => {
    const value = Buffer.from(text, 'utf8').subarray(0, 0xffff);
    const opt = Buffer.alloc(4 + pad4(value.length));
    opt.writeUInt16LE(code, 0);
    opt.writeUInt16LE(value.length, 2);
    value.copy(opt, 4);
    return opt;
  });
  return entries.length === 0 ? Buffer.alloc(0) : Buffer.concat([...parts, Buffer.alloc(4, OPT_END)]);
}

/** A block: type, total length, body, total length again. */
function block(type: number, body: Buffer): Buffer {
  const total = 12 + body.length;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(total, 4);
  body.copy(out, 8);
  out.writeUInt32LE(total, total - 4);
  return out;
}

export function pcapngFile(
  records: PcapRecord[],
  meta: { application: string; interfaceName: string; snaplen: number },
): Buffer {
  const shbHead = Buffer.alloc(16);
  shbHead.writeUInt32LE(0x1a2b3c4d, 0);
  shbHead.writeUInt16LE(1, 4);
  shbHead.writeUInt16LE(0, 6);
  shbHead.writeBigInt64LE(-1n, 8); // section length not given
  const shb = block(SHB, Buffer.concat([shbHead, options([[SHB_USERAPPL, meta.application]])]));
  const idbHead = Buffer.alloc(8);
  idbHead.writeUInt16LE(LINKTYPE_RAW, 0);
  idbHead.writeUInt32LE(meta.snaplen, 4);
  const idb = block(IDB, Buffer.concat([idbHead, options([[IF_NAME, meta.interfaceName]])]));
  const packets = records.map((r) => {
    const head = Buffer.alloc(20);
    head.writeUInt32LE(0, 0); // interface 0
    head.writeUInt32LE(Number(r.timeMicros >> 32n), 4);
    head.writeUInt32LE(Number(r.timeMicros & 0xffffffffn), 8);
    head.writeUInt32LE(r.bytes.length, 12);
    head.writeUInt32LE(Math.max(r.length, r.bytes.length), 16);
    const data = Buffer.alloc(pad4(r.bytes.length));
    Buffer.from(r.bytes).copy(data);
    return block(EPB, Buffer.concat([head, data, options(r.comment ? [[OPT_COMMENT, r.comment]] : [])]));
  });
  return Buffer.concat([shb, idb, ...packets]);
}
