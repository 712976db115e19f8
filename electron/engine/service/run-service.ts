import { platform } from 'node:os';
import type {
  AppInfo,
  ErrorTextCheck,
  ExportFormat,
  StartRunRequest,
  TargetCheck,
} from '../../shared/api-contract.js';
import type { Report } from '../../shared/report-info.js';
import type { RunEvent } from '../../shared/run-event-info.js';
import { printable } from '../../shared/printable-text.js';
import { STEP_IDS, type StepId } from '../../shared/step-info.js';
import { parseErrorText } from '../parsers/error-text-parser.js';
import { InputError } from '../input-error.js';
import { parseTarget } from '../parsers/target-parser.js';
import { renderMarkdownSummary } from '../report/report-markdown.js';
import { redactReport } from '../report/report-redact.js';
import { renderReport } from '../report/report-writer.js';
import { detectPrivileges, DiagnosisSession, type DiagnosisRun } from '../run-diagnosis.js';
import type { Privileges } from '../runner/run-environment.js';
import { firstLine } from '../net/errno-failure.js';
import { TOOL_VERSION } from '../tool-version.js';
import { ApiError } from './api-error.js';
import { WatchService, type WatchOverrides } from './watch-service.js';

export { ApiError };

interface Entry {
  session: DiagnosisSession;
  controller: AbortController;
  busy: boolean;
  /** Stops listening to the owner's end (a closed WebSocket) once the session is dropped. */
  unlisten: () => void;
}

/**
 * Runs in progress at once, per service (one Electron window, one browser-mode server): each holds
 * sockets, maybe a packet capture, and the memory of every conversation it records.
 */
export const MAX_RUNNING = 3;
/** Finished sessions kept for a re-run or an export; their sockets are released when their run ends. */
const KEEP_SESSIONS = 5;
const MIME: Record<ExportFormat, string> = {
  html: 'text/html',
  json: 'application/json',
  md: 'text/markdown',
};

/**
 * The runs a wizard started, for both faces of the UI (Electron IPC and the browser mode's WebSocket).
 * Sessions are kept after their run (the last KEEP_SESSIONS), so a step can be run again and the report
 * exported; their raw sockets and capture are closed as each run ends, not held while idle.
 */
export class RunService {
  private readonly sessions = new Map<string, Entry>();
  private readonly privileges: Promise<Privileges>;
  /** Runs being set up or in progress (a dropped session's run counts until it has stopped). */
  private running = 0;
  private disposed = false;
  /** Watches (watch:*), in the same places as runs. */
  readonly watches: WatchService;

  constructor(
    private readonly emit: (event: RunEvent) => void,
    private readonly overrides: Partial<Pick<DiagnosisRun, 'io' | 'capture' | 'privileges' | 'steps'>> & {
      watch?: WatchOverrides;
    } = {},
  ) {
    this.privileges = overrides.privileges ? Promise.resolve(overrides.privileges) : detectPrivileges();
    this.watches = new WatchService(
      emit,
      { claim: () => this.claimSlot(), release: () => void this.running-- },
      overrides.watch,
    );
  }

  async info(mode: AppInfo['mode']): Promise<AppInfo> {
    const privileges = await this.privileges;
    return {
      version: TOOL_VERSION,
      mode,
      platform: platform(),
      privileged: privileges.raw,
      privilegeNote: privileges.note,
      canChooseFiles: mode === 'electron',
    };
  }

  checkTarget(text: string): TargetCheck {
    try {
      const t = parseTarget(text);
      const host = t.ipVersion === 6 ? `[${t.host}]` : t.host;
      return {
        ok: true,
        message: `${t.scheme === 'tcp' ? 'TCP' : t.scheme.toUpperCase()} service at ${host}:${t.port}`,
      };
    } catch (error) {
      return { ok: false, message: printable((error as Error).message) };
    }
  }

  parseError(text: string): ErrorTextCheck {
    const info = parseErrorText(text);
    return { target: info.target, client: info.client, isReset: info.isReset, explanation: info.explanation };
  }

  /**
   * Starts a run; its events follow. `owner` ends when whoever started it goes away (the browser
   * mode's WebSocket closes): the run is cancelled and its session dropped.
   */
  async start(request: StartRunRequest, owner?: AbortSignal): Promise<{ runId: string }> {
    this.claimSlot();
    let session: DiagnosisSession;
    try {
      session = await DiagnosisSession.create({
        ...this.overrides,
        privileges: await this.privileges,
        options: { ...request, steps: [...STEP_IDS] },
        emit: this.emit,
        signal: new AbortController().signal,
      });
    } catch (error) {
      this.running--;
      if (error instanceof InputError) throw new ApiError(error.message);
      throw error;
    }
    if (this.disposed || owner?.aborted) {
      this.running--;
      session.close();
      throw new ApiError('the connection closed before the run started');
    }
    const runId = session.runId;
    const drop = () => this.drop(runId);
    owner?.addEventListener('abort', drop, { once: true });
    const entry: Entry = {
      session,
      controller: new AbortController(),
      busy: false,
      unlisten: () => owner?.removeEventListener('abort', drop),
    };
    this.sessions.set(runId, entry);
    this.launch(entry, (signal) => session.runAll(signal));
    this.forgetOld();
    // The answer is the run id; results follow as events.
    return { runId };
  }

  cancel(runId: string): { cancelled: boolean } {
    const entry = this.sessions.get(runId);
    if (!entry?.busy) return { cancelled: false };
    entry.controller.abort();
    return { cancelled: true };
  }

  rerun(runId: string, stepId: StepId): { started: boolean } {
    const entry = this.sessions.get(runId);
    if (!entry) throw new ApiError('that run is no longer available: start a new diagnosis');
    if (entry.busy) return { started: false };
    this.claimSlot();
    this.launch(entry, (signal) => entry.session.rerun(stepId, signal));
    return { started: true };
  }

  report(runId: string): Report | null {
    return this.sessions.get(runId)?.session.latestReport ?? null;
  }

  summary(runId: string, redact = false): { markdown: string } {
    const latest = this.report(runId);
    if (!latest) throw new ApiError('the report is not ready yet: wait for the run to finish');
    return reportSummary(latest, redact);
  }

  exportReport(
    runId: string,
    format: ExportFormat,
    redact = false,
  ): Promise<{ fileName: string; mime: string; content: string }> {
    const latest = this.report(runId);
    if (!latest) throw new ApiError('the report is not ready yet: wait for the run to finish');
    return exportFile(latest, format, redact);
  }

  dispose(): void {
    this.disposed = true;
    this.watches.dispose();
    for (const runId of [...this.sessions.keys()]) this.drop(runId);
  }

  /** Takes one of the MAX_RUNNING places, or says why not; the run gives it back when it ends. */
  private claimSlot() {
    if (this.running >= MAX_RUNNING) {
      throw new ApiError(
        `busy: ${this.running} runs already in progress; wait for one to finish or cancel it`,
      );
    }
    this.running++;
  }

  /** Runs `work` in a claimed place; when it ends the place is free and the session's sockets closed. */
  private launch(entry: Entry, work: (signal: AbortSignal) => Promise<unknown>) {
    const controller = new AbortController();
    entry.controller = controller;
    entry.busy = true;
    void work(controller.signal)
      .catch((error: unknown) => {
        // A bug in the engine: say so once instead of taking the server down.
        process.stderr.write(
          `reset-doctor: run ${entry.session.runId} stopped: ${firstLine((error as Error)?.message)}\n`,
        );
      })
      .finally(() => {
        this.running--;
        entry.busy = false;
        entry.session.close();
      });
  }

  private drop(runId: string) {
    const entry = this.sessions.get(runId);
    if (!entry) return;
    this.sessions.delete(runId);
    entry.unlisten();
    entry.controller.abort();
    entry.session.close();
  }

  private forgetOld() {
    const idle = [...this.sessions.entries()].filter(([, e]) => !e.busy).map(([runId]) => runId);
    while (this.sessions.size > KEEP_SESSIONS && idle.length > 0) this.drop(idle.shift()!);
  }
}

/** A report as the file an export gives: its name, its type and its content. */
export async function exportFile(
  latest: Report,
  format: ExportFormat,
  redact: boolean,
): Promise<{ fileName: string; mime: string; content: string }> {
  const report = redact ? redactReport(latest) : latest;
  const stamp = report.startedAt.replace(/[:.]/g, '-').slice(0, 19);
  const host = (redact ? 'redacted' : report.target.host).replace(/[^a-z0-9.-]+/gi, '_');
  return {
    fileName: `reset-doctor-${host}-${stamp}.${format}`,
    mime: MIME[format],
    content: await renderReport(report, format),
  };
}

/** The Markdown's "In short" block for the clipboard (report:summary), of the report or its redacted copy. */
export function reportSummary(latest: Report, redact: boolean): { markdown: string } {
  return { markdown: renderMarkdownSummary(redact ? redactReport(latest) : latest) };
}
