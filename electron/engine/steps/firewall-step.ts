import { localRulesProbe } from '../probes/local-rules-probe.js';
import { pathEvidenceProbe } from '../probes/path-evidence-probe.js';
import { securitySoftwareProbe } from '../probes/security-software-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

export const firewallStep: StepDefinition = {
  id: 'firewall',
  needs: ['connectivity'],
  probes: [localRulesProbe, securitySoftwareProbe, pathEvidenceProbe],
  timeoutMs: () => 15_000,
  async run(step) {
    await Promise.all([
      step.probe(localRulesProbe),
      step.probe(securitySoftwareProbe),
      step.probe(pathEvidenceProbe),
    ]);
  },
};
