import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeReport, Report } from '../../electron/shared/report-info.js';
import { diagnoseJson } from './lab-cli.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();

function probe(report: Report, id: string): ProbeReport {
  return report.steps.flatMap((s) => s.probes).find((p) => p.id === id)!;
}

/**
 * What an ordinary user's run falls back to. Whether its verdicts stay right (or honestly unsure) is
 * judged for every scenario by the matrix in lab-scenarios.spec.ts.
 */
describe.skipIf(unavailable !== null)(
  `lab: without raw-socket privileges${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let lab: Lab | null = null;
    afterEach(async () => {
      await lab?.destroy();
      lab = null;
    });

    it('falls back to the system ping for ping and traceroute, and says how to get packet capture', async () => {
      lab = await createLab();
      await lab.startServer('http', { port: 80 });
      const { run, report } = await diagnoseJson(lab, 'http://web.lab.test/', ['--timeout', '1'], {
        unprivileged: true,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(report.environment.privileged).toBe(false);
      expect(report.diagnosis.verdict).toBe('healthy');
      expect(probe(report, 'ping')).toMatchObject({
        status: 'complete',
        data: { method: 'system-ping', received: 20 },
      });
      expect(probe(report, 'traceroute')).toMatchObject({
        status: 'complete',
        data: { reached: true, destinationHop: 4 },
      });
      // Without raw sockets the timelines come from the connections' own events, and say why no packet is in them.
      const capture = probe(report, 'packet-capture');
      expect(capture).toMatchObject({ status: 'complete', data: { captured: false } });
      expect((capture.data as { note: string }).note).toMatch(/setcap cap_net_raw/);
      expect(probe(report, 'reset-hop').skipReason).toMatch(/raw sockets/);
      expect(report.diagnosis.notes.map((n) => n.topic)).toContain('capture');
    });
  },
);
