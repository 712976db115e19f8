import { NetError, type EchoRequest, type EchoResult, type IcmpIo } from '../net/engine-io.js';
import { anySignal } from './probe-helpers.js';

// As traceroute's NEAR factor: once something answered, a silent echo gets this many times the slowest
// answer's round trip after the last answer (never less than the floor) before it is called lost.
const QUIET_FACTOR = 10;
const QUIET_FLOOR_MS = 100;

/**
 * Sends a batch of echoes at once and waits for all of them, but stops waiting for silent ones once the
 * others have gone quiet: a size that cannot pass then costs a fraction of a second, not a full timeout
 * per round. Only answers from the network set the pace (a local EMSGSIZE says nothing about the round
 * trip). The system ping tool starts one process per echo, so its round trips do not say when the last
 * echo left: with it every echo keeps its full timeout.
 */
export async function echoRound(
  icmp: IcmpIo,
  requests: EchoRequest[],
  signal: AbortSignal,
): Promise<EchoResult[]> {
  const quiet = new AbortController();
  const roundSignal = anySignal(signal, quiet.signal);
  const early = icmp.method !== 'system-ping';
  let slowestMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const answered = (result: EchoResult) => {
    if (!early || result.from === null || result.kind === 'timeout' || result.kind === 'error') return;
    slowestMs = Math.max(slowestMs, result.rttMs);
    clearTimeout(timer);
    timer = setTimeout(() => quiet.abort(), Math.max(QUIET_FLOOR_MS, slowestMs * QUIET_FACTOR));
  };
  const started = performance.now();
  if (!early && icmp.series !== undefined) {
    const grouped = await inSeries(icmp, requests, signal);
    if (grouped !== null) return grouped;
  }
  try {
    return await Promise.all(
      requests.map((request) =>
        icmp.echo(request, roundSignal).then(
          (result) => {
            answered(result);
            return result;
          },
          (error: unknown): EchoResult => {
            const rttMs = performance.now() - started;
            // Cut short by the quiet wait (or the run's cancel, which the caller checks): no answer.
            if (roundSignal.aborted) return { kind: 'timeout', from: null, rttMs };
            const message = error instanceof NetError ? error.failure.message : String(error);
            return { kind: 'error', from: null, rttMs, message };
          },
        ),
      ),
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Between the echoes of one series: the least iputils allows an ordinary user is 2 ms. */
const SERIES_INTERVAL_MS = 5;

/**
 * With the system ping tool, the echoes of a round that are alike (the tries of one size) go out as one
 * process each: a path-MTU round is then nine processes, not eighteen, which on a small machine is CPU the
 * rest of the run gets back. Null when the tool refuses a series: the caller sends them one by one.
 */
async function inSeries(
  icmp: IcmpIo,
  requests: EchoRequest[],
  signal: AbortSignal,
): Promise<EchoResult[] | null> {
  const groups = new Map<string, number[]>();
  requests.forEach((request, i) => {
    const key = JSON.stringify(request);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const results: EchoResult[] = [];
  const sent = await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const request = requests[indexes[0]!]!;
      const answers =
        indexes.length === 1
          ? [await icmp.echo(request, signal).catch(failed)]
          : await icmp.series!(request, indexes.length, SERIES_INTERVAL_MS, signal).catch(() => null);
      if (answers === null) return false;
      indexes.forEach((at, k) => (results[at] = answers[k] ?? failed('no answer')));
      return true;
    }),
  );
  return sent.every(Boolean) ? results : null;
}

function failed(error: unknown): EchoResult {
  const message = error instanceof NetError ? error.failure.message : String(error);
  return { kind: 'error', from: null, rttMs: 0, message };
}
