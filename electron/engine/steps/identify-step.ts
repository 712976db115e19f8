import { errorTextProbe } from '../probes/error-text-probe.js';
import { privilegesProbe } from '../probes/privileges-probe.js';
import { targetProbe } from '../probes/target-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const identifyStep: StepDefinition = {
  id: 'identify',
  needs: [],
  probes: [targetProbe, errorTextProbe, privilegesProbe],
  timeoutMs: () => 5_000,
  async run(step) {
    await Promise.all([step.probe(targetProbe), step.probe(errorTextProbe), step.probe(privilegesProbe)]);
  },
};
