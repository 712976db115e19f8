import { dnsProbe } from '../probes/dns-probe.js';
import { pathMtuProbe } from '../probes/path-mtu-probe.js';
import { pingProbe } from '../probes/ping-probe.js';
import { NO_ADDRESS } from '../probes/probe-helpers.js';
import { tcpConnectProbe } from '../probes/tcp-connect-probe.js';
import { tracerouteProbe } from '../probes/traceroute-probe.js';
import type { AnyProbe } from '../runner/probe-types.js';
import type { StepDefinition } from '../runner/step-types.js';

const AFTER_DNS: AnyProbe[] = [pingProbe, tracerouteProbe, tcpConnectProbe, pathMtuProbe];

export const connectivityStep: StepDefinition = {
  id: 'connectivity',
  // After identify, whose socket table and counters must not see this step's own connections.
  needs: ['identify'],
  probes: [dnsProbe, ...AFTER_DNS],
  timeoutMs: (o) => 8_000 + o.timeoutSeconds * 3_000,
  async run(step) {
    const dns = await step.probe(dnsProbe);
    const addresses = dns.data?.addresses ?? [];
    if (addresses.length === 0) {
      for (const probe of AFTER_DNS) step.skip(probe, NO_ADDRESS);
      return;
    }
    step.env.capture?.watch(addresses.map((a) => a.address));
    // Independent measurements of the same path: run them together.
    await Promise.all(AFTER_DNS.map((probe) => step.probe(probe)));
  },
};
