import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleReport } from './report-fixture.js';
import { formatFromPath, renderReport, reportFileProblem, writeReport } from './report-writer.js';

describe('formatFromPath', () => {
  it('knows the report extensions in any case', () => {
    expect(formatFromPath('out/report.json')).toBe('json');
    expect(formatFromPath('report.HTML')).toBe('html');
    expect(formatFromPath('C:\\Users\\me\\report.htm')).toBe('html');
    expect(formatFromPath('report.md')).toBe('md');
    expect(formatFromPath('report.Markdown')).toBe('md');
  });

  it('returns null for anything else', () => {
    expect(formatFromPath('report.txt')).toBeNull();
    expect(formatFromPath('report')).toBeNull();
    expect(formatFromPath('.json')).toBeNull();
    expect(formatFromPath('report.json.bak')).toBeNull();
  });
});

describe('renderReport', () => {
  it('writes JSON with two-space indent and a trailing newline that parses back to the report', async () => {
    const text = await renderReport(sampleReport(), 'json');
    expect(text.startsWith('{\n  "schema": "reset-doctor/report@2",\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(sampleReport());
  });

  it('hands html and md to their renderers', async () => {
    expect(await renderReport(sampleReport(), 'html')).toMatch(/^<!doctype html>/);
    expect(await renderReport(sampleReport(), 'md')).toMatch(/^# Reset Doctor report: /);
  });
});

describe('writeReport', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reset-doctor-report-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['report.json', '{\n  "schema": "reset-doctor/report@2"'],
    ['report.html', '<!doctype html>'],
    ['report.htm', '<!doctype html>'],
    ['report.md', '# Reset Doctor report: '],
    ['report.markdown', '# Reset Doctor report: '],
  ])('writes %s and leaves no temporary file', async (name, start) => {
    const file = join(dir, name);
    await writeReport(sampleReport(), file);
    expect((await readFile(file, 'utf8')).startsWith(start)).toBe(true);
    expect(await readdir(dir)).toEqual([name]);
  });

  it('replaces an existing file', async () => {
    const file = join(dir, 'report.json');
    await writeFile(file, 'old content');
    await writeReport(sampleReport(), file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(sampleReport());
  });

  it('refuses an unknown extension without writing anything', async () => {
    await expect(writeReport(sampleReport(), join(dir, 'report.txt'))).rejects.toThrow(
      'Cannot tell the report format from "report.txt": use .json, .html or .md',
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an invalid report with a one-line message and keeps the old file', async () => {
    const file = join(dir, 'report.json');
    await writeFile(file, 'old content');
    const report = sampleReport();
    report.diagnosis.findings[0]!.confidence = 1.5;
    const error = await writeReport(report, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(
      'The report is not valid, so it was not written: report/diagnosis/findings/0/confidence must be <= 1 (found 1.5)',
    );
    expect(message).not.toContain('\n');
    expect(await readFile(file, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  it('shortens a long list of problems to the first three', async () => {
    const report = { ...sampleReport(), schema: 'x', cancelled: 'no', startedAt: 'now', finishedAt: 'later' };
    const error = await writeReport(report as never, join(dir, 'r.md')).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/; .+; .+ \(and 1 more\)$/);
  });

  it('cleans up and rethrows when the directory does not exist', async () => {
    await expect(writeReport(sampleReport(), join(dir, 'missing', 'report.json'))).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves no temporary file when the process exits on the spot in the middle (a second Ctrl-C)', async () => {
    const here = import.meta.dirname;
    // A child writes a report and exits, as the CLI's second Ctrl-C does, once the temporary file is there.
    const script = `
      import { readdirSync } from 'node:fs';
      import { writeReport } from ${JSON.stringify(join(here, 'report-writer.ts'))};
      import { sampleReport } from ${JSON.stringify(join(here, 'report-fixture.ts'))};
      const dir = ${JSON.stringify(dir)};
      void writeReport(sampleReport(), dir + '/report.html').then(() => process.exit(99));
      const poll = () => {
        if (readdirSync(dir).some((name) => name.endsWith('.tmp'))) process.exit(130);
        setImmediate(poll);
      };
      poll();`;
    const code = await new Promise<number | null>((done) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: join(here, '../../..'), timeout: 30_000 },
        () => done(child.exitCode),
      );
    });
    // 130: it exited while the temporary file was there (99 would mean the write won the race).
    expect(code).toBe(130);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('reportFileProblem', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reset-doctor-report-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a new or an existing file in a directory that takes files, and leaves nothing behind', async () => {
    expect(await reportFileProblem(join(dir, 'report.html'))).toBeNull();
    await writeFile(join(dir, 'old.md'), 'old');
    expect(await reportFileProblem(join(dir, 'old.md'))).toBeNull();
    expect(await readdir(dir)).toEqual(['old.md']);
  });

  it('refuses a missing directory, a directory, and a device, in a few words', async () => {
    expect(await reportFileProblem(join(dir, 'missing', 'report.json'))).toBe(
      `the directory ${join(dir, 'missing')} does not exist`,
    );
    expect(await reportFileProblem(dir)).toBe('a directory: give a file name in it');
    await mkdir(join(dir, 'report.md'));
    expect(await reportFileProblem(join(dir, 'report.md'))).toBe('a directory: give a file name in it');
    expect(await reportFileProblem('/dev/null')).toBe('not a regular file');
  });

  it.skipIf(process.platform !== 'linux')(
    'refuses a directory that takes no new file (sysfs, even for root)',
    async () => {
      expect(await reportFileProblem('/sys/report.json')).toBe(
        'cannot create a file in /sys: permission denied',
      );
    },
  );
});
