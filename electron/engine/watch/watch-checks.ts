import type { ResolvedAddress } from '../../shared/probe-data-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { WatchCheck } from '../../shared/watch-info.js';
import type { TcpIo } from '../net/engine-io.js';
import { conversationTo, exchangeFor } from '../probes/conversation-helpers.js';
import { sleep } from '../probes/probe-helpers.js';

/** A check gives up after this long: a watch's checks are a pulse, not a measurement of slowness. */
const CHECK_TIMEOUT_MS = 10_000;

/**
 * `watch --every SECONDS`: the request (an HTTP GET for http(s), a connection held briefly for other
 * ports) sent to the target at each interval, one at a time, so a quiet application still gives the
 * watch something to see. Its connection is the watch's own: with capture, a reset of it is judged like
 * the person's.
 */
export async function runChecks(
  tcp: TcpIo,
  target: TargetInfo,
  address: ResolvedAddress,
  everySeconds: number,
  now: () => number,
  onCheck: (check: WatchCheck) => void,
  signal: AbortSignal,
): Promise<void> {
  const request = { ...conversationTo(target, address, CHECK_TIMEOUT_MS), ...exchangeFor(target) };
  while (!signal.aborted) {
    const at = now();
    try {
      const c = await tcp.converse(request, signal);
      if (signal.aborted) return;
      onCheck({
        at,
        outcome: c.outcome,
        ms: Math.round(c.endedAt - c.startedAt),
        status: c.response?.statusCode ?? null,
        localPort: c.localPort,
      });
    } catch {
      if (signal.aborted) return;
    }
    const wait = Math.max(0, at + everySeconds * 1000 - now());
    await sleep(wait, signal);
  }
}
