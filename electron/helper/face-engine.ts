import type { RunEvent } from '../shared/run-event-info.js';
import { localCalls, type CallHandler } from '../engine/service/api-dispatch.js';
import { RunService } from '../engine/service/run-service.js';
import { RunHistory } from '../engine/service/run-history.js';
import { keepRuns } from './face-history.js';
import { startHelperEngine } from './helper-calls.js';
import type { HelperHello } from './helper-client.js';

export interface FaceEngineOptions {
  /** The engine helper to start (its launcher, or a runtime and script); absent: the engine runs here. */
  helper?: { command: string; args: string[] } | undefined;
  /** Tests pass their own service (recorded I/O) for the engine in this process. */
  service?: ((emit: (event: RunEvent) => void) => RunService) | undefined;
  /** Where the runs that end are kept (history:*); absent or null: none are kept. */
  historyDir?: string | null | undefined;
}

/** Where a face's calls go, and what it can tell the person about it. */
export interface FaceEngine {
  calls: CallHandler;
  /** What the engine helper said when it started, or why the engine runs in this process instead. */
  helper: { hello: HelperHello } | { problem: string } | null;
  dispose(): Promise<void>;
}

/**
 * The engine for one face (the browser mode's server, an Electron window): in the helper process when
 * one is asked for and starts, else in this process, so a helper that cannot start costs the privileged
 * probes, never the run.
 */
export async function startFaceEngine(
  options: FaceEngineOptions,
  toFace: (event: RunEvent) => void,
): Promise<FaceEngine> {
  // The runs that end are kept here, whichever process ran them.
  let kept: ReturnType<typeof keepRuns> | null = null;
  const emit = (event: RunEvent) => {
    toFace(event);
    kept?.observe(event);
  };
  const keeping = (calls: CallHandler): CallHandler => {
    if (!options.historyDir) return calls;
    kept = keepRuns(new RunHistory(options.historyDir), calls);
    return kept.calls;
  };
  const local = (problem: string | null): FaceEngine => {
    const service = options.service ? options.service(emit) : new RunService(emit);
    return {
      calls: keeping(localCalls(service)),
      helper: problem === null ? null : { problem },
      dispose: () => Promise.resolve(service.dispose()),
    };
  };
  if (!options.helper) return local(null);
  const helper = startHelperEngine(options.helper, emit);
  try {
    const hello = await helper.hello;
    return {
      calls: keeping(helper.calls),
      helper: { hello },
      dispose: () => helper.stop().then(() => undefined),
    };
  } catch (error) {
    return local((error as Error).message);
  }
}
