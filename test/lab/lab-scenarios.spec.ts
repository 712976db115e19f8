import { afterEach, describe, expect, it } from 'vitest';
import { LAB_SCENARIOS } from './lab-scenarios.js';
import {
  MATRIX_MODES,
  MODE_TITLES,
  judge,
  runScenario,
  timeLimitMs,
  type ScenarioRun,
} from './lab-scenario-matrix.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();
// Setting the lab up and tearing it down, beside the CLI's own time limit.
const LAB_MS = 30_000;

function context(run: ScenarioRun, what: string): string {
  const diagnosis = run.report ? JSON.stringify(run.report.diagnosis, null, 1).slice(0, 3000) : run.error;
  return `${what}\nargs: ${run.args.join(' ')}\n${diagnosis}`;
}

describe.skipIf(unavailable !== null)(
  `lab: every scenario four ways${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let lab: Lab | null = null;
    afterEach(async () => {
      await lab?.destroy();
      lab = null;
    });

    for (const mode of MATRIX_MODES) {
      describe(MODE_TITLES[mode], () => {
        for (const scenario of LAB_SCENARIOS) {
          it(
            scenario.id,
            async () => {
              lab = await createLab();
              const run = await runScenario(lab, scenario, mode, ['--timeout', '1']);
              const { outcome, problems } = judge(scenario, run, lab);
              // The reasons first: CI logs cut long messages.
              const why = `${problems.join('; ')}\n${context(run, scenario.what)}`;
              // Privileged runs must be right; as an ordinary user, honest is allowed, wrong never.
              if (mode === 'unprivileged') expect(outcome, why).not.toBe('wrong');
              else expect(outcome, why).toBe('right');
            },
            timeLimitMs(scenario) + LAB_MS,
          );
        }
      });
    }
  },
);
