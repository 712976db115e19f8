import { afterEach, describe, expect, it } from 'vitest';
import { validateReport } from '../../electron/engine/report/report-schema.js';
import { diagnoseJson } from './lab-cli.js';
import { LAB_SCENARIOS } from './lab-scenarios.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();

describe.skipIf(unavailable !== null)(
  `lab: one scenario per cause${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let lab: Lab | null = null;
    afterEach(async () => {
      await lab?.destroy();
      lab = null;
    });

    it.each(LAB_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
      lab = await createLab();
      const { target, args = [] } = await scenario.setup(lab);
      const { run, report } = await diagnoseJson(lab, target, ['--timeout', '1', ...args]);
      expect(validateReport(report)).toEqual({ valid: true });
      const top = report.diagnosis.findings[0]!;
      const context = `${scenario.what}\n${JSON.stringify(report.diagnosis, null, 1).slice(0, 3000)}`;
      expect(report.diagnosis.verdict, context).toBe(scenario.cause);
      expect(top.origin, context).toBe(scenario.origin);
      if (scenario.hop !== undefined) expect(top.hop, context).toBe(scenario.hop);
      if (scenario.phase !== undefined) expect(top.phase, context).toBe(scenario.phase);
      expect(scenario.check?.(report, lab) ?? []).toEqual([]);
      if (scenario.idleSeconds !== undefined) {
        const measured = top.idleTimeoutSeconds!;
        const tolerance = Math.max(1, scenario.idleSeconds * 0.1);
        expect(Math.abs(measured - scenario.idleSeconds), `measured ${measured} s`).toBeLessThanOrEqual(
          tolerance,
        );
      }
      expect(run.code).toBe(scenario.cause === 'healthy' ? 0 : 1);
    });
  },
);
