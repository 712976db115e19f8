import { packetCaptureProbe } from '../probes/packet-capture-probe.js';
import { resetOriginProbe } from '../probes/reset-origin-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const handshakeStep: StepDefinition = {
  id: 'handshake',
  needs: ['connectivity', 'application'],
  probes: [packetCaptureProbe, resetOriginProbe],
  timeoutMs: () => 5_000,
  async run(step) {
    await step.probe(packetCaptureProbe);
    await step.probe(resetOriginProbe);
  },
};
