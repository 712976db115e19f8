import { isIP } from 'node:net';
import type { DnsData } from '../../shared/probe-data-info.js';
import { NetError } from '../net/engine-io.js';
import type { ProbeDefinition } from '../runner/probe-types.js';

// Declared where the faces read it too (the wizard takes the target's addresses from it).
export type { DnsData } from '../../shared/probe-data-info.js';

export const dnsProbe: ProbeDefinition<DnsData> = {
  id: 'dns',
  title: 'DNS resolution',
  async run({ env, signal }) {
    const host = env.target.hostAscii;
    const version = isIP(host);
    if (version === 4 || version === 6) {
      const data: DnsData = {
        host,
        addresses: [{ address: host, family: version }],
        durationMs: 0,
        literal: true,
        failure: null,
      };
      return {
        status: 'complete',
        summary: `${host} is an IP address: nothing to resolve`,
        assessment: 'ok',
        data,
      };
    }
    const started = env.now();
    try {
      const addresses = await env.io.dns.lookup(host, signal);
      const durationMs = env.now() - started;
      const list = addresses.map((a) => a.address).join(', ');
      const data: DnsData = { host, addresses, durationMs, literal: false, failure: null };
      return {
        status: 'complete',
        summary: `${host} resolves to ${list} in ${durationMs.toFixed(1)} ms`,
        assessment: durationMs > 1000 ? 'warn' : 'ok',
        data,
      };
    } catch (error) {
      if (!(error instanceof NetError)) throw error;
      if (error.failure.code === 'cancelled') return { status: 'failed', failure: error.failure };
      const durationMs = env.now() - started;
      const data: DnsData = { host, addresses: [], durationMs, literal: false, failure: error.failure };
      return { status: 'complete', summary: error.failure.message, assessment: 'fail', data };
    }
  },
};
