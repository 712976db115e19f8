import type { Origin } from '../../../shared/cause-info.js';
import type { IdleData } from '../../probes/idle-probe.js';
import { supports, against, veto, WEIGHT, type CauseHypothesis } from '../hypothesis.js';
import { seenHop, seenOrigin } from './cause-helpers.js';

/**
 * Idle connections are forgotten: the server closes them by itself, or a stateful device on the path
 * (firewall, NAT, load balancer) drops their state and resets the next packet. Only the idle test shows
 * it; a fresh request that fails rules it out, since that request was never idle.
 */
export const idleTimeout: CauseHypothesis = {
  cause: 'idle-timeout',
  judge(o) {
    switch (o.kind) {
      case 'idle':
        if (o.timeoutSeconds === null) return null;
        return o.monotonic ? supports(WEIGHT.strong) : against(WEIGHT.moderate);
      case 'requests':
        return o.failed > 0
          ? veto(
              `${o.text} These requests were sent on fresh connections, never idle: an idle timeout cannot explain their failure.`,
            )
          : null;
      default:
        return null;
    }
  },
  shape(all) {
    const idle = all.one('idle')!;
    const seen = seenOrigin(all, 'idle');
    // The server closing by itself is seen without capture; a reset on the next packet is a device unless the capture says server.
    // Without a side (a watch that read only the socket table), only the capture could say: never guessed.
    const origin: Origin =
      idle.side === null
        ? seen
        : idle.side === 'server'
          ? seen === 'path'
            ? 'path'
            : 'server'
          : seen === 'server'
            ? 'server'
            : 'path';
    const hop = origin === 'path' ? seenHop(all, 'idle') : null;
    return {
      origin,
      phase: 'idle',
      hop,
      idleTimeoutSeconds: idle.timeoutSeconds!,
      remedies: idleRemedies(idle, origin, hop),
    };
  },
};

/** A keep-alive or pool idle timeout safely below the measured timeout: 2/3 of it, rounded down, at least 1 s. */
export function keepAliveSeconds(timeoutSeconds: number): number {
  const k = Math.floor((timeoutSeconds * 2) / 3);
  if (k >= 1) return k;
  // Under 1.5 s: 1 s would not be below it; a tenth of a second resolution still is.
  return timeoutSeconds > 1 ? 1 : Math.max(0.1, Math.floor(timeoutSeconds * 6.6) / 10);
}

type IdleSeen = {
  timeoutSeconds: number | null;
  side: IdleData['side'];
  lower: number | null;
  silent: boolean;
};

/**
 * What to change, first thing first: each remedy is one change with its settings, none restates another
 * (the summary line used to name keep-alive and the pool timeout, and the next two lines named them again).
 */
function idleRemedies(idle: IdleSeen, origin: Origin, hop: number | null): string[] {
  const t = idle.timeoutSeconds!;
  // A path timeout is only known to lie above the longest gap that survived: stay below that too.
  const k = keepAliveSeconds(idle.side === 'path' && idle.lower ? Math.min(t, idle.lower) : t);
  const ms = Math.round(k * 1000);
  const pool = [
    `Node http.Agent \`{ keepAlive: true, timeout: ${ms} }\` (the agent destroys a free socket when it times out; the agentkeepalive package calls it \`freeSocketTimeout\`)`,
    `Go http.Transport \`IdleConnTimeout: ${k} * time.Second\``,
    `Java HttpClient \`-Djdk.httpclient.keepalive.timeout=${k}\` (seconds)`,
    `nginx \`keepalive_timeout ${k}s;\` in the upstream block`,
  ].join('; ');
  if (idle.side === 'server' && origin === 'server') {
    return [
      `The server closes connections idle for ${t} s (its own keep-alive/idle timeout): close pooled connections on the client side first, with a pool idle timeout of ${k} s (below ${t} s): ${pool}.`,
      `Python requests/urllib3 have no pool idle timeout: mount \`HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.2))\` so a request on a connection the server just closed is retried. TCP keep-alive does not help here: the server's idle timer counts requests, not TCP keep-alive probes.`,
      `Or raise the server's keep-alive timeout above the clients' pool idle timeouts.`,
    ];
  }
  const who =
    origin === 'server'
      ? 'Something at the server (its host firewall, conntrack or a load balancer answering for it)'
      : hop !== null
        ? `A device on the path (hop ${hop}: a firewall, NAT or load balancer)`
        : origin === 'path'
          ? 'A device on the path (a firewall, NAT or load balancer)'
          : 'A stateful device (a firewall, NAT or load balancer, on the path or in front of the server)';
  const what =
    idle.side === 'server'
      ? `resets connections idle for ${t} s on its own`
      : idle.silent
        ? `forgets connections idle for about ${t} s and drops their next packets without a word (the application hangs, then times out or is reset)`
        : `forgets connections idle for about ${t} s and answers the next packet with a reset`;
  const device =
    hop !== null ? `the device at hop ${hop}` : origin === 'server' ? 'that device' : 'the device';
  return [
    `${who} ${what}. Keep connections from idling that long: TCP keep-alive every ${k} s (below ${t} s) keeps its state fresh. SO_KEEPALIVE with TCP_KEEPIDLE=${k} and TCP_KEEPINTVL=${k} on the socket, or system-wide \`sysctl net.ipv4.tcp_keepalive_time=${k}\` (only for sockets that set SO_KEEPALIVE; the default is 7200 s); Node http.Agent \`{ keepAlive: true, keepAliveMsecs: ${ms} }\`; Go \`net.Dialer{KeepAlive: ${k} * time.Second}\` as the Transport's DialContext; nginx \`proxy_socket_keepalive on;\` with the system setting.`,
    `Or close idle connections before it forgets them, with a pool idle timeout of ${k} s: ${pool}.`,
    `Python requests/urllib3 have no pool idle timeout: pass \`socket_options=HTTPConnection.default_socket_options + [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1), (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, ${k}), (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, ${k})]\` to the PoolManager (for requests, from an HTTPAdapter subclass's init_poolmanager) and \`max_retries=Retry(total=3, backoff_factor=0.2)\`.`,
    `Or raise the idle timeout of ${device} above the clients' keep-alive interval and pool idle timeouts (ask its owner when it is not yours).`,
  ];
}
