import type { ResolvedAddress } from '../../shared/probe-data-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { WatchCheck } from '../../shared/watch-info.js';
import type { IcmpIo, TcpIo } from '../net/engine-io.js';
import { conversationTo, exchangeFor } from '../probes/conversation-helpers.js';
import { sleep } from '../probes/probe-helpers.js';

/** A check gives up after this long: a watch's checks are a pulse, not a measurement of slowness. */
const CHECK_TIMEOUT_MS = 10_000;

/** An echo gives up after this long: a round trip of seconds is as good as lost for a check. */
const PING_TIMEOUT_MS = 2000;

/**
 * `watch --every SECONDS`: the request (an HTTP GET for http(s), a connection held briefly for other
 * ports) sent to the target at each interval, one at a time, so a quiet application still gives the
 * watch something to see, and an ICMP echo beside it (when this machine can ping), so the watch measures
 * loss on the path as a diagnosis does. Its connection is the watch's own: with capture, a reset of it is
 * judged like the person's.
 */
export async function runChecks(
  io: { tcp: TcpIo; icmp: IcmpIo | null },
  target: TargetInfo,
  address: ResolvedAddress,
  everySeconds: number,
  now: () => number,
  onCheck: (check: WatchCheck) => void,
  signal: AbortSignal,
): Promise<void> {
  const request = { ...conversationTo(target, address, CHECK_TIMEOUT_MS), ...exchangeFor(target) };
  const echo = { address: address.address, family: address.family, timeoutMs: PING_TIMEOUT_MS };
  while (!signal.aborted) {
    const at = now();
    try {
      const [c, ping] = await Promise.all([
        io.tcp.converse(request, signal),
        io.icmp
          ? io.icmp.echo(echo, signal).then(
              (e) => ({ answered: e.kind === 'reply', rttMs: e.kind === 'reply' ? e.rttMs : null }),
              () => null,
            )
          : null,
      ]);
      if (signal.aborted) return;
      onCheck({
        at,
        outcome: c.outcome,
        ms: Math.round(c.endedAt - c.startedAt),
        status: c.response?.statusCode ?? null,
        localPort: c.localPort,
        ping,
      });
    } catch {
      if (signal.aborted) return;
    }
    const wait = Math.max(0, at + everySeconds * 1000 - now());
    await sleep(wait, signal);
  }
}
