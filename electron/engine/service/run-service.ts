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
import { redactReport } from '../report/report-redact.js';
import { renderReport } from '../report/report-writer.js';
import { detectPrivileges, DiagnosisSession, type DiagnosisRun } from '../run-diagnosis.js';
import type { Privileges } from '../runner/run-environment.js';
import { TOOL_VERSION } from '../tool-version.js';

/** A message for the person at the other end: shown as it is, never with a stack. */
export class ApiError extends Error {
  override name = 'ApiError';
}

interface Entry {
  session: DiagnosisSession;
  controller: AbortController;
  busy: boolean;
}

const KEEP_SESSIONS = 5;
const MIME: Record<ExportFormat, string> = {
  html: 'text/html',
  json: 'application/json',
  md: 'text/markdown',
};

/**
 * The runs a wizard started, for both faces of the UI (Electron IPC and the browser mode's WebSocket).
 * Sessions stay open after their run, so a step can be run again and the report exported.
 */
export class RunService {
  private readonly sessions = new Map<string, Entry>();
  private readonly privileges: Promise<Privileges>;

  constructor(
    private readonly emit: (event: RunEvent) => void,
    private readonly overrides: Partial<Pick<DiagnosisRun, 'io' | 'capture' | 'privileges' | 'steps'>> = {},
  ) {
    this.privileges = overrides.privileges ? Promise.resolve(overrides.privileges) : detectPrivileges();
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

  async start(request: StartRunRequest): Promise<{ runId: string }> {
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
      if (error instanceof InputError) throw new ApiError(error.message);
      throw error;
    }
    const entry: Entry = { session, controller: new AbortController(), busy: true };
    this.sessions.set(session.runId, entry);
    this.forgetOld();
    // The answer is the run id; results follow as events.
    void session.runAll(entry.controller.signal).finally(() => {
      entry.busy = false;
    });
    return { runId: session.runId };
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
    entry.busy = true;
    entry.controller = new AbortController();
    void entry.session.rerun(stepId, entry.controller.signal).finally(() => {
      entry.busy = false;
    });
    return { started: true };
  }

  report(runId: string): Report | null {
    return this.sessions.get(runId)?.session.latestReport ?? null;
  }

  exportReport(
    runId: string,
    format: ExportFormat,
    redact = false,
  ): { fileName: string; mime: string; content: string } {
    const latest = this.report(runId);
    if (!latest) throw new ApiError('the report is not ready yet: wait for the run to finish');
    const report = redact ? redactReport(latest) : latest;
    const stamp = report.startedAt.replace(/[:.]/g, '-').slice(0, 19);
    const host = (redact ? 'redacted' : report.target.host).replace(/[^a-z0-9.-]+/gi, '_');
    return {
      fileName: `reset-doctor-${host}-${stamp}.${format}`,
      mime: MIME[format],
      content: renderReport(report, format),
    };
  }

  dispose(): void {
    for (const entry of this.sessions.values()) {
      entry.controller.abort();
      entry.session.close();
    }
    this.sessions.clear();
  }

  private forgetOld() {
    const idle = [...this.sessions.entries()].filter(([, e]) => !e.busy);
    while (this.sessions.size > KEEP_SESSIONS && idle.length > 0) {
      const [runId, entry] = idle.shift()!;
      entry.session.close();
      this.sessions.delete(runId);
    }
  }
}
