import {
  validateCall,
  type ExportFormat,
  type StartRunRequest,
  type WatchExportFormat,
} from '../shared/api-contract.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { latestOf, type CallHandler, type DispatchResult } from '../engine/service/api-dispatch.js';
import { exportFile } from '../engine/service/run-service.js';
import { watchExportFile } from '../engine/service/watch-service.js';
import { EngineHelper, type HelperExit, type HelperHello } from './helper-client.js';
import { HelperRunLedger } from './helper-run-ledger.js';
import { HelperWatchLedger } from './helper-watch-ledger.js';

/**
 * The calls of a face (the browser mode's WebSocket, later the Electron window) sent to the engine helper.
 * What belongs to the face stays here: its mode in app:info, the file dialogs (log:choose, saving an
 * export), and its owner signal (when a browser's socket closes, the runs it started are cancelled, as
 * they are in-process). Calls are checked here too, so nothing malformed crosses into the helper. The
 * reports of runs the helper left when it died are answered here, from the ledger.
 */
export function helperCalls(
  helper: Pick<EngineHelper, 'call'>,
  ledger: HelperRunLedger = new HelperRunLedger(),
  watches: HelperWatchLedger = new HelperWatchLedger(),
): CallHandler {
  return async (channel, args, hooks) => {
    const problem = validateCall(channel, args);
    if (problem !== null) return { ok: false, error: `refused: ${problem}` };
    const list = args as unknown[];
    if (channel === 'log:choose')
      return { ok: true, result: { path: hooks.chooseLog ? await hooks.chooseLog() : null } };
    if (channel === 'run:latest') return { ok: true, result: latestOf(hooks) };
    const answer =
      (await leftByHelper(channel as string, list, ledger, watches)) ??
      (await helper.call(channel as string, list));
    if (!answer.ok) return answer;
    if (channel === 'app:info')
      return {
        ok: true,
        result: { ...(answer.result as object), mode: hooks.mode, canChooseFiles: hooks.mode === 'electron' },
      };
    if (channel === 'run:start' || channel === 'watch:start') {
      const { runId } = answer.result as { runId: string };
      if (channel === 'run:start') ledger.started(runId, list[0] as StartRunRequest);
      if (hooks.owner) {
        const owner = hooks.owner;
        const stop = channel === 'run:start' ? 'run:cancel' : 'watch:stop';
        const cancel = (): void => void helper.call(stop, [runId]);
        if (owner.aborted) cancel();
        else owner.addEventListener('abort', cancel, { once: true });
      }
    }
    if ((channel === 'report:export' || channel === 'watch:export') && hooks.saveExport) {
      const file = answer.result as { fileName: string; mime: string; content: string };
      return { ok: true, result: { kind: 'saved', path: await hooks.saveExport(file) } };
    }
    return answer;
  };
}

/** The answer to a call about a run or a watch the helper left when it died, from the ledgers; else null. */
async function leftByHelper(
  channel: string,
  list: unknown[],
  ledger: HelperRunLedger,
  watches: HelperWatchLedger,
): Promise<DispatchResult | null> {
  const runId = list[0] as string;
  if (channel === 'report:get' || channel === 'report:export') {
    const report = ledger.report(runId);
    if (report === null) return null;
    return {
      ok: true,
      result:
        channel === 'report:get'
          ? report
          : await exportFile(report, list[1] as ExportFormat, list[2] === true),
    };
  }
  if (channel === 'watch:get' || channel === 'watch:export') {
    const result = watches.result(runId);
    if (result === null) return null;
    if (channel === 'watch:get') return { ok: true, result };
    try {
      return { ok: true, result: await watchExportFile(result, list[1] as WatchExportFormat, null) };
    } catch (error) {
      // The packets stayed in the helper that died: said in one line, as the service says it.
      return { ok: false, error: (error as Error).message };
    }
  }
  return null;
}

export interface HelperEngine {
  calls: CallHandler;
  /** What the helper said when it started; rejects when it could not start. */
  hello: Promise<HelperHello>;
  stop(): Promise<HelperExit>;
}

/**
 * The engine in a helper process, for a face: its calls, and its events passed to `emit`. When the
 * helper dies, each run it left ends with a run-finished event of what it had measured (the ledger),
 * then `onExit` says why.
 */
export function startHelperEngine(
  spawn: { command: string; args: string[]; env?: NodeJS.ProcessEnv },
  emit: (event: RunEvent) => void,
  onExit?: (exit: HelperExit) => void,
): HelperEngine {
  const ledger = new HelperRunLedger();
  const watches = new HelperWatchLedger();
  let privileges = { raw: false, note: 'the engine helper stopped before it said what it could do' };
  const helper = new EngineHelper({
    ...spawn,
    onEvent: (event) => {
      ledger.follow(event);
      watches.follow(event);
      emit(event);
    },
    onExit: (exit) => {
      for (const event of ledger.helperStopped(exit.reason, privileges)) emit(event);
      for (const event of watches.helperStopped(exit.reason)) emit(event);
      onExit?.(exit);
    },
  });
  helper.hello.then(
    (hello) => (privileges = { raw: hello.privileged, note: hello.privilegeNote }),
    () => undefined,
  );
  return { calls: helperCalls(helper, ledger, watches), hello: helper.hello, stop: () => helper.stop() };
}
