import { packetCaptureProbe } from '../probes/packet-capture-probe.js';
import { resetOriginProbe } from '../probes/reset-origin-probe.js';
import { tcpCountersProbe } from '../probes/tcp-counters-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const handshakeStep: StepDefinition = {
  id: 'handshake',
  needs: ['connectivity', 'application'],
  probes: [packetCaptureProbe, resetOriginProbe, tcpCountersProbe],
  timeoutMs: () => 5_000,
  async run(step) {
    await step.probe(packetCaptureProbe);
    await step.probe(resetOriginProbe);
    // Last of all, so the counters' difference covers every connection the run made.
    await step.probe(tcpCountersProbe);
  },
};
