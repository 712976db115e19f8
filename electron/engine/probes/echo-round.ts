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
