import { logScanProbe } from '../probes/log-scan-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const serverLogsStep: StepDefinition = {
  id: 'server-logs',
  needs: [],
  probes: [logScanProbe],
  // A multi-gigabyte log takes a while to stream; it runs beside the network steps.
  timeoutMs: () => 600_000,
  async run(step) {
    await step.probe(logScanProbe);
  },
};
