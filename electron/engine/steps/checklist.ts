import type { StepDefinition } from '../runner/step-types.js';
import { applicationStep } from './application-step.js';
import { connectivityStep } from './connectivity-step.js';
import { firewallStep } from './firewall-step.js';
import { handshakeStep } from './handshake-step.js';
import { identifyStep } from './identify-step.js';
import { serverLogsStep } from './server-logs-step.js';

/** The six steps in the order a person reads them; the runner overlaps the independent ones. */
export const CHECKLIST: StepDefinition[] = [
  identifyStep,
  connectivityStep,
  serverLogsStep,
  firewallStep,
  applicationStep,
  handshakeStep,
];
