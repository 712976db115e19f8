import { lookup } from 'node:dns/promises';
import { NetError, type DnsIo } from './engine-io.js';
import { failureFromError } from './errno-failure.js';

export const nodeDnsIo: DnsIo = {
  async lookup(host, signal) {
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      // getaddrinfo, as the person's applications resolve it (hosts file, search domains, nsswitch).
      const answers = await Promise.race([lookup(host, { all: true, verbatim: true }), aborted]);
      return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
    } catch (error) {
      if (error instanceof NetError) throw error;
      const failure = failureFromError(error);
      const message =
        failure.code === 'dns_nxdomain'
          ? `${host} does not resolve: the name does not exist (NXDOMAIN) or has no address`
          : failure.code === 'dns_no_answer'
            ? `${host} exists but has no address records`
            : failure.code === 'dns_server_failure'
              ? `the resolver failed or did not answer for ${host} (SERVFAIL or timeout)`
              : `looking up ${host} failed: ${failure.message}`;
      throw new NetError({ code: failure.code, message });
    }
  },
};
