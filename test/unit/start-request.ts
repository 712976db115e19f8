import type { StartRunRequest } from '../../electron/shared/api-contract.js';

/**
 * The run request the service and serve specs start: the lab's web target with a short connect timeout
 * and two concurrent connections, so a replayed or stubbed run is quick. One definition for every spec.
 */
export function startRequest(overrides: Partial<StartRunRequest> = {}): StartRunRequest {
  return {
    target: 'http://web.lab.test/',
    errorText: null,
    logFile: null,
    idleMaxSeconds: null,
    concurrency: 2,
    rateMax: 40,
    timeoutSeconds: 1,
    waitSeconds: 30,
    repeat: 10,
    ...overrides,
  };
}
