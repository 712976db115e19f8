import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeReport, Report } from '../../electron/shared/report-info.js';
import { CLI } from './lab-cli.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();
// An ordinary user: nobody, no capabilities of its own, but free to run the setcap'd system ping.
const AS_NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

function probe(report: Report, id: string): ProbeReport {
  return report.steps.flatMap((s) => s.probes).find((p) => p.id === id)!;
}

describe.skipIf(unavailable !== null)(
  `lab: without raw-socket privileges${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let lab: Lab | null = null;
    afterEach(async () => {
      await lab?.destroy();
      lab = null;
    });

    async function diagnoseAsNobody(
      mode: 'http' | 'reset-on-request',
    ): Promise<{ code: number | null; report: Report }> {
      lab = await createLab();
      await lab.startServer(mode, { port: 80 });
      const run = await lab.exec(
        lab.names.client,
        'setpriv',
        [...AS_NOBODY, process.execPath, CLI, 'diagnose', 'http://web.lab.test/', '--json', '--timeout', '1'],
        { timeoutMs: 60_000 },
      );
      expect(run.stderr).toBe('');
      return { code: run.code, report: JSON.parse(run.stdout) as Report };
    }

    it('falls back to the system ping for ping and traceroute, and says how to get packet capture', async () => {
      const { code, report } = await diagnoseAsNobody('http');
      expect(code).toBe(0);
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
    });

    it('still names an application reset, from the server without TTL evidence', async () => {
      const { code, report } = await diagnoseAsNobody('reset-on-request');
      expect(code).toBe(1);
      expect(report.diagnosis.findings[0]).toMatchObject({
        cause: 'application-error',
        origin: 'server',
        phase: 'request',
      });
      expect(report.diagnosis.notes.map((n) => n.topic)).toContain('capture');
    });
  },
);
