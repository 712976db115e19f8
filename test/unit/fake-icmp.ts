import type { DnsData } from '../../electron/shared/probe-data-info.js';
import { NetError, type EchoRequest, type EchoResult } from '../../electron/engine/net/engine-io.js';

/**
 * Pieces of a fake ICMP path for probe specs: an answer a moment later, and silence that lasts the echo's
 * timeout unless the caller stops waiting (then the echo is cancelled, as the real ones are).
 */
export function echoAnswer(result: Omit<EchoResult, 'rttMs'>): Promise<EchoResult> {
  return new Promise((resolve) => setTimeout(() => resolve({ ...result, rttMs: 1 }), 1));
}

export function echoSilence(request: EchoRequest, signal: AbortSignal): Promise<EchoResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => resolve({ kind: 'timeout', from: null, rttMs: request.timeoutMs }),
      request.timeoutMs,
    );
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
      },
      { once: true },
    );
  });
}

/** What the DNS probe found for the lab's web server, at `address`. */
export function labDns(address: string): DnsData {
  return {
    host: 'web.lab.test',
    addresses: [{ address, family: 4 }],
    durationMs: 1,
    literal: false,
    failure: null,
  };
}
