import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateReport } from '../../electron/engine/report/report-schema.js';
import type { Report } from '../../electron/shared/report-info.js';
import { runCli } from './lab-cli.js';
import { createLab, labUnavailableReason, type Lab } from './lab-topology.js';

const unavailable = labUnavailableReason();

describe.skipIf(unavailable !== null)(
  `lab: reports and the server log${unavailable ? ` — skipped: ${unavailable}` : ''}`,
  () => {
    let lab: Lab | null = null;
    let dir = '';
    afterEach(async () => {
      await lab?.destroy();
      lab = null;
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('writes HTML, Markdown and JSON reports and finds the server log lines of the resets', async () => {
      lab = await createLab();
      dir = mkdtempSync(join(tmpdir(), 'rd-report-'));
      const server = await lab.startServer('reset-on-request', { port: 80, log: join(dir, 'server.log') });
      const outputs = ['report.html', 'report.md', 'report.json'].map((f) => join(dir, f));
      for (const file of outputs) {
        const run = await runCli(lab, [
          'diagnose',
          'http://web.lab.test/',
          '--report',
          file,
          '--log',
          server.logFile!,
        ]);
        expect(run.code, run.stderr).toBe(1);
        expect(run.stdout).toContain(`Report written to ${file}`);
        expect(run.stdout).toMatch(/Verdict: application-error/);
      }
      const [html, md, json] = outputs.map((f) => readFileSync(f, 'utf8'));
      const report = JSON.parse(json!) as Report;
      expect(validateReport(report)).toEqual({ valid: true });
      const logScan = report.steps.find((s) => s.id === 'server-logs')!.probes[0]!;
      expect(logScan.status).toBe('complete');
      const scan = logScan.data as {
        counts: { reset: number };
        linesThatMatter: { text: string; why: string }[];
      };
      expect(scan.counts.reset).toBeGreaterThan(0);
      // The server logged its resets with our client port: the line is tied to this run's connection.
      const ours = scan.linesThatMatter.find((l) => /sent RST to client 198\.18\.1\.2:\d+/.test(l.text));
      expect(ours?.why, JSON.stringify(scan.linesThatMatter)).toMatch(/port/);
      expect(html).toContain('data-verdict="application-error"');
      expect(html).not.toMatch(/(src|href)="https?:/);
      expect(md).toMatch(/application-error|resets in response to the request/);
      expect(html).toContain('sent RST to client 198.18.1.2:');
    });
  },
);
