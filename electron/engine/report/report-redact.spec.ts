import { describe, expect, it } from 'vitest';
import { redactReport } from './report-redact.js';
import { sampleReport } from './report-fixture.js';
import { validateReport } from './report-schema.js';

describe('redactReport', () => {
  it('hides addresses, the target host and the user, consistently, and stays valid', () => {
    const report = sampleReport();
    report.options.logFile = '/home/alice/logs/nginx-error.log';
    report.options.errorText = `curl: (56) Recv failure talking to ${report.target.addresses[0]} at ${report.target.host}`;
    const out = redactReport(report, { user: 'alice' });
    const json = JSON.stringify(out);
    for (const address of report.target.addresses) expect(json).not.toContain(address);
    expect(json).not.toContain(report.target.host);
    expect(json).not.toContain('alice');
    expect(out.options.logFile).toBe('/home/<user>/logs/nginx-error.log');
    // The same address gets the same placeholder wherever it appears.
    const token = out.target.addresses[0]!;
    expect(token).toMatch(/^<ip-\d+>$/);
    expect(out.options.errorText).toContain(token);
    expect(validateReport(out)).toEqual({ valid: true });
    expect(out.diagnosis.verdict).toBe(report.diagnosis.verdict);
  });

  it('leaves times and numbers alone', () => {
    const report = sampleReport();
    report.options.errorText = 'at 10:11:12 after 1.5 s, port 443';
    expect(redactReport(report, { user: 'nobody' }).options.errorText).toBe(
      'at 10:11:12 after 1.5 s, port 443',
    );
  });
});
