import type { LabScenario } from './lab-scenario-kit.js';

/** Resets forged on the path, and resets from the server with and without a socket. */
export const INJECT_SCENARIOS: LabScenario[] = [];
