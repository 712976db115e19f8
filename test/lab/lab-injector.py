#!/usr/bin/env python3
"""On-path reset injector for the network lab, like a DPI box that watches but does not block.

It reads the packets arriving on one interface of a router (AF_PACKET: it sees them before the
router's own TTL check and firewall) and, when a TCP payload contains the keyword, sends the client a
burst of forged resets as if from the server: sequence numbers at the server's next byte and one and
three segments beyond it, the pattern some censors use. The original packet is forwarded untouched, so
the server's real answer races the forged resets.

    lab-injector.py IFACE KEYWORD [--count N] [--ttl T]

Runs inside a lab router namespace only (the lab starts and kills it).
"""
import argparse
import random
import socket
import struct

ETH_P_IP = 0x0800
PACKET_OUTGOING = 4


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("iface")
    parser.add_argument("keyword")
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=64)
    args = parser.parse_args()
    keyword = args.keyword.encode()

    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
    sniff.bind((args.iface, 0))
    out = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    print("ready", flush=True)
    while True:
        packet, address = sniff.recvfrom(65535)
        if address[2] == PACKET_OUTGOING or len(packet) < 40 or packet[9] != 6:
            continue
        ihl = (packet[0] & 0x0F) * 4
        tcp = packet[ihl:]
        payload = tcp[(tcp[12] >> 4) * 4 :]
        if keyword not in payload:
            continue
        src, dst = packet[12:16], packet[16:20]
        sport, dport, seq, ack = struct.unpack("!HHII", tcp[:12])
        next_seq = (seq + len(payload)) & 0xFFFFFFFF
        for i, offset in enumerate([0, 1460, 4380][: args.count]):
            flags = 0x14 if i % 2 == 0 else 0x04
            rst = forged_rst(dst, src, dport, sport, (ack + offset) & 0xFFFFFFFF, next_seq, args.ttl, flags)
            out.sendto(rst, (socket.inet_ntoa(src), 0))


if __name__ == "__main__":
    main()
