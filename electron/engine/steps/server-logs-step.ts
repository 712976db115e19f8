import { logScanProbe } from '../probes/log-scan-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const serverLogsStep: StepDefinition = {
  id: 'server-logs',
  // After the application step, so log lines can be matched with the run's own connections (time, ports).
  needs: ['application'],
  probes: [logScanProbe],
  // A multi-gigabyte log takes a while to stream; it runs beside the network steps.
  timeoutMs: () => 600_000,
  async run(step) {
    await step.probe(logScanProbe);
  },
};
