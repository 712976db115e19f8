/**
 * Runs only Reset Doctor's traceroute probe against an address and prints its duration in ms and hops
 * as JSON. bench/run-bench.ts runs it inside the lab's client namespace, beside the reference tools.
 */
import { createNetPingIo } from '../electron/engine/net/net-ping-io.js';
import { tracerouteProbe } from '../electron/engine/probes/traceroute-probe.js';
import { dnsProbe } from '../electron/engine/probes/dns-probe.js';
import type { ProbeContext } from '../electron/engine/runner/probe-types.js';
import type { RunEnvironment } from '../electron/engine/runner/run-environment.js';

const address = process.argv[2] ?? '';
const icmp = createNetPingIo();
const ctx = {
  signal: new AbortController().signal,
  progress: () => {},
  env: {
    io: { icmp },
    options: { timeoutSeconds: 1 },
    privileges: { raw: true, note: '' },
  } as unknown as RunEnvironment,
  results: {
    get: () => undefined,
    data: (probe: { id: string }) =>
      probe.id === dnsProbe.id ? { addresses: [{ address, family: address.includes(':') ? 6 : 4 }] } : null,
  },
} as unknown as ProbeContext;
const started = performance.now();
const outcome = await tracerouteProbe.run(ctx);
const ms = performance.now() - started;
icmp.close();
const hops = outcome.status === 'complete' ? outcome.data.hops.map((h) => h.address ?? '*') : [];
process.stdout.write(`${JSON.stringify({ ms, hops })}\n`);
