import { describe, expect, it } from 'vitest';
import { redactReport, redactor } from './report-redact.js';
import { sampleReport } from './report-fixture.js';
import { renderMarkdown } from './report-markdown.js';
import { resetReport } from './report-resets-fixture.js';
import { validateReport } from './report-schema.js';

/** Every key path of a JSON value, so a test can say the shape survived. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${at}[${i}]`));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...keyPaths(v, `${at}.${k}`)]);
  return [];
}

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

  it('hides the address this machine connected from, in the data and in the Markdown that names it', () => {
    const out = redactReport(resetReport(), { user: 'nobody' });
    const json = JSON.stringify(out);
    expect(json).not.toContain('192.168.1.23');
    const capture = out.steps.flatMap((s) => s.probes).find((p) => p.id === 'packet-capture')!;
    const [first] = (capture.data as { connections: { localAddress: string; localPort: number }[] })
      .connections;
    expect(first!.localAddress).toMatch(/^<ip-\d+>$/);
    // The port stays: it names no machine, and it finds the connection in the server's log.
    expect(first!.localPort).toBe(51231);
    expect(renderMarkdown(out)).toMatch(
      /- Between: from \\<ip-\d+>:51233 \(this machine\) to \\<ip-\d+>:8443/,
    );
  });

  it('leaves times and numbers alone', () => {
    const report = sampleReport();
    report.options.errorText = 'at 10:11:12 after 1.5 s, port 443';
    expect(redactReport(report, { user: 'nobody' }).options.errorText).toBe(
      'at 10:11:12 after 1.5 s, port 443',
    );
  });

  it('walks the whole report: every key and the schema id stay, only values change', () => {
    const report = sampleReport();
    report.options.errorText = 'reset by [2001:db8::5]:8443 (RFC 9293 §3.10.7.1) at 2026-12-04T10:11:12Z';
    const out = redactReport(report, { user: 'alice' });
    expect(keyPaths(out)).toEqual(keyPaths(report));
    expect(out.schema).toBe(report.schema);
    expect(out.startedAt).toBe(report.startedAt);
    expect(out.tool).toEqual(report.tool);
    expect(out.options.errorText).toBe('reset by [<ip-2>]:8443 (RFC 9293 §3.10.7.1) at 2026-12-04T10:11:12Z');
    expect(validateReport(out)).toEqual({ valid: true });
  });

  it('keeps code words when the host has a generic name, and still hides the target', () => {
    const report = sampleReport();
    report.target = { ...report.target, host: 'server', input: 'server:8443' };
    report.diagnosis.findings[0]!.origin = 'server';
    const out = redactReport(report, { user: 'alice' });
    expect(out.target.host).toBe('<host-1>');
    expect(out.target.input).toBe('<host-1>:8443');
    expect(out.diagnosis.findings[0]!.origin).toBe('server');
    expect(validateReport(out)).toEqual({ valid: true });
  });

  it('does not hide "root": it names nobody, and "run it as root" must still read', () => {
    const report = sampleReport();
    report.environment.privilegeNote = 'Run it as root for raw sockets';
    expect(redactReport(report, { user: 'root' }).environment.privilegeNote).toBe(
      'Run it as root for raw sockets',
    );
  });
});

describe('redactor: host names', () => {
  it('hides whole host names only, in any case', () => {
    const text = redactor('api', { user: 'nobody' });
    expect(text('rapid API api:443 www.api (api). api-gw api_v2 api.example.com')).toBe(
      'rapid <host-1> <host-1>:443 www.<host-1> (<host-1>). api-gw api_v2 api.example.com',
    );
  });

  it('hides a dotted name and its subdomains, not longer names that contain it', () => {
    const text = redactor('Example.COM.', { user: 'nobody', names: ['proxy.corp'] });
    expect(
      text('https://www.example.com/x via proxy.corp:3128; notexample.com example.com.au example.com.'),
    ).toBe('https://www.<host-1>/x via <host-2>:3128; notexample.com example.com.au <host-1>.');
  });

  it('gives the Unicode and the ASCII spelling of a name one placeholder', () => {
    const text = redactor('bücher.example', { user: 'nobody' });
    expect(text('BÜCHER.example and xn--bcher-kva.example')).toBe('<host-1> and <host-1>');
  });

  it('does not read placeholders again (a host named ip, a user named host)', () => {
    const text = redactor('ip', { user: 'host' });
    expect(text('ip 192.0.2.1 host')).toBe('<host-1> <ip-1> <user>');
  });

  it('treats an address given as the target as an address, not a name', () => {
    const text = redactor('[2001:db8::9]', { user: 'nobody' });
    expect(text('target [2001:db8::9]:443')).toBe('target [<ip-1>]:443');
  });
});
