import type { OptionHint } from '../../../electron/shared/cause-info.js';
import { CAUSE_TITLES } from '../../../electron/shared/cause-info.js';
import type { FailureInfo } from '../../../electron/shared/failure-info.js';
import type { ProbeReport, Report, StepReport } from '../../../electron/shared/report-info.js';
import type { RunEvent, RunPlan } from '../../../electron/shared/run-event-info.js';
import {
  STEP_IDS,
  STEP_TITLES,
  type Assessment,
  type ProbeStatus,
  type StepId,
  type StepStatus,
} from '../../../electron/shared/step-info.js';
import { STEP_STATUS_LOOK } from './words.js';

export interface ProbeState {
  id: string;
  title: string;
  status: ProbeStatus;
  summary: string | null;
  assessment: Assessment | null;
  skipReason: string | null;
  /** The run option that makes a skipped probe run (the wizard words it with the start page's field). */
  enables: OptionHint | null;
  failure: FailureInfo | null;
  data: unknown;
  durationMs: number | null;
  progressMessage: string | null;
  /** 0..1 when the probe knows how far it is. */
  progressFraction: number | null;
  /** probe-progress `partial` data in arrival order, for live pictures (ping replies, traceroute hops). */
  partials: unknown[];
}

export interface StepState {
  id: StepId;
  title: string;
  status: StepStatus;
  summary: string | null;
  durationMs: number | null;
  probes: ProbeState[];
}

// Enough for every ping and every traceroute answer of a run; a misbehaving producer cannot grow it forever.
const MAX_PARTIALS = 500;

function pendingProbe(id: string, title: string): ProbeState {
  return {
    id,
    title,
    status: 'pending',
    summary: null,
    assessment: null,
    skipReason: null,
    enables: null,
    failure: null,
    data: null,
    durationMs: null,
    progressMessage: null,
    progressFraction: null,
    partials: [],
  };
}

function pendingSteps(plan?: RunPlan): StepState[] {
  const planned = plan?.steps ?? STEP_IDS.map((id) => ({ id, title: STEP_TITLES[id], probes: [] }));
  return planned.map((s) => ({
    id: s.id,
    title: STEP_TITLES[s.id] ?? s.title,
    status: 'pending',
    summary: null,
    durationMs: null,
    probes: s.probes.map((p) => pendingProbe(p.id, p.title)),
  }));
}

/**
 * The wizard's view of one run, fed by the engine's RunEvents (events of other runs are ignored), and
 * the wizard's position in it: steps 0..n-1, then the summary at index n.
 */
export class RunState {
  runId = $state<string | null>(null);
  /** A run:start is on its way: events are held until its run id is known. */
  starting = $state(false);
  target = $state('');
  steps = $state<StepState[]>([]);
  report = $state<Report | null>(null);
  /** The engine is working: a run, or a re-run of one step. */
  active = $state(false);
  /** A run kept on this machine, opened again: its steps cannot run again, its exports come from the kept copy. */
  kept = $state(false);
  cancelling = $state(false);
  currentIndex = $state(0);
  /** The latest sentence for the polite live region (step completions, the verdict). */
  announcement = $state('');

  private held: RunEvent[] = [];

  get started(): boolean {
    return this.starting || this.runId !== null;
  }

  get summaryIndex(): number {
    return this.steps.length;
  }

  get onSummary(): boolean {
    return this.currentIndex >= this.steps.length;
  }

  get currentStep(): StepState | null {
    return this.steps[this.currentIndex] ?? null;
  }

  get finishedSteps(): number {
    return this.steps.filter((s) => s.status !== 'pending' && s.status !== 'running').length;
  }

  /** Called before run:start: draws every step pending and holds events until the run id is known. */
  prepare(target: string): void {
    this.runId = null;
    this.starting = true;
    this.kept = false;
    this.target = target;
    this.steps = pendingSteps();
    this.report = null;
    this.active = true;
    this.cancelling = false;
    this.currentIndex = 0;
    this.announcement = '';
    this.held = [];
  }

  /** run:start answered: this is our run; replay what arrived before the answer. */
  adopt(runId: string): void {
    this.runId = runId;
    this.starting = false;
    const held = this.held;
    this.held = [];
    for (const event of held) this.handle(event);
  }

  /** run:start failed: back to the start page. */
  abandon(): void {
    this.reset();
  }

  reset(): void {
    this.runId = null;
    this.starting = false;
    this.kept = false;
    this.target = '';
    this.steps = [];
    this.report = null;
    this.active = false;
    this.cancelling = false;
    this.currentIndex = 0;
    this.announcement = '';
    this.held = [];
  }

  /**
   * Before step:rerun: the engine will be busy until the next run-finished. Its events may come before
   * the call's answer, so they alone reset the step (at its step-started).
   */
  beginRerun(): void {
    this.active = true;
    this.cancelling = false;
  }

  /** step:rerun failed or was refused: nothing will come. */
  abandonRerun(): void {
    this.active = false;
  }

  beginCancel(): void {
    this.cancelling = true;
  }

  goTo(index: number): void {
    this.currentIndex = Math.max(0, Math.min(this.summaryIndex, Math.round(index)));
  }

  next(): void {
    this.goTo(this.currentIndex + 1);
  }

  back(): void {
    this.goTo(this.currentIndex - 1);
  }

  /** "Run all": no clicking through; the summary shows the end when it is ready. */
  showSummary(): void {
    this.goTo(this.summaryIndex);
  }

  handle(event: RunEvent): void {
    if (this.runId === null) {
      if (this.starting) this.held.push(event);
      return;
    }
    if (event.runId !== this.runId) return;
    switch (event.type) {
      case 'run-started':
        this.target = event.target;
        this.steps = pendingSteps(event.plan);
        this.active = true;
        if (this.currentIndex > this.summaryIndex) this.currentIndex = this.summaryIndex;
        break;
      case 'step-started': {
        const step = this.stepOf(event.stepId);
        if (step) this.restartStep(step);
        break;
      }
      case 'probe-started': {
        const probe = this.probeOf(event.stepId, event.probeId);
        if (!probe) break;
        Object.assign(probe, pendingProbe(probe.id, probe.title), { status: 'running' });
        break;
      }
      case 'probe-progress': {
        const probe = this.probeOf(event.stepId, event.probeId);
        if (!probe) break;
        if (probe.status === 'pending') probe.status = 'running';
        probe.progressMessage = event.message;
        probe.progressFraction =
          typeof event.fraction === 'number' ? Math.max(0, Math.min(1, event.fraction)) : null;
        if (event.partial !== null && event.partial !== undefined && probe.partials.length < MAX_PARTIALS)
          probe.partials.push(event.partial);
        break;
      }
      case 'probe-finished': {
        const probe = this.probeOf(event.stepId, event.probe.id, event.probe.title);
        if (probe) applyProbeReport(probe, event.probe);
        break;
      }
      case 'step-finished': {
        const step = this.stepOf(event.step.id);
        if (!step) break;
        applyStepReport(step, event.step);
        const position = this.steps.indexOf(step) + 1;
        this.announcement = `Step ${position}, ${step.title}: ${STEP_STATUS_LOOK[step.status].word.toLowerCase()}.`;
        break;
      }
      case 'run-finished':
        this.report = event.report;
        for (const stepReport of event.report.steps) {
          const step = this.stepOf(stepReport.id);
          if (step) applyStepReport(step, stepReport);
        }
        this.active = false;
        this.cancelling = false;
        this.announcement = event.report.cancelled
          ? 'The diagnosis was cancelled. The summary shows what was measured.'
          : `Diagnosis ready: ${CAUSE_TITLES[event.report.diagnosis.verdict] ?? event.report.diagnosis.verdict}.`;
        break;
    }
  }

  private stepOf(id: StepId): StepState | undefined {
    return this.steps.find((s) => s.id === id);
  }

  /** The probe, or a new one appended to its step when the plan did not list it. */
  private probeOf(stepId: StepId, probeId: string, title?: string): ProbeState | undefined {
    const step = this.stepOf(stepId);
    if (!step) return undefined;
    let probe = step.probes.find((p) => p.id === probeId);
    if (!probe) {
      step.probes.push(pendingProbe(probeId, title ?? probeId));
      probe = step.probes[step.probes.length - 1];
    }
    return probe;
  }

  private restartStep(step: StepState) {
    step.status = 'running';
    step.summary = null;
    step.durationMs = null;
    for (const probe of step.probes) Object.assign(probe, pendingProbe(probe.id, probe.title));
  }
}

function applyProbeReport(probe: ProbeState, report: ProbeReport) {
  probe.title = report.title || probe.title;
  probe.status = report.status;
  probe.summary = report.summary ?? null;
  probe.assessment = report.assessment ?? null;
  probe.skipReason = report.skipReason ?? null;
  probe.enables = report.enables ?? null;
  probe.failure = report.failure ?? null;
  probe.data = report.data ?? null;
  probe.durationMs = report.durationMs ?? null;
  probe.progressMessage = null;
  probe.progressFraction = null;
}

function applyStepReport(step: StepState, report: StepReport) {
  step.status = report.status;
  step.summary = report.summary;
  step.durationMs = report.durationMs;
  // The step's report is the truth: it holds probes skipped without events, and a step's own error.
  const order = step.probes.map((p) => p.id);
  for (const probeReport of report.probes) {
    let probe = step.probes.find((p) => p.id === probeReport.id);
    if (!probe) {
      step.probes.push(pendingProbe(probeReport.id, probeReport.title));
      probe = step.probes[step.probes.length - 1]!;
    }
    applyProbeReport(probe, probeReport);
  }
  step.probes.sort((a, b) => rank(order, a.id) - rank(order, b.id));
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i === -1 ? order.length : i;
}
