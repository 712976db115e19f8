import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../net/conversation-types.js';
import { LOG_CATEGORIES, type LogCategory } from '../parsers/log-line-parser.js';
import type { ProbeContext, ProbeOutcome, RunResults } from '../runner/probe-types.js';
import type { RunEnvironment } from '../runner/run-environment.js';
import { MAX_LINE_BYTES } from './log-line-splitter.js';
import {
  FIRST_MATCHES_PER_CATEGORY,
  logScanProbe,
  MAX_MATCHES,
  runLogScan,
  type LogScanData,
} from './log-scan-probe.js';

const dir = mkdtempSync(join(tmpdir(), 'log-scan-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** A file's size as the probe writes a few MiB. */
function mib(file: string): string {
  return `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;
}

function logFile(content: string | Buffer): string {
  fileCount += 1;
  const file = join(dir, `log-${fileCount}.log`);
  writeFileSync(file, content);
  return file;
}

interface Progress {
  message: string;
  fraction: number | null | undefined;
}

interface ContextOptions {
  signal?: AbortSignal;
  now?: () => number;
  onProgress?: (report: Progress) => void;
  /** Local ports of connections the tcp-connect probe made earlier in the run. */
  localPorts?: number[];
}

function context(logFilePath: string | null, options: ContextOptions = {}): ProbeContext {
  const env = {
    options: { logFile: logFilePath },
    now: options.now ?? (() => performance.now()),
  } as unknown as RunEnvironment;
  const attempts = (options.localPorts ?? []).map(
    (localPort, i) => ({ address: '203.0.113.10', port: 443, localPort, startedAt: i * 100 }) as Conversation,
  );
  const results = {
    get: () => undefined,
    data: (probe: { id: string }) =>
      probe.id === 'tcp-connect' && attempts.length > 0 ? { attempts } : null,
  } as unknown as RunResults;
  return {
    signal: options.signal ?? new AbortController().signal,
    progress: (message, fraction) => options.onProgress?.({ message, fraction }),
    env,
    results,
  };
}

function completed(
  outcome: ProbeOutcome<LogScanData>,
): Extract<ProbeOutcome<LogScanData>, { status: 'complete' }> {
  if (outcome.status !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const RESET_LINE = (n: number): string =>
  `2024/03/05 10:${String(n % 60).padStart(2, '0')}:00 [error] 29#29: *${n} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.1`;
const TIMEOUT_LINE = (n: number): string =>
  `2024/03/05 09:00:${String(n % 60).padStart(2, '0')} [error] 29#29: *${n} upstream timed out (110: Connection timed out) while reading response header from upstream`;
const QUIET_LINE = (n: number): string =>
  `2024/03/05 09:30:00 [info] 29#29: *${n} client closed keepalive connection`;

describe('logScanProbe', () => {
  it('has the id and title the report uses', () => {
    expect(logScanProbe.id).toBe('log-scan');
    expect(logScanProbe.title).toBe('Server log scan');
  });

  it('is skipped when there is none, naming the option that gives one (each face words it)', async () => {
    const outcome = await logScanProbe.run(context(null));
    expect(outcome).toEqual({
      status: 'skipped',
      reason:
        'No server log given: a log from the server (nginx, Apache, HAProxy, journald or the application’s own) is searched for resets, timeouts and restarts.',
      enables: { option: 'logFile' },
    });
  });

  it('fails with bad_input for a missing file', async () => {
    const missing = join(dir, 'no-such.log');
    const outcome = await logScanProbe.run(context(missing));
    expect(outcome).toEqual({
      status: 'failed',
      failure: { code: 'bad_input', message: `Cannot read the log file ${missing}: no such file` },
    });
  });

  it('fails with bad_input for a directory', async () => {
    const outcome = await logScanProbe.run(context(dir));
    expect(outcome).toEqual({
      status: 'failed',
      failure: {
        code: 'bad_input',
        message: `Cannot read the log file ${dir}: a directory, not a regular file`,
      },
    });
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO without waiting for a writer, and a device that never ends',
    async () => {
      const fifo = join(dir, 'log.fifo');
      execFileSync('mkfifo', [fifo]);
      expect(await logScanProbe.run(context(fifo))).toEqual({
        status: 'failed',
        failure: {
          code: 'bad_input',
          message: `Cannot read the log file ${fifo}: a FIFO (named pipe), not a regular file`,
        },
      });
      expect(await logScanProbe.run(context('/dev/zero'))).toEqual({
        status: 'failed',
        failure: {
          code: 'bad_input',
          message: 'Cannot read the log file /dev/zero: a character device, not a regular file',
        },
      });
    },
    5_000,
  );

  it('reads no further than the size the log had when it was opened', async () => {
    const file = logFile(`${RESET_LINE(1)}\n`.repeat(40_000));
    const size = statSync(file).size;
    let clock = 0;
    let appended = false;
    const outcome = completed(
      await logScanProbe.run(
        context(file, {
          now: () => (clock += 300),
          // The server keeps writing while the scan runs.
          onProgress: () => {
            if (appended) return;
            appended = true;
            appendFileSync(file, `${RESET_LINE(2)}\n`.repeat(40_000));
          },
        }),
      ),
    );
    expect(appended).toBe(true);
    expect(outcome.data.bytesRead).toBe(size);
    expect(outcome.data.linesRead).toBe(40_000);
  });

  it('counts categories, keeps timestamps and judges the log', async () => {
    const file = logFile(
      [
        '2024/03/05 10:00:00 [notice] 1#1: start worker processes',
        RESET_LINE(1),
        TIMEOUT_LINE(2),
        '10.0.0.1 - - [05/Mar/2024:10:00:03 +0100] "GET /api HTTP/1.1" 502 157 "-" "curl/8.5.0"',
        '2024/03/05 10:00:04 [alert] 1#1: worker process 33 exited on signal 11 (core dumped)',
        '2024/03/05 10:00:05 [info] 29#29: *9 client closed keepalive connection',
        '    continuation line without a timestamp',
      ].join('\n'),
    );
    const { data, assessment, summary } = completed(await logScanProbe.run(context(file)));
    expect(data.counts).toEqual({ reset: 1, timeout: 1, crash: 1, upstream: 1, limit: 0 });
    expect(data.linesRead).toBe(7);
    expect(data.format).toBe('nginx-error');
    expect(data.firstTimestamp).toBe('2024-03-05T10:00:00');
    expect(data.lastTimestamp).toBe('2024-03-05T10:00:05');
    expect(data.matches.map((m) => [m.lineNumber, m.category, m.timestamp])).toEqual([
      [2, 'reset', '2024-03-05T10:01:00'],
      [3, 'timeout', '2024-03-05T09:00:02'],
      [4, 'upstream', '2024-03-05T10:00:03+01:00'],
      [5, 'crash', '2024-03-05T10:00:04'],
    ]);
    expect(assessment).toBe('fail');
    expect(summary).toBe('Read 7 lines (nginx-error): 1 reset, 1 crash/restart, 1 timeout, 1 upstream error');
    expect(data.sizeBytes).toBe(data.bytesRead);
  });

  it('warns for timeouts alone and is ok for a quiet log', async () => {
    const warn = completed(
      await logScanProbe.run(context(logFile(`${QUIET_LINE(1)}\n${TIMEOUT_LINE(2)}\n`))),
    );
    expect(warn.assessment).toBe('warn');
    const ok = completed(await logScanProbe.run(context(logFile(`${QUIET_LINE(1)}\n${QUIET_LINE(2)}\n`))));
    expect(ok.assessment).toBe('ok');
    expect(ok.summary).toBe(
      'Read 2 lines (nginx-error): 0 resets, 0 crashes/restarts, 0 timeouts, 0 upstream errors',
    );
  });

  it('reads an empty file as a quiet log', async () => {
    const { data, assessment } = completed(await logScanProbe.run(context(logFile(''))));
    expect(data.linesRead).toBe(0);
    expect(data.format).toBe('plain');
    expect(data.firstTimestamp).toBeNull();
    expect(assessment).toBe('ok');
  });

  it('cuts a 200 KB line at 64 KiB and skips binary junk lines', async () => {
    const longLine = `ECONNRESET ${'x'.repeat(200_000)} ETIMEDOUT`;
    const hiddenReset = `${'y'.repeat(MAX_LINE_BYTES + 10)} connection reset by peer`;
    const junk = Buffer.from([
      0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xff, 0xfe, 0x00, 0x41,
    ]);
    const gibberish = Buffer.from([0x01, 0x02, 0x03, 0x04, 0xc3, 0x28, 0x05, 0x06, 0x41, 0x42]);
    const file = logFile(
      Buffer.concat([
        Buffer.from(`${QUIET_LINE(1)}\n${longLine}\n`),
        junk,
        Buffer.from('\n'),
        gibberish,
        Buffer.from(`\n${hiddenReset}\n${TIMEOUT_LINE(5)}\n`),
      ]),
    );
    const { data, summary } = completed(await logScanProbe.run(context(file)));
    expect(data.linesRead).toBe(6);
    expect(data.longLines).toBe(2);
    expect(data.binaryLines).toBe(2);
    // The first line's start is seen; the reset beyond the 64 KiB cut of the fifth is not.
    expect(data.counts).toEqual({ reset: 1, timeout: 1, crash: 0, upstream: 0, limit: 0 });
    expect(data.matches[0]?.lineNumber).toBe(2);
    expect(data.matches[0]?.text).toHaveLength(300);
    expect(data.matches[0]?.text.endsWith('…')).toBe(true);
    expect(summary).toContain('(2 binary lines skipped, 2 lines cut at 64 KiB)');
  });

  it('keeps the latest matches and the first ones of each category, at most 40, in file order', async () => {
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => TIMEOUT_LINE(i + 1)),
      ...Array.from({ length: 100 }, (_, i) => RESET_LINE(i + 9)),
    ];
    const { data } = completed(await logScanProbe.run(context(logFile(lines.join('\n')))));
    expect(data.counts).toEqual({ reset: 100, timeout: 8, crash: 0, upstream: 0, limit: 0 });
    expect(data.matches).toHaveLength(MAX_MATCHES);
    const numbers = data.matches.map((m) => m.lineNumber);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    // The first five timeouts and first five resets, then the 30 latest resets.
    expect(numbers.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 9, 10, 11, 12, 13]);
    expect(numbers.slice(10)).toEqual(Array.from({ length: 30 }, (_, i) => 79 + i));
    expect(data.matches.filter((m) => m.category === 'timeout')).toHaveLength(FIRST_MATCHES_PER_CATEGORY);
    expect(data.matches.at(-1)?.text).toBe(RESET_LINE(108));
  });

  it('reads CRLF lines and a last line without a newline', async () => {
    const file = logFile(`${QUIET_LINE(1)}\r\n${RESET_LINE(2)}\r\n${TIMEOUT_LINE(3)}`);
    const { data } = completed(await logScanProbe.run(context(file)));
    expect(data.linesRead).toBe(3);
    expect(data.matches.map((m) => m.text)).toEqual([RESET_LINE(2), TIMEOUT_LINE(3)]);
  });

  it('reports progress with a growing fraction', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => QUIET_LINE(i)).join('\n');
    const reports: Progress[] = [];
    let clock = 0;
    // Each reading of the clock is 300 ms later, so every chunk is worth a report.
    const now = (): number => (clock += 300);
    const file = logFile(lines);
    const outcome = await logScanProbe.run(context(file, { now, onProgress: (r) => reports.push(r) }));
    expect(completed(outcome).data.linesRead).toBe(60_000);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    const fractions = reports.map((r) => r.fraction ?? 0);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    expect(reports[0]?.message).toMatch(new RegExp(`^Scanned 1\\.0 MiB of ${mib(file)}, [\\d,]+ lines$`));
  });

  it('does not report progress more often than every 250 ms', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => QUIET_LINE(i)).join('\n');
    const reports: Progress[] = [];
    const outcome = await logScanProbe.run(
      context(logFile(lines), { now: () => 0, onProgress: (r) => reports.push(r) }),
    );
    expect(outcome.status).toBe('complete');
    expect(reports).toEqual([]);
  });

  it('stops when cancelled and returns what it found so far', async () => {
    const lines = Array.from({ length: 60_000 }, (_, i) => (i % 1000 === 0 ? RESET_LINE(i) : QUIET_LINE(i)));
    const file = logFile(lines.join('\n'));
    const controller = new AbortController();
    let clock = 0;
    const outcome = await logScanProbe.run(
      context(file, {
        signal: controller.signal,
        now: () => (clock += 300),
        // The person presses Cancel when the first progress report shows.
        onProgress: () => controller.abort(),
      }),
    );
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.failure.code).toBe('cancelled');
    const message = new RegExp(`^Log scan cancelled after [\\d,]+ lines \\(1\\.0 MiB of ${mib(file)}\\)$`);
    expect(outcome.failure.message).toMatch(message);
    expect(outcome.data?.bytesRead).toBe(1024 * 1024);
    expect(outcome.data?.linesRead).toBeGreaterThan(10_000);
    expect(outcome.data?.linesRead).toBeLessThan(60_000);
    expect(outcome.data?.counts.reset).toBeGreaterThan(0);
  });

  it('does not open the file when cancelled before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await logScanProbe.run(context(logFile(RESET_LINE(1)), { signal: controller.signal }));
    expect(outcome).toEqual({
      status: 'failed',
      failure: { code: 'cancelled', message: 'Log scan cancelled after 0 lines' },
    });
  });
});

const LOG_FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), '../parsers/fixtures/logs');

/** What each fixture holds, per category, and its format (the line-by-line check is in the parser's spec). */
const FIXTURE_COUNTS: Record<string, { format: string; counts: Partial<Record<LogCategory, number>> }> = {
  'nginx-error.log': {
    format: 'nginx-error',
    counts: { reset: 3, upstream: 3, timeout: 2, limit: 2, crash: 1 },
  },
  'nginx-access.log': { format: 'access-log', counts: { reset: 1, upstream: 3, timeout: 2 } },
  'haproxy.log': { format: 'haproxy', counts: { reset: 5, timeout: 2, limit: 2, upstream: 3 } },
  'envoy-access.log': { format: 'envoy', counts: { reset: 4, timeout: 2, upstream: 3, limit: 1 } },
  'apache-error.log': {
    format: 'apache-error',
    counts: { reset: 2, timeout: 2, upstream: 3, limit: 1, crash: 1 },
  },
  'journald.log': { format: 'journald', counts: { crash: 8, reset: 1, timeout: 1, limit: 2 } },
  'postgresql.log': { format: 'postgresql', counts: { reset: 4, limit: 2, timeout: 2, crash: 4 } },
  'app-plain.log': { format: 'plain', counts: { reset: 2, timeout: 2, limit: 1 } },
  'windows-events.csv': { format: 'windows-event-csv', counts: { timeout: 1, crash: 6, limit: 2 } },
  'windows-events.txt': { format: 'windows-event-text', counts: { crash: 1, limit: 1 } },
};

function fullCounts(counts: Partial<Record<LogCategory, number>>): Record<LogCategory, number> {
  return Object.fromEntries(LOG_CATEGORIES.map((c) => [c, counts[c] ?? 0])) as Record<LogCategory, number>;
}

/** nginx's error-log time, in this machine's zone (the log gives none). */
function nginxTime(at: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${at.getFullYear()}/${p(at.getMonth() + 1)}/${p(at.getDate())} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

describe('logScanProbe on every fixture format', () => {
  it('covers every fixture file', () => {
    expect(
      readdirSync(LOG_FIXTURES)
        .filter((f) => f !== 'README.md')
        .sort(),
    ).toEqual(Object.keys(FIXTURE_COUNTS).sort());
  });

  it.each(Object.entries(FIXTURE_COUNTS))('%s', async (name, expected) => {
    const { data, assessment } = completed(await logScanProbe.run(context(join(LOG_FIXTURES, name))));
    expect(data.format).toBe(expected.format);
    expect(data.counts).toEqual(fullCounts(expected.counts));
    expect(assessment).toBe('fail');
    // Every match has a time: its own, or its record's (a Windows event's Date:, the line before a stack trace).
    expect(data.matches.filter((m) => m.timestamp === null)).toEqual([]);
    // The fixtures are from 2024: nothing in them is about this run.
    expect(data.linesThatMatter).toEqual([]);
    expect(data.correlated).toHaveLength(data.matches.length);
  });

  it("gives a Windows event's description the time of its Date: field", async () => {
    const { data } = completed(await logScanProbe.run(context(join(LOG_FIXTURES, 'windows-events.txt'))));
    expect(data.matches.map((m) => [m.lineNumber, m.category, m.timestamp])).toEqual([
      [23, 'crash', '2024-03-05T10:11:30'],
      [35, 'limit', '2024-03-05T10:11:26'],
    ]);
  });

  it('keeps the client address and port of each match where the line names them', async () => {
    const { data } = completed(await logScanProbe.run(context(join(LOG_FIXTURES, 'haproxy.log'))));
    const first = data.matches[0];
    expect(first).toMatchObject({
      lineNumber: 6,
      category: 'reset',
      clientAddress: '198.18.1.2',
      clientPort: 40123,
    });
    const proxyMessage = data.matches.find((m) => m.lineNumber === 19);
    expect(proxyMessage).toMatchObject({ category: 'limit', clientAddress: null, clientPort: null });
  });
});

describe('logScanProbe: the block scan against reading every line', () => {
  /** What a scan found, without the wording of the correlation (it names times relative to now). */
  function found(data: LogScanData): unknown {
    const { correlated, linesThatMatter, ...rest } = data;
    return {
      ...rest,
      correlated: correlated.map((line) => line.lineNumber),
      linesThatMatter: linesThatMatter.map((line) => line.lineNumber),
    };
  }

  async function bothWays(file: string, chunkBytes?: number): Promise<[unknown, unknown]> {
    const every = completed(await runLogScan(context(file), { everyLine: true, chunkBytes }));
    const blocks = completed(await runLogScan(context(file), { chunkBytes }));
    return [found(blocks.data), found(every.data)];
  }

  it.each(Object.keys(FIXTURE_COUNTS))(
    'finds the same in %s, repeated past the format sample',
    async (name) => {
      const text = readFileSync(join(LOG_FIXTURES, name), 'utf8');
      const file = logFile(text.repeat(Math.ceil(400 / text.split('\n').length)));
      for (const chunkBytes of [undefined, 4096, 97]) {
        const [blocks, every] = await bothWays(file, chunkBytes);
        expect(blocks).toEqual(every);
      }
    },
  );

  it('counts long, blank and binary lines the same way', async () => {
    const quiet = Array.from({ length: 60 }, (_, i) => QUIET_LINE(i)).join('\n');
    const file = logFile(
      Buffer.concat([
        Buffer.from(`${quiet}\n\n${'z'.repeat(MAX_LINE_BYTES + 5)} reset\n`),
        Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x0a, 0xff, 0xfe, 0xfd, 0x0a, 0x0d, 0x0a]),
        Buffer.from(`${RESET_LINE(1)}\r\n${'é'.repeat(40_000)}\n${TIMEOUT_LINE(2)}`),
      ]),
    );
    for (const chunkBytes of [undefined, 1000]) {
      const [blocks, every] = await bothWays(file, chunkBytes);
      expect(blocks).toEqual(every);
      expect(blocks).toMatchObject({ longLines: 2, binaryLines: 2, counts: { reset: 1, timeout: 1 } });
    }
  });
});

describe('logScanProbe correlation with the run', () => {
  it('scores the lines against the run and names the one that matters most in the summary', async () => {
    const now = Date.now();
    const lines = [
      '2024/03/05 10:00:01 [notice] 1#1: start worker processes',
      RESET_LINE(2), // 2024: long before this run
      `${nginxTime(new Date(now - 4000))} [error] 29#29: *7 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.7, server: shop.example.com`,
      `${nginxTime(new Date(now - 3000))} [info] 29#29: *8 client closed keepalive connection`,
      `Mar  5 10:11:12 lb1 haproxy[14389]: 203.0.113.7:40123 [05/Mar/2024:10:11:12.310] http-in app/srv1 0/0/1/-1/412 502 204 - - SH-- 14/14/4/2/0 0/0 "GET /api/orders HTTP/1.1"`,
      `${nginxTime(new Date(now - 2000))} [error] 29#29: *9 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 203.0.113.7, server: shop.example.com`,
    ].map((line) => line.replace('Mar  5 10:11:12', syslogTime(new Date(now - 2000))));
    const file = logFile(lines.join('\n'));
    // The run started 10 s ago; its tcp-connect attempts used local ports 40123 and 40124.
    const outcome = await logScanProbe.run(context(file, { now: () => 10_000, localPorts: [40123, 40124] }));
    const { data, summary } = completed(outcome);
    expect(data.matches.map((m) => m.lineNumber)).toEqual([2, 3, 5, 6]);
    expect(data.correlated.map((l) => l.lineNumber)).toEqual([5, 6, 3, 2]);
    const top = data.correlated[0];
    expect(top?.why).toMatch(
      /^at \d\d:\d\d:\d\d, during the run \(log time taken as UTC[^,]*, this machine's time zone [^)]+\); from 203\.0\.113\.7 port 40123, a port the run used$/,
    );
    expect(data.linesThatMatter.map((l) => l.lineNumber)).toEqual([5, 6, 3]);
    expect(summary).toMatch(
      /^Read 6 lines \(nginx-error\): 3 resets, 0 crashes\/restarts, 1 timeout, 0 upstream errors; most relevant to this run: line 5 \(reset; at .*a port the run used\): .*haproxy\[14389\]: 203\.0\.113\.7:40123 /,
    );
  });

  it('still shows the lines written during the run when many later matches push them out of the kept ones', async () => {
    const now = Date.now();
    const old = (n: number): string => RESET_LINE(n);
    const during = (n: number): string =>
      `${nginxTime(new Date(now - 3000))} [error] 29#29: *${n} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 203.0.113.7`;
    // A rotated older log appended after the current one: its matches come last in the file.
    const earlier = (n: number): string =>
      `${nginxTime(new Date(now - 3_600_000))} [error] 29#29: *${n} recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.0.0.1`;
    const lines = [
      ...Array.from({ length: 5 }, (_, i) => old(i + 1)),
      ...Array.from({ length: 3 }, (_, i) => during(i + 6)),
      ...Array.from({ length: 100 }, (_, i) => earlier(i + 9)),
    ];
    const { data } = completed(
      await logScanProbe.run(context(logFile(lines.join('\n')), { now: () => 10_000 })),
    );
    expect(data.matches).toHaveLength(MAX_MATCHES);
    expect(data.matches.some((m) => m.lineNumber >= 6 && m.lineNumber <= 8)).toBe(false);
    expect(data.linesThatMatter.slice(0, 3).map((l) => l.lineNumber)).toEqual([8, 7, 6]);
    expect(data.linesThatMatter[0]?.why).toContain('during the run');
    expect(data.linesThatMatter[3]?.why).toContain('1 h before the run started');
    expect(data.correlated).toHaveLength(MAX_MATCHES);
  });

  it('counts connection limits, and says so only when there are some', async () => {
    const file = logFile(
      [
        '2024/03/05 10:11:31 [alert] 30#30: 1024 worker_connections are not enough',
        '2024/03/05 10:11:31 [crit] 30#30: accept4() failed (24: Too many open files)',
      ].join('\n'),
    );
    const { data, assessment, summary } = completed(await logScanProbe.run(context(file)));
    expect(data.counts.limit).toBe(2);
    expect(assessment).toBe('fail');
    expect(summary).toBe(
      'Read 2 lines (nginx-error): 0 resets, 0 crashes/restarts, 0 timeouts, 0 upstream errors, 2 connection limit hits',
    );
  });
});

function syslogTime(at: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${months[at.getMonth()]} ${String(at.getDate()).padStart(2, ' ')} ${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`;
}

/**
 * Short logs whose lines carry no time the scan can read: it used to throw ("Cannot destructure property
 * 'lineNumber'") while looking back over tail slots that no line had filled yet, and the run lost the log.
 * The lines are real, from public issue trackers (source beside each).
 */
describe('logScanProbe on short logs without times', () => {
  // https://github.com/psycopg/psycopg2/issues/1717 (l066–l069 of shared/real-world/log-lines.jsonl), as a
  // server with log_line_prefix = '[%p] %q%u@%d ' writes them (journald adds the time): no %m timestamp.
  const POSTGRES_PID_PREFIX = [
    '[9937] bbot_rt_2@SIMDB LOG:  could not receive data from client: Connection timed out',
    '[9954] bbot_rt_2@SIMDB LOG:  could not receive data from client: Connection reset by peer',
    '[12356] bbot_rt_2@SIMDB LOG:  could not send data to client: Connection reset by peer',
    '[12356] bbot_rt_2@SIMDB FATAL:  connection to client lost',
  ];
  // https://github.com/ColinIanKing/stress-ng/issues/177 (l115–l117): dmesg counts seconds since boot.
  const DMESG = [
    '[44178.537398] [   1808]  1000  1808     4908        0    98304      117          1000 stress-ng',
    '[44178.537749] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-1.scope,task=stress-ng,pid=1811,uid=1000',
    '[44178.537897] Out of memory: Killed process 1811 (stress-ng) total-vm:43240kB, anon-rss:0kB, file-rss:64kB, shmem-rss:0kB, UID:1000 pgtables:104kB oom_score_adj:1000',
  ];
  // https://github.com/PowerShell/Win32-OpenSSH/issues/2171 (l127–l128): an event's description, pasted.
  const TWO_LINES = [
    'Description:',
    'The OpenSSH SSH Server service terminated unexpectedly.  It has done this 1 time(s).  The following corrective action will be taken in 0 milliseconds: Restart the service.',
  ];

  it('reads a PostgreSQL log with only a [pid] prefix', async () => {
    const file = logFile(`${POSTGRES_PID_PREFIX.join('\n')}\n`);
    const { data, assessment } = completed(await logScanProbe.run(context(file)));
    expect(data.counts).toEqual(fullCounts({ reset: 3, timeout: 1 }));
    expect(data.matches.map((m) => [m.lineNumber, m.category, m.timestamp])).toEqual([
      [1, 'timeout', null],
      [2, 'reset', null],
      [3, 'reset', null],
      [4, 'reset', null],
    ]);
    expect(data.lastTimestamp).toBeNull();
    expect(data.correlated).toHaveLength(4);
    expect(assessment).toBe('fail');
  });

  it('reads dmesg output', async () => {
    const file = logFile(`${DMESG.join('\n')}\n`);
    const { data, assessment } = completed(await logScanProbe.run(context(file)));
    expect(data.counts).toEqual(fullCounts({ crash: 2 }));
    expect(data.matches.map((m) => m.lineNumber)).toEqual([2, 3]);
    expect(assessment).toBe('fail');
  });

  it('reads a two-line file, and one with blank lines between its lines', async () => {
    const two = completed(await logScanProbe.run(context(logFile(TWO_LINES.join('\n')))));
    expect(two.data.linesRead).toBe(2);
    expect(two.data.counts).toEqual(fullCounts({ crash: 1 }));
    // Blank lines leave tail slots empty however long the log is.
    const spaced = Array.from({ length: 20 }, (_, i) => POSTGRES_PID_PREFIX[i % 4] ?? '').join('\n\n');
    const { data } = completed(await logScanProbe.run(context(logFile(spaced))));
    expect(data.linesRead).toBe(39);
    expect(data.counts).toEqual(fullCounts({ reset: 15, timeout: 5 }));
  });
});
