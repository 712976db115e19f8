import net from 'node:net';
import raw, { type Socket as RawSocket } from 'raw-socket';
import type { CapturedPacket } from './capture-types.js';
import type { ReplayRequest, ReplayResult, TtlReplayIo } from './engine-io.js';
import { parseIcmp4Quote, parseIcmp6Quote, type IcmpQuote } from '../parsers/icmp-quote-parser.js';
import { parseIpv4Packet, parseIpv6TcpSegment } from '../parsers/packet-parser.js';
import { drainRawSocketsOnWakeup } from './raw-socket-drain.js';
import { buildTcpSegment } from './tcp-segment.js';

drainRawSocketsOnWakeup();

const IPPROTO_IP = 0;
const IP_TTL = 2;
const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;
const SYN_ACK_WAIT_MS = 250;
const GRACE_FLOOR_MS = 25;

type Seen = { packet: CapturedPacket } | { quote: IcmpQuote; from: string };

interface FamilySockets {
  tcp: RawSocket;
  icmp: RawSocket;
}

/**
 * Replays bytes inside a real connection with a chosen TTL, the way tracebox and CenTrace locate a
 * middlebox: the kernel does the handshake, the SYN-ACK (seen on a raw socket) gives the sequence
 * numbers, and the payload goes out once on a raw socket with a low TTL. Whatever resets the payload
 * sits before the hop where it would have expired. Needs root or CAP_NET_RAW.
 */
export function createTtlReplayIo(now: () => number): TtlReplayIo {
  const families = new Map<4 | 6, FamilySockets>();
  const listeners = new Set<(seen: Seen) => void>();
  const emit = (seen: Seen | null) => {
    if (seen) for (const listener of listeners) listener(seen);
  };

  const open = (family: 4 | 6): FamilySockets => {
    const existing = families.get(family);
    if (existing) return existing;
    const v4 = family === 4;
    const tcp = raw.createSocket({
      addressFamily: v4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
      protocol: raw.Protocol.TCP,
      bufferSize: 65535,
    });
    const icmp = raw.createSocket({
      addressFamily: v4 ? raw.AddressFamily.IPv4 : raw.AddressFamily.IPv6,
      protocol: v4 ? raw.Protocol.ICMP : raw.Protocol.ICMPv6,
      bufferSize: 65535,
    });
    tcp.on('message', (buffer, source) =>
      emit(wrap(v4 ? parseIpv4Packet(buffer, now()) : parseIpv6TcpSegment(buffer, source, now()))),
    );
    icmp.on('message', (buffer, source) => {
      const quote = v4 ? parseIcmp4Quote(buffer) : parseIcmp6Quote(buffer);
      if (quote) emit({ quote, from: source });
    });
    for (const s of [tcp, icmp]) s.on('error', () => undefined);
    const sockets = { tcp, icmp };
    families.set(family, sockets);
    return sockets;
  };

  return {
    async replay(request, signal) {
      const sockets = open(request.family);
      const seen: Seen[] = [];
      let notify: (() => void) | null = null;
      const listener = (s: Seen) => {
        seen.push(s);
        notify?.();
      };
      listeners.add(listener);
      const conn = net.connect({ host: request.address, port: request.port, family: request.family });
      // The raw socket sees what ends the wait; the connection's own error or data only wakes it early.
      conn.on('error', () => notify?.());
      conn.on('data', () => notify?.());
      try {
        const connected = await untilConnected(conn, request.connectTimeoutMs, signal);
        if (connected !== null) return failed(connected);
        const local = { port: conn.localPort!, address: conn.localAddress! };
        request.onConnected?.(local.port);
        const fromServer = (p: CapturedPacket) =>
          p.src === request.address && p.tcp?.srcPort === request.port && p.tcp.dstPort === local.port;
        const synAck = await waitFor(
          () => {
            for (const s of seen) {
              if ('packet' in s && fromServer(s.packet) && s.packet.tcp!.flags.includes('S')) return s.packet;
            }
            return null;
          },
          SYN_ACK_WAIT_MS,
          signal,
          (wake) => (notify = wake),
        );
        if (!synAck) return failed('the SYN-ACK was not seen on the raw socket');
        const seq = synAck.tcp!.ack;
        const segment = buildTcpSegment({
          srcAddress: local.address,
          dstAddress: request.address,
          srcPort: local.port,
          dstPort: request.port,
          seq,
          ack: (synAck.tcp!.seq + 1) >>> 0,
          flags: 'PA',
          window: 502,
          payload: request.payload,
        });
        seen.length = 0;
        const sentAt = now();
        await send(sockets.tcp, segment, request, signal);
        const verdict = () => judge(seen, request, local.port, seq, fromServer);
        let answer = await waitFor(verdict, request.waitMs, signal, (wake) => (notify = wake));
        let answeredAt = now();
        if (answer && answer.outcome !== 'reset') {
          // A device that watches the link resets a segment the next router then expires (or the server
          // acknowledges): both answers come, and the reset, usually a little later, is the one that counts.
          const graceMs = Math.min(request.waitMs, Math.max(GRACE_FLOOR_MS, 3 * (now() - sentAt)));
          const reset = await waitFor(
            () => {
              const later = verdict();
              return later?.outcome === 'reset' ? later : null;
            },
            graceMs,
            signal,
            (wake) => (notify = wake),
          );
          if (reset) {
            answer = reset;
            answeredAt = now();
          }
        }
        const ms = Math.round((answeredAt - sentAt) * 10) / 10;
        if (answer) return { ...answer, ms };
        if (conn.errored) return { outcome: 'reset', from: null, rstTtl: null, ms };
        return { outcome: 'silent', from: null, rstTtl: null, ms };
      } finally {
        listeners.delete(listener);
        // An abort, not a FIN: the server must not keep a half-closed connection for each attempt.
        if (!conn.destroyed) conn.resetAndDestroy();
      }
    },
    close() {
      for (const { tcp, icmp } of families.values()) {
        tcp.close();
        icmp.close();
      }
      families.clear();
    },
  };
}

function wrap(packet: CapturedPacket | null): Seen | null {
  return packet?.tcp ? { packet } : null;
}

function failed(detail: string): ReplayResult {
  return { outcome: 'failed', from: null, rstTtl: null, ms: 0, detail };
}

/** The first thing that says how far the payload got: a reset, a router's time exceeded, or the server's ACK. */
function judge(
  seen: Seen[],
  request: ReplayRequest,
  localPort: number,
  seq: number,
  fromServer: (p: CapturedPacket) => boolean,
): Omit<ReplayResult, 'ms'> | null {
  const rst = seen.find((s) => 'packet' in s && fromServer(s.packet) && s.packet.tcp!.flags.includes('R'));
  if (rst && 'packet' in rst) return { outcome: 'reset', from: rst.packet.src, rstTtl: rst.packet.ttl };
  for (const s of seen) {
    if ('quote' in s) {
      const q = s.quote;
      if (q.dst === request.address && q.srcPort === localPort && q.dstPort === request.port) {
        return {
          outcome: q.kind === 'time-exceeded' ? 'time-exceeded' : 'failed',
          from: s.from,
          rstTtl: null,
          ...(q.kind === 'unreachable' ? { detail: `ICMP unreachable from ${s.from}` } : {}),
        };
      }
      continue;
    }
    const p = s.packet;
    if (!fromServer(p)) continue;
    if (p.tcp!.flags.includes('R')) return { outcome: 'reset', from: p.src, rstTtl: p.ttl };
    const acked = (p.tcp!.ack - seq) >>> 0;
    if (p.tcp!.payloadLength > 0 || (acked > 0 && acked < 0x80000000)) {
      return { outcome: 'answered', from: p.src, rstTtl: null };
    }
  }
  return null;
}

function send(socket: RawSocket, segment: Buffer, request: ReplayRequest, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    socket.send(
      segment,
      0,
      segment.length,
      request.address,
      () =>
        request.family === 4
          ? socket.setOption(IPPROTO_IP, IP_TTL, request.ttl)
          : socket.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, request.ttl),
      (error: Error | null) => (error ? reject(error) : resolve()),
    );
  });
}

function untilConnected(conn: net.Socket, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const done = (result: string | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = () => done('cancelled');
    const timer = setTimeout(() => done('the connection was not established in time'), timeoutMs);
    signal.addEventListener('abort', onAbort);
    conn.once('connect', () => done(null));
    conn.once('error', (e: NodeJS.ErrnoException) => done(`the connection failed (${e.code ?? e.message})`));
  });
}

/** Polls `find` whenever something arrives, until it returns a value or the time is up. */
function waitFor<T>(
  find: () => T | null,
  timeoutMs: number,
  signal: AbortSignal,
  onWake: (wake: () => void) => void,
): Promise<T | null> {
  return new Promise((resolve) => {
    const check = () => {
      const found = find();
      if (found !== null) finish(found);
    };
    const finish = (value: T | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      onWake(() => undefined);
      resolve(value);
    };
    const stop = () => finish(null);
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener('abort', stop);
    onWake(check);
    check();
  });
}
