import { validateCall, type ExportFormat } from '../shared/api-contract.js';
import { reportRecord, watchRecord, type HistoryRecord } from '../shared/history-info.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { exported, type CallHandler } from '../engine/service/api-dispatch.js';
import { exportFile, reportSummary } from '../engine/service/run-service.js';
import { watchExportFile } from '../engine/service/watch-service.js';
import type { RunHistory } from '../engine/service/run-history.js';
import { firstLine } from '../engine/net/errno-failure.js';

/**
 * A face (Electron's main process, serve) keeps the runs it saw end, whichever process ran them (this
 * one, or the engine helper): each run-finished report and watch-finished result is saved as it passes,
 * and the history:* calls are answered here, never sent to the engine.
 */
export function keepRuns(
  history: RunHistory,
  inner: CallHandler,
): { calls: CallHandler; observe(event: RunEvent): void } {
  // One save at a time, in the order the runs ended.
  let saving = Promise.resolve();
  const save = (record: HistoryRecord) => {
    saving = saving
      .then(() => history.save(record))
      .catch((error: unknown) => {
        process.stderr.write(
          `reset-doctor: the run could not be kept in ${history.dir}: ${firstLine((error as Error).message)}\n`,
        );
      });
  };
  return {
    observe(event) {
      if (event.type === 'run-finished') save(reportRecord(event.report, event.runId));
      if (event.type === 'watch-finished' && event.result) save(watchRecord(event.result, event.runId));
    },
    calls: async (channel, args, hooks) => {
      // A summary for the clipboard: the engine's, while it still holds the run; else the kept report's.
      if (channel === 'report:summary') {
        const live = await inner(channel, args, hooks);
        if (live.ok || validateCall(channel, args) !== null) return live;
        await saving;
        const [runId, redact] = args as [string, boolean?];
        const record = await history.get(runId).catch(() => null);
        return record && 'report' in record
          ? { ok: true, result: reportSummary(record.report, redact === true) }
          : live;
      }
      if (channel !== 'history:list' && channel !== 'history:get' && channel !== 'history:export')
        return inner(channel, args, hooks);
      const problem = validateCall(channel, args);
      if (problem) return { ok: false, error: `refused: ${problem}` };
      const a = args as unknown[];
      try {
        await saving;
        if (channel === 'history:list')
          return { ok: true, result: { entries: await history.list(), problems: [...history.problems] } };
        const record = await history.get(a[0] as string);
        if (channel === 'history:get') return { ok: true, result: record };
        if (!record) return { ok: false, error: 'that run is no longer kept' };
        const format = a[1] as ExportFormat;
        if ('report' in record)
          return {
            ok: true,
            result: await exported(await exportFile(record.report, format, a[2] === true), hooks),
          };
        return { ok: true, result: await exported(await watchExportFile(record.watch, format, null), hooks) };
      } catch (error) {
        return {
          ok: false,
          error: `the kept runs could not be read: ${firstLine((error as Error).message)}`,
        };
      }
    },
  };
}
