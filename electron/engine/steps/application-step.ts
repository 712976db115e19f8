import { concurrencyProbe } from '../probes/concurrency-probe.js';
import { connectionRateProbe } from '../probes/connection-rate-probe.js';
import { idleProbe } from '../probes/idle-probe.js';
import { NO_ADDRESS } from '../probes/probe-helpers.js';
import { recoveryProbe } from '../probes/recovery-probe.js';
import { requestRepeatProbe } from '../probes/request-repeat-probe.js';
import { requestProbe } from '../probes/request-probe.js';
import { bareOutcome, tcpConnectProbe } from '../probes/tcp-connect-probe.js';
import type { StepDefinition } from '../runner/step-types.js';

const PROBES = [
  requestProbe,
  recoveryProbe,
  requestRepeatProbe,
  connectionRateProbe,
  concurrencyProbe,
  idleProbe,
];

export const applicationStep: StepDefinition = {
  id: 'application',
  needs: ['connectivity'],
  probes: PROBES,
  // The request may wait --wait for a slow answer, and its repeats half as long again.
  timeoutMs: (o) =>
    16_000 + o.timeoutSeconds * 8_000 + o.waitSeconds * 3_000 + (o.idleMaxSeconds ?? 0) * 2_500,
  async run(step) {
    const connect = step.results.get(tcpConnectProbe);
    if (connect?.status !== 'complete') {
      for (const probe of PROBES) step.skip(probe, connect?.skipReason ?? NO_ADDRESS);
      return;
    }
    const outcome = connect.data ? bareOutcome(connect.data) : null;
    if (outcome && ['refused', 'timeout', 'unreachable', 'failed'].includes(outcome)) {
      const reason = `TCP connect already failed (${outcome}): there is no connection to send a request on`;
      for (const probe of PROBES) step.skip(probe, reason);
      return;
    }
    // In this order: a crash caused by the request must be seen before other probes add connections.
    await step.probe(requestProbe);
    await step.probe(recoveryProbe);
    // Before the ramps, which may trip a limit: the repeats must meet the server as the application does.
    await step.probe(requestRepeatProbe);
    // Before the concurrency ramp, whose quick openings would trip a rate limit and take it for a count.
    await step.probe(connectionRateProbe);
    await step.probe(concurrencyProbe);
    await step.probe(idleProbe);
  },
};
