import netPing, { type QueuedRequest, type Session } from 'net-ping';
import { randomInt } from 'node:crypto';
import { fixIpv6Session } from './net-ping-ipv6-fix.js';
import { drainRawSocketsOnWakeup } from './raw-socket-drain.js';
import { NetError, type EchoRequest, type EchoResult, type IcmpIo } from './engine-io.js';

drainRawSocketsOnWakeup();

// Linux values (netinet/in.h): net-ping leaves the DF bit to the kernel default, path MTU probing needs it set.
const SOL_IP = 0;
const IP_MTU_DISCOVER = 10;
const IP_PMTUDISC_DO = 2;

/**
 * ICMP echo through net-ping. One session per (family, size, DF) keeps one raw socket each; requests
 * go through the session's queue with their own TTL, so a traceroute can probe every TTL at once
 * instead of net-ping's one-hop-at-a-time traceRoute().
 */
export function createNetPingIo(): IcmpIo {
  const sessions = new Map<string, Session>();

  function session(request: EchoRequest): Session {
    // EchoRequest.size is the ICMP payload (as ping -s); net-ping's packetSize counts the 8-byte header too.
    const size = (request.size ?? 8) + 8;
    const key = `${request.family}:${size}:${request.dontFragment === true}`;
    let found = sessions.get(key);
    if (!found) {
      found = netPing.createSession({
        networkProtocol: request.family === 6 ? netPing.NetworkProtocol.IPv6 : netPing.NetworkProtocol.IPv4,
        packetSize: size,
        retries: 0,
        // A random identifier keeps two runs on one machine from taking each other's replies.
        sessionId: randomInt(1, 65535),
      });
      stampSendTime(found);
      // Errors arrive per request; without a listener an 'error' event would crash the process.
      found.on('error', () => undefined);
      if (request.family === 6) fixIpv6Session(found);
      if (request.dontFragment && request.family === 4) {
        found.getSocket().setOption(SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
      }
      sessions.set(key, found);
    }
    return found;
  }

  return {
    method: 'net-ping',
    echo(request, signal) {
      return new Promise<EchoResult>((resolve, reject) => {
        if (signal.aborted) return reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
        const s = session(request);
        const id = s._generateId();
        if (id === undefined)
          return reject(new NetError({ code: 'internal_error', message: 'too many ICMP requests' }));
        const queuedAt = process.hrtime.bigint();
        let queued: StampedRequest | null = null;
        // From the moment the packet left, not when it was queued: 90 traceroute probes go out at once.
        const elapsed = () => Number(process.hrtime.bigint() - (queued?.sentAt ?? queuedAt)) / 1e6;
        const onAbort = () => {
          s.reqRemove(id);
          reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        queued = {
          id,
          retries: 0,
          timeout: request.timeoutMs,
          target: request.address,
          callback: (error) => {
            signal.removeEventListener('abort', onAbort);
            resolve(toResult(error, request.address, elapsed()));
          },
        };
        if (request.ttl !== undefined) queued.ttl = request.ttl;
        try {
          s.reqQueue(queued);
        } catch (error) {
          signal.removeEventListener('abort', onAbort);
          resolve({ kind: 'error', from: null, rttMs: elapsed(), message: (error as Error).message });
        }
      });
    },
    close() {
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}

type StampedRequest = QueuedRequest & { sentAt?: bigint };

/** Records the high-resolution time each request is handed to the socket (net-ping's own stamps are Dates). */
function stampSendTime(session: Session) {
  const s = session as Session & { onBeforeSocketSend(req: StampedRequest): void };
  const original = s.onBeforeSocketSend.bind(s);
  s.onBeforeSocketSend = (req: StampedRequest) => {
    original(req);
    req.sentAt = process.hrtime.bigint();
  };
}

function toResult(error: Error | null, target: string, rttMs: number): EchoResult {
  if (!error) return { kind: 'reply', from: target, rttMs };
  if (error instanceof netPing.TimeExceededError) return { kind: 'time-exceeded', from: error.source, rttMs };
  if (error instanceof netPing.DestinationUnreachableError)
    return { kind: 'unreachable', from: error.source, rttMs };
  if (error instanceof netPing.PacketTooBigError) return { kind: 'too-big', from: error.source, rttMs };
  if (error instanceof netPing.RequestTimedOutError) return { kind: 'timeout', from: null, rttMs };
  // EMSGSIZE: the kernel already knows the path MTU is smaller than the packet.
  if (/EMSGSIZE|too long/i.test(error.message))
    return { kind: 'too-big', from: null, rttMs, message: error.message };
  return { kind: 'error', from: null, rttMs, message: error.message };
}
