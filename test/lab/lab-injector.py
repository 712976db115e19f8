#!/usr/bin/env python3
"""On-path reset injector for the network lab, like a DPI box that watches but does not block.

It reads the packets arriving on one interface of a router (AF_PACKET: it sees them before the
router's own TTL check and firewall) and, when a TCP payload contains the keyword, sends the client a
burst of forged resets as if from the server: sequence numbers at the server's next byte and one and
three segments beyond it, the pattern some censors use. The original packet is forwarded untouched, so
the server's real answer races the forged resets.

With --cutoff SECONDS it plays a proxy or load balancer with a request timeout instead: a request
(a payload containing the keyword) that has no answer SECONDS later is cut off with one reset to the
client, as if from the server. It sees only the client's packets on this interface, so "an answer"
means the client acknowledged a byte from the server, and the reset's sequence number is the client's
last acknowledgement number (exactly what the client expects next).

    lab-injector.py IFACE KEYWORD [--count N] [--ttl T] [--cutoff SECONDS]

IPv4 only. Runs inside a lab router namespace only (the lab starts and kills it).
"""
import argparse
import random
import select
import socket
import struct
import time

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4
TCP_FIN = 0x01
TCP_RST = 0x04
TCP_ACK = 0x10


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total > 0xFFFF:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def forged_rst(src: bytes, dst: bytes, sport: int, dport: int, seq: int, ack: int, ttl: int, flags: int) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, random.choice([0, 2048, 4096]), 0, 0)
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.randint(1, 0xFFFF), 0, ttl, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def seq_after(a: int, b: int) -> bool:
    """a comes after b in sequence space (RFC 1982 arithmetic, as TCP wraps at 2**32)."""
    return 0 < ((a - b) & 0xFFFFFFFF) < 0x80000000


def tcp_packet(packet: bytes):
    """The fields of an IPv4 TCP packet the injector reads, or None for anything else."""
    if len(packet) < 40 or packet[0] >> 4 != 4 or packet[9] != 6:
        return None
    ihl = (packet[0] & 0x0F) * 4
    tcp = packet[ihl:]
    sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
    payload = tcp[(tcp[12] >> 4) * 4 :]
    return packet[12:16], packet[16:20], sport, dport, seq, ack, tcp[13], payload


def burst(out: socket.socket, fields, count: int, ttl: int) -> None:
    src, dst, sport, dport, seq, ack, _flags, payload = fields
    next_seq = (seq + len(payload)) & 0xFFFFFFFF
    for i, offset in enumerate([0, 1460, 4380][:count]):
        flags = TCP_RST | TCP_ACK if i % 2 == 0 else TCP_RST
        rst = forged_rst(dst, src, dport, sport, (ack + offset) & 0xFFFFFFFF, next_seq, ttl, flags)
        out.sendto(rst, (socket.inet_ntoa(src), 0))


def forged_fin(out: socket.socket, fields, ttl: int) -> None:
    """One FIN in the server's name: the client's application reads the end of the stream (EOF)."""
    src, dst, sport, dport, seq, ack, _flags, payload = fields
    next_seq = (seq + len(payload)) & 0xFFFFFFFF
    fin = forged_rst(dst, src, dport, sport, ack, next_seq, ttl, TCP_FIN | TCP_ACK)
    out.sendto(fin, (socket.inet_ntoa(src), 0))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("iface")
    parser.add_argument("keyword")
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=64)
    parser.add_argument("--cutoff", type=float, default=None)
    parser.add_argument("--fin", action="store_true", help="close with one forged FIN instead of resets")
    args = parser.parse_args()
    keyword = args.keyword.encode()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    sniff.bind((args.iface, 0))
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    # --cutoff: requests waiting for an answer, by connection: (deadline, client's ack, client's next seq).
    waiting = {}
    print("ready", flush=True)
    while True:
        now = time.monotonic()
        for key, (deadline, ack, next_seq) in list(waiting.items()):
            if deadline <= now:
                del waiting[key]
                src, dst, sport, dport = key
                rst = forged_rst(dst, src, dport, sport, ack, next_seq, args.ttl, TCP_RST | TCP_ACK)
                out.sendto(rst, (socket.inet_ntoa(src), 0))
                print(f"cut off {socket.inet_ntoa(src)}:{sport} after {args.cutoff} s", flush=True)
        timeout = min((d for d, _, _ in waiting.values()), default=now + 1) - now
        if not select.select([sniff], [], [], max(0, timeout))[0]:
            continue
        packet, address = sniff.recvfrom(65535)
        fields = None if address[2] == PACKET_OUTGOING else tcp_packet(packet)
        if fields is None:
            continue
        src, dst, sport, dport, seq, ack, flags, payload = fields
        if args.cutoff is None:
            if keyword in payload:
                if args.fin:
                    forged_fin(out, fields, args.ttl)
                else:
                    burst(out, fields, args.count, args.ttl)
            continue
        key = (src, dst, sport, dport)
        if flags & (TCP_FIN | TCP_RST):
            waiting.pop(key, None)
        elif keyword in payload:
            end = (seq + len(payload)) & 0xFFFFFFFF
            # A new request (on a kept-alive connection too) starts its own clock; a retransmission does not.
            if key not in waiting or seq_after(end, waiting[key][2]):
                waiting[key] = (time.monotonic() + args.cutoff, ack, end)
        elif key in waiting:
            deadline, request_ack, next_seq = waiting[key]
            if seq_after(ack, request_ack):
                del waiting[key]  # the client acknowledged the server's answer
            elif payload and seq_after((seq + len(payload)) & 0xFFFFFFFF, next_seq):
                # More of the request (a body after the headers): the reset must acknowledge it too.
                waiting[key] = (deadline, request_ack, (seq + len(payload)) & 0xFFFFFFFF)


if __name__ == "__main__":
    main()
