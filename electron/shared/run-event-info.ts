import type { ProbeReport, Report, StepReport } from './report-info.js';
import type { StepId } from './step-info.js';
import type {
  WatchCatch,
  WatchCheck,
  WatchCounts,
  WatchRequest,
  WatchResult,
  WatchTimeline,
} from './watch-info.js';

/** The plan of a run, sent first so a UI can draw every step and probe as pending. */
export interface RunPlan {
  steps: { id: StepId; title: string; probes: { id: string; title: string }[] }[];
}

/** The plan a finished run's report followed: its steps and their probes. */
export function reportPlan(report: Report): RunPlan {
  return {
    steps: report.steps.map((s) => ({
      id: s.id,
      title: s.title,
      probes: s.probes.map((p) => ({ id: p.id, title: p.title })),
    })),
  };
}

/**
 * Live events of one run, keyed by run id. The CLI, the Electron IPC and the browser-mode WebSocket
 * carry exactly these objects; they are plain JSON.
 */
export type RunEvent =
  | { type: 'run-started'; runId: string; at: string; target: string; plan: RunPlan }
  | { type: 'step-started'; runId: string; stepId: StepId; at: string }
  | { type: 'probe-started'; runId: string; stepId: StepId; probeId: string; at: string }
  | {
      type: 'probe-progress';
      runId: string;
      stepId: StepId;
      probeId: string;
      message: string;
      /** 0..1 when the probe knows how far it is. */
      fraction: number | null;
      /** Partial data (a hop that answered, a ping reply) for live pictures. */
      partial: unknown;
    }
  | { type: 'probe-finished'; runId: string; stepId: StepId; probe: ProbeReport }
  | { type: 'step-finished'; runId: string; step: StepReport }
  | { type: 'run-finished'; runId: string; report: Report }
  | WatchEvent;

/** A watch's live events, on the same channel, keyed by its run id. */
export type WatchEvent =
  | {
      type: 'watch-started';
      runId: string;
      at: string;
      request: WatchRequest;
      addresses: string[];
      seenBy: WatchResult['seenBy'];
      captureNote: string;
    }
  /** Each second: the counts so far and the timeline. */
  | { type: 'watch-sample'; runId: string; counts: WatchCounts; timeline: WatchTimeline }
  | { type: 'watch-catch'; runId: string; caught: WatchCatch }
  | { type: 'watch-check'; runId: string; check: WatchCheck }
  /** The end: the result, or why the watch could not go on (a name that does not resolve). */
  | { type: 'watch-finished'; runId: string; result: WatchResult | null; error: string | null };

export type RunEventType = RunEvent['type'];
