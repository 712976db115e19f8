import raw, { type Socket } from 'raw-socket';
import { SNAPLEN, type CapturedPacket, type PacketCapture } from './capture-types.js';
import { parseIpv4Packet, parseIpv6TcpSegment } from '../parsers/packet-parser.js';
import { drainRawSocketsOnWakeup } from './raw-socket-drain.js';

drainRawSocketsOnWakeup();

const MAX_PACKETS = 20_000;

/**
 * Keeps copies of the TCP and ICMP packets that reach this machine from the target, through raw
 * sockets (the kernel hands raw sockets a copy of every incoming packet of their protocol). It sends
 * nothing. Needs root or CAP_NET_RAW; the caller checks that first. Keeps at most MAX_PACKETS: a run's
 * worth; `watch` reads the packets as they come instead (startPacketStream).
 */
export function startPacketCapture(now: () => number): PacketCapture {
  const packets: CapturedPacket[] = [];
  const stream = startPacketStream(now, (packet) => {
    if (packets.length < MAX_PACKETS) packets.push(packet);
  });
  return { ...stream, packets: () => packets.slice() };
}

/**
 * The capture as a stream: each packet from a watched address handed over as it comes, none kept; with
 * `frames`, each IPv4 packet carries its first SNAPLEN bytes for a pcapng export.
 */
export function startPacketStream(
  now: () => number,
  onPacket: (packet: CapturedPacket) => void,
  options: { frames?: boolean } = {},
): Omit<PacketCapture, 'packets'> {
  const watched = new Set<string>();
  const sockets: Socket[] = [];

  const keep = (packet: CapturedPacket | null, frame?: Buffer) => {
    if (!packet || !watched.has(packet.src)) return;
    // A copy: raw-socket reuses its receive buffer.
    if (frame && options.frames)
      packet.frame = { bytes: Uint8Array.from(frame.subarray(0, SNAPLEN)), length: frame.length };
    onPacket(packet);
  };
  const open = (family: number, protocol: number, onMessage: (buffer: Buffer, source: string) => void) => {
    try {
      const socket = raw.createSocket({ addressFamily: family, protocol, bufferSize: 65535 });
      socket.on('message', onMessage);
      socket.on('error', () => undefined);
      sockets.push(socket);
      return true;
    } catch {
      return false;
    }
  };

  open(raw.AddressFamily.IPv4, raw.Protocol.TCP, (buffer) => keep(parseIpv4Packet(buffer, now()), buffer));
  open(raw.AddressFamily.IPv4, raw.Protocol.ICMP, (buffer) => keep(parseIpv4Packet(buffer, now()), buffer));
  const v6 = open(raw.AddressFamily.IPv6, raw.Protocol.TCP, (buffer, source) =>
    keep(parseIpv6TcpSegment(buffer, source, now())),
  );

  return {
    note: v6
      ? 'Captures incoming TCP and ICMP from the target; IPv6 packets are captured without their hop limit.'
      : 'Captures incoming IPv4 TCP and ICMP from the target.',
    watch(addresses) {
      for (const address of addresses) watched.add(address);
    },
    close() {
      for (const socket of sockets) socket.close();
      sockets.length = 0;
    },
  };
}

/** Whether this process may open raw sockets: tried, not guessed from the user id. */
export function canOpenRawSockets(): boolean {
  try {
    raw.createSocket({ addressFamily: raw.AddressFamily.IPv4, protocol: raw.Protocol.ICMP }).close();
    return true;
  } catch {
    return false;
  }
}
