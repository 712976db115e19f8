/**
 * A failure inside the log analysis (a bug in a parser or in the correlation) must not lose what the scan
 * collected: the probe still completes with its data, and says in one line what went wrong. The parsers are
 * made to fail on purpose here, since the real ones no longer do on any input the fuzz specs found.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ProbeContext, ProbeOutcome, RunResults } from '../runner/probe-types.js';
import type { RunEnvironment } from '../runner/run-environment.js';
import { logScanProbe, type LogScanData } from './log-scan-probe.js';

const faults = vi.hoisted(() => ({ classify: false, timestamp: false, correlate: false }));

vi.mock('../parsers/log-line-parser.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../parsers/log-line-parser.js')>();
  return {
    ...real,
    classifyLogLine: (line: string) => {
      if (faults.classify && line.includes('BOOM')) throw new TypeError('classify broke\nsecond line');
      return real.classifyLogLine(line);
    },
    extractTimestamp: (line: string, now?: Date) => {
      if (faults.timestamp) throw new RangeError('timestamp broke');
      return real.extractTimestamp(line, now);
    },
  };
});

vi.mock('./log-correlation.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./log-correlation.js')>();
  return {
    ...real,
    correlate: (...args: Parameters<typeof real.correlate>) => {
      if (faults.correlate) throw new Error('correlate broke');
      return real.correlate(...args);
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'log-scan-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  faults.classify = false;
  faults.timestamp = false;
  faults.correlate = false;
});

function context(file: string): ProbeContext {
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    env: { options: { logFile: file }, now: () => performance.now() } as unknown as RunEnvironment,
    results: { get: () => undefined, data: () => null } as unknown as RunResults,
  };
}

function completed(
  outcome: ProbeOutcome<LogScanData>,
): Extract<ProbeOutcome<LogScanData>, { status: 'complete' }> {
  if (outcome.status !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const LINES = [
  '2024/03/05 10:00:01 [error] 29#29: *1 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.1',
  '2024/03/05 10:00:02 [error] 29#29: *2 BOOM recv() failed (104: Connection reset by peer)',
  '2024/03/05 10:00:03 [error] 29#29: *3 upstream timed out (110: Connection timed out) while reading response header from upstream',
];

function logFile(name: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${LINES.join('\n')}\n`);
  return file;
}

describe('logScanProbe when its analysis fails', () => {
  it('passes over a line it trips on, reads the rest and says where', async () => {
    faults.classify = true;
    const { data, summary, assessment } = completed(await logScanProbe.run(context(logFile('line.log'))));
    expect(data.linesRead).toBe(3);
    expect(data.counts).toMatchObject({ reset: 1, timeout: 1 });
    expect(data.matches.map((m) => m.lineNumber)).toEqual([1, 3]);
    expect(data.analysisProblem).toBe('the analysis failed at line 2: classify broke');
    expect(summary).toMatch(/; incomplete: the analysis failed at line 2: classify broke$/);
    expect(assessment).toBe('fail');
  });

  it('keeps the matches without their times when times cannot be read', async () => {
    faults.timestamp = true;
    const { data } = completed(await logScanProbe.run(context(logFile('time.log'))));
    expect(data.counts).toMatchObject({ reset: 2, timeout: 1 });
    expect(data.matches.map((m) => [m.lineNumber, m.timestamp])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(data.matches[0]?.text).toBe(LINES[0]);
    expect(data.analysisProblem).toMatch(/^the analysis failed .*: timestamp broke$/);
  });

  it('keeps the matches when the correlation with the run fails, and a quiet log then warns', async () => {
    faults.correlate = true;
    const { data } = completed(await logScanProbe.run(context(logFile('correlate.log'))));
    expect(data.matches).toHaveLength(3);
    expect(data.correlated).toEqual([]);
    expect(data.analysisProblem).toBe(
      'the analysis failed correlating the matches with the run: correlate broke',
    );
    const quiet = join(dir, 'quiet.log');
    writeFileSync(quiet, '2024/03/05 10:00:01 [info] 29#29: *1 client closed keepalive connection\n');
    const outcome = completed(await logScanProbe.run(context(quiet)));
    expect(outcome.assessment).toBe('warn');
  });
});
