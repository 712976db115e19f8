import { packetCaptureProbe } from '../probes/packet-capture-probe.js';
import { resetHopProbe } from '../probes/reset-hop-probe.js';
import { resetOriginProbe } from '../probes/reset-origin-probe.js';
import { tcpCountersProbe } from '../probes/tcp-counters-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const handshakeStep: StepDefinition = {
  id: 'handshake',
  needs: ['connectivity', 'application'],
  probes: [packetCaptureProbe, resetOriginProbe, resetHopProbe, tcpCountersProbe],
  // The hop search replays one connection per TTL, each waiting at most a second for its answer.
  timeoutMs: (o) => 5_000 + 31 * Math.min(o.timeoutSeconds, 1) * 1_000,
  async run(step) {
    await step.probe(packetCaptureProbe);
    await step.probe(resetOriginProbe);
    // After the origin is judged: only a reset the path may have sent is worth placing.
    await step.probe(resetHopProbe);
    // Last of all, so the counters' difference covers every connection the run made.
    await step.probe(tcpCountersProbe);
  },
};
