import type { StartRunRequest } from '../shared/api-contract.js';
import type { ProbeReport, Report, StepReport } from '../shared/report-info.js';
import type { RunEvent, RunPlan } from '../shared/run-event-info.js';
import { defaultRunOptions } from '../shared/run-options-info.js';
import { STEP_IDS, type StepId } from '../shared/step-info.js';
import { parseTarget } from '../engine/parsers/target-parser.js';
import { assembleReport } from '../engine/run-diagnosis.js';
import type { RunResults } from '../engine/runner/probe-types.js';
import { summarizeStep } from '../engine/runner/step-status.js';

interface FollowedRun {
  target: string;
  startedAt: string;
  plan: RunPlan;
  probes: Map<string, ProbeReport>;
  steps: Map<StepId, StepReport>;
}

/** Interrupted runs' reports kept for report:get and report:export, as the service keeps its sessions. */
const KEEP_REPORTS = 20;

/**
 * The parent's record of the runs in the engine helper, from their events alone: when the helper dies
 * mid-run (killed, crashed, out of memory), each run it left still ends, with a report of what it had
 * measured (the same assembly and evidence model as a finished run, the rest marked not run) and a note
 * that says why. The window shows a verdict it can stand behind, often "inconclusive" and what would
 * settle it, instead of a run that spins forever.
 */
export class HelperRunLedger {
  private readonly runs = new Map<string, FollowedRun>();
  private readonly requests = new Map<string, StartRunRequest>();
  private readonly interrupted = new Map<string, Report>();

  /** run:start was answered: the options the report records. */
  started(runId: string, request: StartRunRequest): void {
    if (this.runs.has(runId)) this.requests.set(runId, request);
  }

  /** Every event from the helper, in order. */
  follow(event: RunEvent): void {
    if (event.type === 'run-started') {
      const { runId, target, at, plan } = event;
      this.runs.set(runId, { target, startedAt: at, plan, probes: new Map(), steps: new Map() });
      return;
    }
    const run = this.runs.get(event.runId);
    if (!run) return;
    if (event.type === 'probe-finished') run.probes.set(event.probe.id, event.probe);
    else if (event.type === 'step-finished') run.steps.set(event.step.id, event.step);
    else if (event.type === 'run-finished') {
      this.runs.delete(event.runId);
      this.requests.delete(event.runId);
    }
  }

  /**
   * The helper is gone: a run-finished event for each run it left, in the order they started. A run
   * whose target no longer parses (it did when it started) is dropped, never guessed at.
   */
  helperStopped(reason: string, privileges: { raw: boolean; note: string }): RunEvent[] {
    const events: RunEvent[] = [];
    for (const [runId, run] of this.runs) {
      const report = this.rebuild(runId, run, reason, privileges);
      if (report === null) continue;
      this.interrupted.set(runId, report);
      events.push({ type: 'run-finished', runId, report });
    }
    this.runs.clear();
    this.requests.clear();
    for (const runId of [...this.interrupted.keys()].slice(0, -KEEP_REPORTS)) this.interrupted.delete(runId);
    return events;
  }

  /** The report of a run the helper left unfinished, or null. */
  report(runId: string): Report | null {
    return this.interrupted.get(runId) ?? null;
  }

  private rebuild(
    runId: string,
    run: FollowedRun,
    reason: string,
    privileges: { raw: boolean; note: string },
  ): Report | null {
    let target;
    try {
      target = parseTarget(run.target);
    } catch {
      return null;
    }
    const notRun = `Not run: ${reason}.`;
    const neverFinished: string[] = [];
    const steps = run.plan.steps.map((planned): StepReport => {
      const finished = run.steps.get(planned.id);
      if (finished) return finished;
      const probes = planned.probes.map((p): ProbeReport => {
        const report = run.probes.get(p.id);
        if (report) return report;
        neverFinished.push(p.id);
        return {
          id: p.id,
          title: p.title,
          status: 'skipped',
          durationMs: 0,
          summary: notRun,
          skipReason: notRun,
          data: null,
        };
      });
      return { id: planned.id, title: planned.title, durationMs: 0, ...summarizeStep(probes), probes };
    });
    const results: RunResults = {
      get: (probe) => run.probes.get(probe.id) as never,
      data: (probe) => {
        const report = run.probes.get(probe.id);
        return report?.status === 'complete' ? (report.data as never) : null;
      },
    };
    const request = this.requests.get(runId);
    return assembleReport({
      target,
      options: { ...defaultRunOptions(), ...request, target: run.target, steps: [...STEP_IDS] },
      privileges,
      startedAt: run.startedAt,
      cancelled: true,
      steps,
      results,
      neverFinished,
      endNote: {
        topic: 'Run',
        text: `The run ended early: ${reason}. The verdict rests on what was measured before; run the diagnosis again to complete it.`,
      },
    });
  }
}
