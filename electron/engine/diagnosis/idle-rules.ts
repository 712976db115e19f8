import type { Origin } from '../../shared/cause-info.js';
import type { IdleData, IdleResult, IdleTrial } from '../probes/idle-probe.js';
import { dominantOrigin, resetsOf, type DiagnosisFacts } from './diagnosis-facts.js';
import { candidate, type Candidate } from './finding-candidate.js';
import type { ResetVerdict } from '../forensics/reset-origin.js';

/**
 * Idle timeout: who forgot the idle connection (the server closes it by itself; a middlebox only
 * answers the next packet with a reset), after how long, and the keep-alive interval that avoids it.
 * `originText` words a captured reset the way the other reset rules do.
 */
export function idleTimeoutRule(f: DiagnosisFacts, originText: (r: ResetVerdict) => string): Candidate[] {
  const idle = f.idle;
  if (!idle || idle.idleTimeoutSeconds === null) return [];
  const failing = idle.trials.filter((t) => t.result === 'closed-by-peer' || t.result === 'reset-on-send');
  const rst = dominantOrigin(failing.flatMap((t) => resetsOf(f, `idle ${t.gapSeconds} s`)));
  const evidence = idleEvidence(idle);
  if (rst) evidence.push(originText(rst));
  const origin: Origin =
    idle.side === 'server'
      ? rst?.origin === 'path'
        ? 'path'
        : 'server'
      : rst?.origin === 'server'
        ? 'server'
        : 'path';
  const hop = origin === 'path' && rst?.hop ? rst.hop : null;
  return [
    candidate('idle-timeout', origin, 'idle', 0.9, evidence, {
      idleTimeoutSeconds: idle.idleTimeoutSeconds,
      ...(hop !== null ? { hop } : {}),
      remedies: idleRemedies(idle, origin, hop),
    }),
  ];
}

/** Sentences an engineer can check against the probe's data: gaps tried, what happened to each, who did it. */
export function idleEvidence(idle: IdleData): string[] {
  const gaps = (r: IdleResult) => idle.trials.filter((t) => t.result === r).map((t) => t.gapSeconds);
  const all = [...new Set(idle.trials.map((t) => t.gapSeconds))];
  const rounds = idle.rounds.length;
  const out = [
    `Idle test: ${idle.trials.length} connections held idle in parallel at gaps of ${list(all)} s (--idle-max ${idle.maxSeconds} s), in ${rounds} round${rounds === 1 ? '' : 's'}; the search took ${idle.searchSeconds} s, where one connection at a time in ${idle.naive.stepSeconds} s steps would have waited ≈ ${idle.naive.waitSeconds} s.`,
  ];
  const survived = gaps('survived');
  if (survived.length) out.push(`Survived: the request sent after ${list(survived)} s idle was answered.`);
  const closed = idle.trials.filter((t) => t.result === 'closed-by-peer');
  if (closed.length) out.push(closedSentence(closed, idle.side === 'server'));
  const reset = gaps('reset-on-send');
  if (reset.length)
    out.push(
      `Reset when the request was sent after ${list(reset)} s idle: nothing had closed ${reset.length === 1 ? 'that connection' : 'those connections'} during the gap, so whatever answered had silently forgotten ${reset.length === 1 ? 'it' : 'them'} (a stateful firewall, NAT or load balancer does this when its idle timer runs out).`,
    );
  const silent = gaps('no-answer');
  if (silent.length)
    out.push(
      `No answer to the request sent after ${list(silent)} s idle: the connection was forgotten and its packets dropped, without a reset.`,
    );
  const stopped = gaps('stopped');
  if (stopped.length) out.push(`Not waited out, since a shorter gap had already failed: ${list(stopped)} s.`);
  const failed = gaps('failed');
  if (failed.length)
    out.push(`Failed for another reason (tells nothing about the idle time): ${list(failed)} s.`);
  if (idle.side === 'path')
    out.push(
      `Idle timeout between ${idle.lowerSeconds ?? 0} s (longest gap that survived) and ${idle.upperSeconds} s (shortest that failed): ≈ ${idle.idleTimeoutSeconds} ± ${idle.precisionSeconds} s.`,
    );
  return out;
}

function closedSentence(closed: IdleTrial[], byServer: boolean): string {
  const at = closed.map((t) => t.closedAfterSeconds!);
  const lo = Math.min(...at);
  const hi = Math.max(...at);
  const how = closed.every((t) => t.conversation.outcome === 'reset')
    ? 'reset (RST)'
    : closed.every((t) => t.conversation.outcome === 'closed')
      ? 'closed (FIN)'
      : 'closed or reset';
  const when = lo === hi ? `${lo} s` : `${lo}–${hi} s`;
  return `Closed with nothing sent: the connections meant to idle ${list(closed.map((t) => t.gapSeconds))} s were ${how} by the other end after ${when} idle${byServer ? ', before their gap ended: the server (or what answers for it) closes idle connections by itself' : ''}.`;
}

/** A keep-alive or pool idle timeout safely below the measured timeout: 2/3 of it, rounded down, at least 1 s. */
export function keepAliveSeconds(timeoutSeconds: number): number {
  const k = Math.floor((timeoutSeconds * 2) / 3);
  if (k >= 1) return k;
  // Under 1.5 s: 1 s would not be below it; a tenth of a second resolution still is.
  return timeoutSeconds > 1 ? 1 : Math.max(0.1, Math.floor(timeoutSeconds * 6.6) / 10);
}

function idleRemedies(idle: IdleData, origin: Origin, hop: number | null): string[] {
  const t = idle.idleTimeoutSeconds!;
  // A path timeout is only known to lie above the longest gap that survived: stay below that too.
  const k = keepAliveSeconds(idle.side === 'path' && idle.lowerSeconds ? Math.min(t, idle.lowerSeconds) : t);
  const ms = Math.round(k * 1000);
  const pool = [
    `Node http.Agent \`{ keepAlive: true, timeout: ${ms} }\` (the agent destroys a free socket when it times out; the agentkeepalive package calls it \`freeSocketTimeout\`)`,
    `Go http.Transport \`IdleConnTimeout: ${k} * time.Second\``,
    `Java HttpClient \`-Djdk.httpclient.keepalive.timeout=${k}\` (seconds)`,
    `nginx \`keepalive_timeout ${k}s;\` in the upstream block`,
  ];
  if (idle.side === 'server' && origin === 'server') {
    return [
      `The server closes connections idle for ${t} s (its own keep-alive/idle timeout). Close pooled connections on the client side first: a pool idle timeout of ${k} s (below ${t} s), or raise the server's timeout above the clients'.`,
      `Pool idle timeout of ${k} s: ${pool.join('; ')}.`,
      `Python requests/urllib3 have no pool idle timeout: mount \`HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.2))\` so a request on a connection the server just closed is retried. TCP keep-alive does not help here: the server's idle timer counts requests, not TCP keep-alive probes.`,
    ];
  }
  const who =
    origin === 'server'
      ? 'Something at the server (its host firewall, conntrack or a load balancer answering for it)'
      : hop !== null
        ? `A device on the path (hop ${hop}: a firewall, NAT or load balancer)`
        : 'A device on the path (a firewall, NAT or load balancer)';
  const what =
    idle.side === 'server'
      ? `resets connections idle for ${t} s on its own`
      : `forgets connections idle for about ${t} s and answers the next packet with a reset`;
  return [
    `${who} ${what}. Keep connections from idling that long: TCP keep-alive every ${k} s (below ${t} s) keeps its state fresh; or a pool idle timeout of ${k} s closes them first; or raise the device's idle timeout above the clients'.`,
    `TCP keep-alive every ${k} s: SO_KEEPALIVE with TCP_KEEPIDLE=${k} and TCP_KEEPINTVL=${k} on the socket, or system-wide \`sysctl net.ipv4.tcp_keepalive_time=${k}\` (only for sockets that set SO_KEEPALIVE; the default is 7200 s). Node http.Agent \`{ keepAlive: true, keepAliveMsecs: ${ms} }\`; Go \`net.Dialer{KeepAlive: ${k} * time.Second}\` as the Transport's DialContext; nginx \`proxy_socket_keepalive on;\` with the system setting.`,
    `Pool idle timeout of ${k} s: ${pool.join('; ')}.`,
    `Python requests/urllib3 have no pool idle timeout: pass \`socket_options=HTTPConnection.default_socket_options + [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1), (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, ${k}), (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, ${k})]\` to the PoolManager (for requests, from an HTTPAdapter subclass's init_poolmanager) and \`max_retries=Retry(total=3, backoff_factor=0.2)\`.`,
  ];
}

function list(values: number[]): string {
  return [...values].sort((a, b) => a - b).join(', ');
}
