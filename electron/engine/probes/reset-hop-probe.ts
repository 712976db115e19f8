import type { ReplayAttempt, ResetHopData } from '../../shared/reset-data-info.js';
import { resetHopPlace } from '../../shared/reset-words.js';
import { countedResets, hopsAway, routers } from '../forensics/reset-origin.js';
import { clientHelloBytes } from '../net/client-hello.js';
import type { ReplayResult, ResolvedAddress, TtlReplayIo } from '../net/engine-io.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import { httpRequest } from './conversation-helpers.js';
import { answerTimeoutMs, NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { resetOriginProbe } from './reset-origin-probe.js';
import { afterSendMs, CUTOFF_MIN_MS, requestProbe } from './request-probe.js';
import { tracerouteProbe } from './traceroute-probe.js';

// Declared where the faces read it too (the replays by TTL, the hop on the traceroute).
export type { ResetHopData } from '../../shared/reset-data-info.js';

const MAX_TTL = 30;
const NEEDS_RAW =
  'replaying the exchange with a chosen TTL needs raw sockets: run as root (sudo) or grant `cap_net_raw`';

interface Trigger {
  kind: ResetHopData['trigger'];
  text: string;
  bytes: Uint8Array;
  control: Uint8Array;
  controlText: string;
}

/**
 * Which hop resets: the bytes that met the reset (the ClientHello with its SNI, or the HTTP request)
 * are replayed inside fresh connections with TTL 1, 2, 3...; the first TTL whose bytes are reset
 * instead of expiring places the device. A harmless exchange at that TTL tells content from any data.
 * Side effects: one fresh connection per TTL carrying the request's bytes (which may trigger the device
 * again); it runs after every other network probe.
 */
export const resetHopProbe: ProbeDefinition<ResetHopData> = {
  id: 'reset-hop',
  title: 'Which hop resets',
  async run(ctx) {
    const replay = ctx.env.io.replay;
    if (!replay) return { status: 'skipped', reason: NEEDS_RAW };
    const address = targetAddress(ctx);
    if (!address) return { status: 'skipped', reason: NO_ADDRESS };
    const why = notReplayable(ctx);
    if (why) return { status: 'skipped', reason: why };
    const trigger = await triggerFor(ctx);
    if (typeof trigger === 'string') return { status: 'skipped', reason: trigger };
    const maxTtl = pathLength(ctx);
    const waitMs = answerTimeoutMs(ctx, 1000);
    const attempts: ReplayAttempt[] = [];
    const send = async (ttl: number, payload: ReplayAttempt['payload']) => {
      const result = await replayOnce(
        replay,
        ctx,
        address,
        ttl,
        payload === 'trigger' ? trigger.bytes : trigger.control,
        waitMs,
      );
      attempts.push({
        ttl,
        payload,
        outcome: result.outcome,
        from: result.from,
        rstTtl: result.rstTtl,
        ms: result.ms,
      });
      ctx.progress(`TTL ${ttl}: ${result.outcome}`, Math.min(1, ttl / maxTtl), attempts.at(-1));
      return result;
    };
    let firstReset: ReplayResult | null = null;
    for (let ttl = 1; ttl <= maxTtl && !ctx.signal.aborted; ttl++) {
      const result = await send(ttl, 'trigger');
      if (result.outcome === 'reset') {
        firstReset = result;
        break;
      }
      // Answered: the bytes reached the server and nothing on the way minded them.
      if (result.outcome === 'answered') break;
    }
    if (ctx.signal.aborted) return { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } };
    const firstResetTtl = firstReset ? attempts.at(-1)!.ttl : null;
    const control = firstResetTtl !== null ? await send(firstResetTtl, 'control') : null;
    return outcome(
      locate(ctx, trigger, attempts, firstReset, firstResetTtl, control?.outcome ?? null, maxTtl),
    );
  },
};

function replayOnce(
  replay: TtlReplayIo,
  ctx: ProbeContext,
  address: ResolvedAddress,
  ttl: number,
  payload: Uint8Array,
  waitMs: number,
): Promise<ReplayResult> {
  return replay.replay(
    {
      address: address.address,
      family: address.family,
      port: ctx.env.target.port,
      payload,
      ttl,
      connectTimeoutMs: ctx.env.options.timeoutSeconds * 1000,
      waitMs,
    },
    ctx.signal,
  );
}

/** Only a reset of our bytes in flight can be placed this way, and only when the path may have sent it. */
function notReplayable(ctx: ProbeContext): string | null {
  const c = ctx.results.data(requestProbe)?.conversation;
  if (!c || c.outcome !== 'reset') return 'the request was not reset: there is no reset to locate';
  if (c.phase === 'connect')
    return 'the reset answered the SYN: its TTL already names the hop (see "Who sent the reset")';
  if (c.phase === 'transfer' || c.phase === 'idle')
    return `the reset came during ${c.phase}, not in answer to bytes we sent: replaying them cannot place it`;
  if (ctx.env.target.scheme === 'https' && c.phase !== 'tls')
    return 'the reset came after the TLS handshake: the request travels encrypted, so no device on the path could match it';
  const waited = afterSendMs(c);
  if (waited >= CUTOFF_MIN_MS)
    return `the reset came ${(waited / 1000).toFixed(1)} s after the request: a cut-off, not an answer to its bytes, so replaying them cannot place it (its TTL names the sender)`;
  const judged = countedResets(ctx.results.data(resetOriginProbe)?.resets ?? []).filter(
    (r) => r.role === 'request',
  );
  const server = judged.find((r) => r.origin === 'server' && r.confidence >= 0.75);
  if (server && !judged.some((r) => r.origin === 'path'))
    return `the server itself sent the reset (${server.reason}): there is no path device to locate`;
  return null;
}

async function triggerFor(ctx: ProbeContext): Promise<Trigger | string> {
  const { target } = ctx.env;
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

function pathLength(ctx: ProbeContext): number {
  const trace = ctx.results.data(tracerouteProbe);
  const ref = ctx.results.data(resetOriginProbe)?.reference;
  const hops = trace?.destinationHop ?? (ref ? ref.hopsAway + 1 : MAX_TTL);
  return Math.min(MAX_TTL, Math.max(1, hops));
}

function hopAddress(ctx: ProbeContext, attempts: ReplayAttempt[], hop: number): string | null {
  const seen = attempts.find((a) => a.ttl === hop && a.outcome === 'time-exceeded')?.from;
  return seen ?? ctx.results.data(tracerouteProbe)?.hops.find((h) => h.ttl === hop)?.address ?? null;
}

function locate(
  ctx: ProbeContext,
  trigger: Trigger,
  attempts: ReplayAttempt[],
  firstReset: ReplayResult | null,
  firstResetTtl: number | null,
  controlOutcome: ReplayAttempt['outcome'] | null,
  maxTtl: number,
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
      ? `between hop ${after} (${hopAddress(ctx, attempts, after) ?? 'silent'}) and hop ${firstResetTtl}`
      : 'before the first router (on this machine or its local network)';
  const ttlWords =
    firstReset.rstTtl !== null
      ? ` The RST arrived with TTL ${firstReset.rstTtl} (${routers(hopsAway(firstReset.rstTtl))})${rstHop === hop ? `, so hop ${hop} sent it` : ', which fits neither end: the device forges its TTL'}.`
      : ' The RST carries no usable TTL (IPv6 hop limits are not captured).';
  const control = `A harmless control (${trigger.controlText}) at TTL ${firstResetTtl} was ${controlOutcome === 'reset' ? 'reset too: the device resets any data on this port, not just these bytes' : `not reset (${controlOutcome})`}.`;
  return {
    ...base,
    hop,
    hopAddress: hopAddress(ctx, attempts, hop),
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

/** Where the device sits, in the words the wizard uses too. */
export function where(data: Pick<ResetHopData, 'hop' | 'hopAddress' | 'exact'>): string {
  return resetHopPlace(data.hop ?? 0, data.hopAddress, data.exact);
}

function outcome(data: ResetHopData): ProbeOutcome<ResetHopData> {
  const summary =
    data.verdict === 'located' || data.verdict === 'any-data'
      ? `The ${data.triggerText} is reset by a device ${where(data)}${data.verdict === 'any-data' ? '; harmless data is reset there too' : ', harmless data passes'}`
      : data.verdict === 'server'
        ? 'Only the server resets the replayed bytes'
        : 'The reset did not happen again when the bytes were replayed';
  return {
    status: 'complete',
    summary,
    assessment: data.verdict === 'located' || data.verdict === 'any-data' ? 'fail' : 'warn',
    data,
  };
}
