import type { Finding, Origin, Phase } from '../../../shared/cause-info.js';
import type { ObservationOf, Observations, RequestFailure, RequestOutcome } from '../observation-types.js';

type Requests = ObservationOf<'requests'>;

/** How many requests failed this way (0 when the request did not run). */
export function failedAs(r: Requests | null, ...classes: RequestFailure[]): number {
  return r ? classes.reduce((n, c) => n + (r.classes[c] ?? 0), 0) : 0;
}

/** The first request (in the server's order) that failed in one of these ways. */
export function firstFailed(r: Requests | null, ...classes: RequestFailure[]): RequestOutcome | null {
  return r?.outcomes.find((o) => o.failure !== null && classes.includes(o.failure)) ?? null;
}

/** "k of n requests failed, every 3rd": only when the request was repeated and failed sometimes, not always. */
export function intermittency(r: Requests | null): Finding['intermittency'] | undefined {
  if (!r || r.total < 2 || r.failed === 0 || r.pattern === null) return undefined;
  return {
    failed: r.failed,
    total: r.total,
    pattern: r.pattern,
    ...(r.period !== null ? { period: r.period } : {}),
  };
}

/** The phase a request failure names, as the report's vocabulary has it. */
export function requestPhase(o: RequestOutcome | null): Phase {
  if (!o) return 'request';
  if (o.phase === 'connect' || o.phase === 'idle') return 'connect';
  return o.phase;
}

/**
 * The sender of a group's resets as far as it was seen: only a captured reset names a side; without
 * capture the origin stays unknown.
 */
export function seenOrigin(all: Observations, group: 'connect' | 'request' | 'idle' | 'load'): Origin {
  const r = all.resets(group);
  if (!r || r.origin === 'unknown') return 'unknown';
  return r.local ? 'local' : r.origin;
}

export function seenHop(all: Observations, group: 'connect' | 'request' | 'idle' | 'load'): number | null {
  const r = all.resets(group);
  return r && r.origin === 'path' && !r.local ? r.hop : null;
}

/** "3 of 11 requests", "the request". */
export function requestsWords(r: Requests, n: number): string {
  return r.total === 1 ? 'the request' : `${n} of ${r.total} requests`;
}
