export interface TcpHeaderInfo {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** Flags as letters in tcpdump order: S (syn), F (fin), R (rst), P (push), A (ack), U (urg). */
  flags: string;
  window: number;
  /** Bytes of TCP options: injected resets often carry none. */
  optionsLength: number;
  payloadLength: number;
}

export interface IcmpHeaderInfo {
  type: number;
  code: number;
}

/** One packet that reached this machine from a watched address, as the raw socket saw it. */
export interface CapturedPacket {
  /** Run clock, in milliseconds. */
  at: number;
  family: 4 | 6;
  src: string;
  dst: string;
  /** IPv4 TTL (IPv6 hop limit when the platform gives it), else null. */
  ttl: number | null;
  /** IPv4 identification field; null for IPv6. */
  ipId: number | null;
  tcp?: TcpHeaderInfo;
  icmp?: IcmpHeaderInfo;
  /**
   * The IPv4 packet as it arrived, its first SNAPLEN bytes (headers and the start of the payload), for a
   * pcapng export (`watch --pcap`). Only the capture stream keeps it; IPv6 arrives without its IP header.
   */
  frame?: { bytes: Uint8Array; length: number };
}

/** Bytes of each packet kept for export, as `tcpdump -s 128` would: every header, a little payload. */
export const SNAPLEN = 128;

export interface PacketCapture {
  /** Start keeping packets from these addresses (known once DNS has answered). */
  watch(addresses: string[]): void;
  packets(): CapturedPacket[];
  /** What is captured and what cannot be (IPv6 hop limits, say). */
  readonly note: string;
  close(): void;
}
