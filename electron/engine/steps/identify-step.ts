import { errorTextProbe } from '../probes/error-text-probe.js';
import { localSocketsProbe } from '../probes/local-sockets-probe.js';
import { privilegesProbe } from '../probes/privileges-probe.js';
import { targetProbe } from '../probes/target-probe.js';
import { tcpCountersBeforeProbe } from '../probes/tcp-counters-probe.js';
import type { AnyProbe } from '../runner/probe-types.js';
import type { StepDefinition } from '../runner/step-types.js';

const PROBES: AnyProbe[] = [
  targetProbe,
  errorTextProbe,
  privilegesProbe,
  localSocketsProbe,
  tcpCountersBeforeProbe,
];

/**
 * Runs before any probe opens a connection, so the local socket table shows the person's own
 * applications' connections to the target and the TCP counters start from a clean snapshot.
 */
export const identifyStep: StepDefinition = {
  id: 'identify',
  needs: [],
  probes: PROBES,
  timeoutMs: () => 10_000,
  async run(step) {
    await Promise.all(PROBES.map((probe) => step.probe(probe)));
  },
};
