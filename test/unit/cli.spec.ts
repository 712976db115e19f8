import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateReport } from '../../electron/engine/report/report-schema.js';
import type { Report } from '../../electron/shared/report-info.js';

const CLI = resolve(import.meta.dirname, '../../dist/electron/cli/reset-doctor.js');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      done({ code: error ? ((error as { code?: number }).code ?? 3) : 0, stdout, stderr });
    });
  });
}

describe('reset-doctor CLI', () => {
  it('prints help and version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: reset-doctor diagnose <target>/);
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toMatch(/^reset-doctor \d+\.\d+\.\d+$/);
  });

  it.each([
    [['diagnose'], /give a target/],
    [['diagnose', 'host name'], /contains spaces/],
    [['diagnose', 'ftp://files.lab.test'], /not supported/],
    [['diagnose', 'web.lab.test:99999'], /out of range/],
    [['diagnose', 'web.lab.test', '--bogus'], /Unknown option '--bogus'/],
    [['diagnose', 'web.lab.test', '--concurrency', '1000'], /--concurrency 1000: must be between 0 and 64/],
    [['diagnose', 'web.lab.test', '--timeout', 'abc'], /--timeout abc: not a decimal number/],
    [['diagnose', 'web.lab.test', '--timeout', '0x10'], /--timeout 0x10: not a decimal number/],
    [['diagnose', 'web.lab.test', '--idle-max=-1'], /--idle-max -1: must be between/],
    [['diagnose', 'web.lab.test', '--idle-max', '0'], /--idle-max 0: must be between 1 and 3600/],
    [['diagnose', 'web.lab.test', '--rate-max', '101'], /--rate-max 101: must be between 0 and 100/],
    [['diagnose', 'web.lab.test', '--wait', '601'], /--wait 601: must be between 1 and 600/],
    [['diagnose', 'web.lab.test', '--repeat', '2.5'], /--repeat 2.5: must be a whole number/],
    [['diagnose', 'web.lab.test', '--steps', 'identify,dns'], /unknown step dns/],
    [['diagnose', 'web.lab.test', '--report', 'out.pdf'], /must end in .json, .html or .md/],
    [
      ['diagnose', 'web.lab.test', '--log', '/nonexistent/access.log'],
      /--log \/nonexistent\/access.log: no such file/,
    ],
    [['diagnose', 'web.lab.test', '--log', '/'], /--log \/: a directory, not a regular file/],
    [
      ['diagnose', 'web.lab.test', '--log', '/dev/zero'],
      /--log \/dev\/zero: a character device, not a regular file/,
    ],
    [['diagnose', 'web.lab.test', '--log', ''], /--log : not a file path/],
    [['serve', '--host', '256.1.1.1'], /--host: "256.1.1.1" is not a valid IPv4 address/],
    [['serve', '--host', 'bad_host!'], /--host: "bad_host!" is not a valid host name/],
    [['diagnose', 'a.lab.test', 'b.lab.test'], /one target at a time/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['serve', 'web.lab.test'], /serve takes no target/],
    [['serve', '--port', '70000'], /--port 70000: must be between 0 and 65535/],
    [['diagnose', 'web.lab.test', '--helper', '/x'], /--helper is an option of serve/],
  ])('refuses %j with exit 2 and one line', async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^reset-doctor: /);
  });

  it('echoes no control character of the input: each is escaped, and the error stays one line', async () => {
    for (const target of [
      'web\u001b[2J.lab.test',
      'web.lab.test\nreset-doctor: all good',
      'web\u009b31m.lab.test',
    ]) {
      const run = await cli(['diagnose', target]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^reset-doctor: .*contains control characters/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      // eslint-disable-next-line no-control-regex -- the point is that none gets through
      expect(run.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    const run = await cli(['diagnose', 'web.lab.test', '--log', '/nonexistent/\u001b[31mred.log']);
    expect(run.stderr).toBe('reset-doctor: --log /nonexistent/\\x1b[31mred.log: no such file\n');
  });

  it('checks the --report path before the run: a missing directory, a directory, a place that takes no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-report-'));
    try {
      await mkdir(join(dir, 'out.html'));
      const cases: [string, string][] = [
        [join(dir, 'missing', 'report.json'), `the directory ${join(dir, 'missing')} does not exist`],
        [join(dir, 'out.html'), 'a directory: give a file name in it'],
      ];
      if (process.platform === 'linux')
        cases.push(['/sys/report.md', 'cannot create a file in /sys: permission denied']);
      for (const [file, why] of cases) {
        const run = await cli(['diagnose', '127.0.0.1:9', '--steps', 'identify', '--report', file]);
        expect(run).toEqual({ code: 2, stdout: '', stderr: `reset-doctor: --report ${file}: ${why}\n` });
      }
      expect(await readdir(dir)).toEqual(['out.html']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('diagnoses a closed loopback port as JSON that matches the schema, and nothing else on stdout', async () => {
    const port = await freePort();
    const run = await cli([
      'diagnose',
      `127.0.0.1:${port}`,
      '--json',
      '--timeout',
      '1',
      '--steps',
      'identify,connectivity,firewall,handshake',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(validateReport(report)).toEqual({ valid: true });
    expect(report.diagnosis.verdict).toBe('port-closed');
    expect(report.steps.find((s) => s.id === 'application')?.status).toBe('skipped');
  });

  it('hides addresses and names with --redact', async () => {
    const port = await freePort();
    const run = await cli([
      'diagnose',
      `127.0.0.1:${port}`,
      '--json',
      '--redact',
      '--steps',
      'identify,connectivity',
    ]);
    expect(run.stdout).not.toContain('127.0.0.1');
    const report = JSON.parse(run.stdout) as Report;
    expect(report.target.host).toMatch(/^<ip-\d+>$/);
    expect(validateReport(report)).toEqual({ valid: true });
  });

  it('records --rate-max, --wait and --repeat in the report, and the Markdown report lists them', async () => {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'cli-options-'));
    const file = join(dir, 'report.md');
    try {
      const args = ['diagnose', `127.0.0.1:${port}`, '--steps', 'identify', '--rate-max', '15'];
      const run = await cli([...args, '--wait', '12', '--repeat', '0', '--json', '--report', file]);
      const report = JSON.parse(run.stdout) as Report;
      expect(validateReport(report)).toEqual({ valid: true });
      expect(report.options).toMatchObject({ rateMax: 15, waitSeconds: 12, repeat: 0, steps: ['identify'] });
      const md = await readFile(file, 'utf8');
      expect(md).toContain('- New-connection rate: up to 15/s');
      expect(md).toContain('- Wait for a slow answer: 12 s');
      expect(md).toContain('- Repeated requests: off');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds the target in the error text when none is given', async () => {
    const port = await freePort();
    const run = await cli([
      'diagnose',
      '--error',
      `connect to 127.0.0.1:${port} failed: read ECONNRESET`,
      '--json',
      '--steps',
      'identify',
    ]);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.target).toMatchObject({ host: '127.0.0.1', port });
    const errorText = report.steps[0]!.probes.find((p) => p.id === 'error-text')!;
    expect(errorText.data).toMatchObject({ client: 'Node.js', isReset: true, phase: 'response' });
  });
});

function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
