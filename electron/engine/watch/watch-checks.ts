import type { ResolvedAddress } from '../../shared/probe-data-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { ConversationOutcome } from '../net/conversation-types.js';
import type { TcpIo } from '../net/engine-io.js';
import { conversationTo, exchangeFor } from '../probes/conversation-helpers.js';
import { sleep } from '../probes/probe-helpers.js';

/** One light check of the target during a watch: the request the diagnosis makes, once. */
export interface WatchCheck {
  /** Watch clock, ms, when it started. */
  at: number;
  outcome: ConversationOutcome;
  /** How long it took, to its answer or its failure. */
  ms: number;
  /** The HTTP status, for http(s) targets that answered. */
  status: number | null;
  /** Its local port: a reset of it is caught like any other connection's. */
  localPort: number | null;
}

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

/** "12 checks: 10 answered (median 3 ms), 2 reset": what the checks saw, in one line. */
export function checksLine(checks: WatchCheck[]): string {
  if (checks.length === 0) return 'No check finished.';
  const by = new Map<string, number>();
  for (const c of checks) by.set(c.outcome, (by.get(c.outcome) ?? 0) + 1);
  const answered = checks
    .filter((c) => c.outcome === 'complete')
    .map((c) => c.ms)
    .sort((a, b) => a - b);
  const parts = [...by].map(([outcome, n]) =>
    outcome === 'complete'
      ? `${n} answered (median ${answered[Math.floor(answered.length / 2)]} ms)`
      : `${n} ${outcome === 'closed' ? 'closed early' : outcome}`,
  );
  return `${checks.length} check${checks.length === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}
