import type { ResetHopData } from '../../shared/reset-data-info.js';
import { resetHopPlace } from '../../shared/reset-words.js';
import { countedResets } from '../forensics/reset-origin.js';
import { RAW_SOCKET_GRANT } from '../net/raw-network.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import { answerTimeoutMs, NO_ADDRESS, targetAddress } from './probe-helpers.js';
import { resetOriginProbe } from './reset-origin-probe.js';
import { searchResetHop, triggerFor } from './reset-hop-search.js';
import { afterSendMs, CUTOFF_MIN_MS, requestProbe } from './request-probe.js';
import { tracerouteProbe } from './traceroute-probe.js';

// Declared where the faces read it too (the replays by TTL, the hop on the traceroute).
export type { ResetHopData } from '../../shared/reset-data-info.js';

const MAX_TTL = 30;
// A skip reason is shown as plain text: no backticks, and the grant worded as everywhere else.
const NEEDS_RAW = `replaying the exchange with a chosen TTL needs raw sockets: ${RAW_SOCKET_GRANT}`;

/**
 * Which hop resets the request (reset-hop-search.ts: its bytes replayed with TTL 1, 2, 3...), when the
 * request was reset in answer to its bytes and the path may have sent it. Side effects: one fresh
 * connection per TTL carrying the request's bytes (which may trigger the device again); it runs after
 * every other network probe.
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
    const trigger = await triggerFor(ctx.env.target);
    if (typeof trigger === 'string') return { status: 'skipped', reason: trigger };
    const maxTtl = pathLength(ctx);
    const trace = ctx.results.data(tracerouteProbe);
    const data = await searchResetHop({
      replay,
      address,
      port: ctx.env.target.port,
      trigger,
      maxTtl,
      waitMs: answerTimeoutMs(ctx, 1000),
      connectTimeoutMs: ctx.env.options.timeoutSeconds * 1000,
      signal: ctx.signal,
      knownHop: (hop) => trace?.hops.find((h) => h.ttl === hop)?.address ?? null,
      onAttempt: (a) => ctx.progress(`TTL ${a.ttl}: ${a.outcome}`, Math.min(1, a.ttl / maxTtl), a),
    });
    if (data === null) return { status: 'failed', failure: { code: 'cancelled', message: 'cancelled' } };
    return outcome(data, placedByTtl(ctx, 'request'));
  },
};

/** Only a reset of our bytes in flight can be placed this way, and only when the path may have sent it. */
function notReplayable(ctx: ProbeContext): string | null {
  const c = ctx.results.data(requestProbe)?.conversation;
  if (!c || c.outcome !== 'reset') {
    // The verdict may still name a hop, from a reset of another connection: say where it comes from,
    // so "not reset" does not read as a contradiction of it.
    const placed = placedByTtl(ctx);
    return placed
      ? `the request itself was not reset here, so there are no bytes to replay; ${placed}`
      : 'the request was not reset: there is no reset to locate';
  }
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

/**
 * Where the capture already placed a reset (or a FIN that cut a connection off) from the path by its TTL,
 * of the request's connections or of any, in words: "hop 2 comes from the TTL of the reset on “idle #1”
 * (see "Who sent the reset")".
 */
function placedByTtl(ctx: ProbeContext, role?: 'request'): string | null {
  const judged = ctx.results.data(resetOriginProbe);
  const fromPath = (r: { origin: string; hop: number | null; role: string }) =>
    r.origin === 'path' && r.hop !== null && (role === undefined || r.role === role);
  const placed = (hop: number | null, what: string) =>
    `hop ${hop} comes from the TTL of ${what} (see "${resetOriginProbe.title}")`;
  const reset = countedResets(judged?.resets ?? []).find(fromPath);
  if (reset) return placed(reset.hop, `the reset on “${reset.connection}”`);
  const fin = (judged?.closes ?? []).find(fromPath);
  return fin ? placed(fin.hop, `the FIN that closed “${fin.connection}”`) : null;
}

function pathLength(ctx: ProbeContext): number {
  const trace = ctx.results.data(tracerouteProbe);
  const ref = ctx.results.data(resetOriginProbe)?.reference;
  const hops = trace?.destinationHop ?? (ref ? ref.hopsAway + 1 : MAX_TTL);
  return Math.min(MAX_TTL, Math.max(1, hops));
}

/** Where the device sits, in the words the wizard uses too. */
export function where(data: Pick<ResetHopData, 'hop' | 'hopAddress' | 'exact'>): string {
  return resetHopPlace(data.hop ?? 0, data.hopAddress, data.exact);
}

/** `placed`: where the request's captured reset was placed by its TTL, told when the replays place nothing. */
function outcome(data: ResetHopData, placed: string | null): ProbeOutcome<ResetHopData> {
  const summary =
    data.verdict === 'located' || data.verdict === 'any-data'
      ? `The ${data.triggerText} is reset by a device ${where(data)}${data.verdict === 'any-data' ? '; harmless data is reset there too' : ', harmless data passes'}`
      : data.verdict === 'server'
        ? 'Only the server resets the replayed bytes'
        : `The reset did not happen again when the bytes were replayed${placed ? `: ${placed}, not from these replays` : ''}`;
  return {
    status: 'complete',
    summary,
    assessment: data.verdict === 'located' || data.verdict === 'any-data' ? 'fail' : 'warn',
    data,
  };
}
