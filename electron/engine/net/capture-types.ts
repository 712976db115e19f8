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
}

export interface PacketCapture {
  /** Start keeping packets from these addresses (known once DNS has answered). */
  watch(addresses: string[]): void;
  packets(): CapturedPacket[];
  /** What is captured and what cannot be (IPv6 hop limits, say). */
  readonly note: string;
  close(): void;
}
