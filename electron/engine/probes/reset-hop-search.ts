import type { ReplayAttempt, ResetHopData } from '../../shared/reset-data-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import { hopsAway, routers } from '../forensics/reset-origin.js';
import { clientHelloBytes } from '../net/client-hello.js';
import type { ReplayResult, ResolvedAddress, TtlReplayIo } from '../net/engine-io.js';
import { httpRequest } from './conversation-helpers.js';

/** The bytes replayed: what met the reset, and a harmless control of the same kind. */
export interface Trigger {
  kind: ResetHopData['trigger'];
  text: string;
  bytes: Uint8Array;
  control: Uint8Array;
  controlText: string;
}

/** One search: where to, with what, how far and how long to wait for each replay. */
export interface HopSearch {
  replay: TtlReplayIo;
  address: ResolvedAddress;
  port: number;
  trigger: Trigger;
  /** The target's distance in hops: no replay goes further. */
  maxTtl: number;
  waitMs: number;
  connectTimeoutMs: number;
  signal: AbortSignal;
  /** The address of a hop, as the traceroute saw it, when the replays' own ICMP did not name it. */
  knownHop?: (hop: number) => string | null;
  /** Each replay as it comes back (the live progress). */
  onAttempt?: (attempt: ReplayAttempt) => void;
  /** Each replay's local port, once its connection is open and before its bytes go out. */
  onConnected?: (localPort: number) => void;
}

/**
 * Which hop resets: the bytes that met the reset (the ClientHello with its SNI, or the HTTP request) are
 * replayed inside fresh connections with TTL 1, 2, 3...; the first TTL whose bytes are reset instead of
 * expiring places the device. A harmless exchange at that TTL tells content from any data. Used by the
 * diagnosis' reset-hop probe and by a watch after a reset from the path. Null when cancelled.
 * Side effects: one fresh connection per TTL carrying the bytes (which may trigger the device again).
 */
export async function searchResetHop(s: HopSearch): Promise<ResetHopData | null> {
  const attempts: ReplayAttempt[] = [];
  const send = async (ttl: number, payload: ReplayAttempt['payload']) => {
    const result = await s.replay.replay(
      {
        address: s.address.address,
        family: s.address.family,
        port: s.port,
        payload: payload === 'trigger' ? s.trigger.bytes : s.trigger.control,
        ttl,
        connectTimeoutMs: s.connectTimeoutMs,
        waitMs: s.waitMs,
        ...(s.onConnected ? { onConnected: s.onConnected } : {}),
      },
      s.signal,
    );
    const attempt = {
      ttl,
      payload,
      outcome: result.outcome,
      from: result.from,
      rstTtl: result.rstTtl,
      ms: result.ms,
    };
    attempts.push(attempt);
    s.onAttempt?.(attempt);
    return result;
  };
  let firstReset: ReplayResult | null = null;
  for (let ttl = 1; ttl <= s.maxTtl && !s.signal.aborted; ttl++) {
    const result = await send(ttl, 'trigger');
    if (result.outcome === 'reset') {
      firstReset = result;
      break;
    }
    // Answered: the bytes reached the server and nothing on the way minded them.
    if (result.outcome === 'answered') break;
  }
  if (s.signal.aborted) return null;
  const firstResetTtl = firstReset ? attempts.at(-1)!.ttl : null;
  const control = firstResetTtl !== null ? await send(firstResetTtl, 'control') : null;
  const hopAddress = (hop: number) =>
    attempts.find((a) => a.ttl === hop && a.outcome === 'time-exceeded')?.from ?? s.knownHop?.(hop) ?? null;
  return locate(s, attempts, firstReset, firstResetTtl, control?.outcome ?? null, hopAddress);
}

/** The target's request bytes as a diagnosis sends them (HTTP request, or a TLS ClientHello). */
export async function triggerFor(target: TargetInfo): Promise<Trigger | string> {
  if (target.scheme === 'https') {
    const servername = target.ipVersion === null ? target.hostAscii : undefined;
    return {
      kind: 'tls-client-hello',
      text: servername ? `TLS ClientHello with SNI ${servername}` : 'TLS ClientHello (no SNI)',
      bytes: await clientHelloBytes(servername),
      control: await clientHelloBytes(),
      controlText: 'a TLS ClientHello without SNI',
    };
  }
  if (target.scheme !== 'http') return 'only HTTP requests and TLS ClientHellos are replayed';
  const request = httpRequest(target, false);
  const host = target.ipVersion === 6 ? `[${target.hostAscii}]` : target.hostAscii;
  return {
    kind: 'http-request',
    text: `${request.split('\r\n', 1)[0]} (Host ${host})`,
    bytes: Buffer.from(request),
    control: Buffer.from('HEAD / HTTP/1.1\r\nHost: reset-doctor.invalid\r\n\r\n'),
    controlText: 'HEAD / with a made-up Host',
  };
}

function locate(
  { trigger, maxTtl }: Pick<HopSearch, 'trigger' | 'maxTtl'>,
  attempts: ReplayAttempt[],
  firstReset: ReplayResult | null,
  firstResetTtl: number | null,
  controlOutcome: ReplayAttempt['outcome'] | null,
  hopAddress: (hop: number) => string | null,
): ResetHopData {
  const passing = attempts.filter((a) => a.payload === 'trigger' && a.outcome === 'time-exceeded');
  const lastPassingTtl = passing.length ? Math.max(...passing.map((a) => a.ttl)) : null;
  const story = attempts
    .filter((a) => a.payload === 'trigger')
    .map((a) => `TTL ${a.ttl} ${words(a)}`)
    .join('; ');
  const base = {
    connection: 'request',
    trigger: trigger.kind,
    triggerText: trigger.text,
    attempts,
    lastPassingTtl,
    firstResetTtl,
    controlOutcome,
    exact: false,
  };
  const replayed = `Replayed the ${trigger.text} with TTL 1 to ${attempts.filter((a) => a.payload === 'trigger').at(-1)?.ttl ?? 1}: ${story}.`;
  if (firstReset === null || firstResetTtl === null) {
    return {
      ...base,
      hop: null,
      hopAddress: null,
      verdict: 'not-reproduced',
      reason: `${replayed} No replay was reset, so the reset could not be placed (it may depend on more than these bytes, or be intermittent).`,
    };
  }
  const rstHop = firstReset.rstTtl !== null ? hopsAway(firstReset.rstTtl) + 1 : null;
  if (firstResetTtl >= maxTtl && (rstHop === null || rstHop >= maxTtl)) {
    return {
      ...base,
      hop: null,
      hopAddress: null,
      verdict: 'server',
      reason: `${replayed} Only bytes that reach the server (hop ${maxTtl}) are reset: the server resets them, not a device on the path.`,
    };
  }
  // TTL t expires at hop t, so a reset at TTL t comes from a device that sees the bytes after hop t-1
  // forwards them and before hop t's TTL check: the RST's own TTL says which of the two ends it is.
  const after = firstResetTtl - 1;
  const exact = rstHop !== null && (rstHop === after || rstHop === firstResetTtl);
  const hop = exact ? rstHop : Math.max(1, after);
  const segment =
    after >= 1
      ? `between hop ${after} (${hopAddress(after) ?? 'silent'}) and hop ${firstResetTtl}`
      : 'before the first router (on this machine or its local network)';
  const ttlWords =
    firstReset.rstTtl !== null
      ? ` The RST arrived with TTL ${firstReset.rstTtl} (${routers(hopsAway(firstReset.rstTtl))})${rstHop === hop ? `, so hop ${hop} sent it` : ', which fits neither end: the device forges its TTL'}.`
      : ' The RST carries no usable TTL (IPv6 hop limits are not captured).';
  const control = `A harmless control (${trigger.controlText}) at TTL ${firstResetTtl} was ${controlOutcome === 'reset' ? 'reset too: the device resets any data on this port, not just these bytes' : `not reset (${controlOutcome})`}.`;
  return {
    ...base,
    hop,
    hopAddress: hopAddress(hop),
    exact,
    verdict: controlOutcome === 'reset' ? 'any-data' : 'located',
    reason: `${replayed} The device that resets sits ${segment}.${ttlWords} ${control}`,
  };
}

function words(a: ReplayAttempt): string {
  switch (a.outcome) {
    case 'time-exceeded':
      return `expired at ${a.from ?? 'a router'}`;
    case 'reset':
      return `was reset${a.rstTtl !== null ? ` (RST TTL ${a.rstTtl})` : ''}`;
    case 'answered':
      return 'reached the server';
    case 'silent':
      return 'got no answer';
    default:
      return 'failed';
  }
}
