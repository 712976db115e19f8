/**
 * Fuzz: the whole log scan over mutated real logs (fixtures, lines from public issue trackers) and random
 * bytes, written to a file and read as the probe reads any log. It must complete, with no failure inside its
 * analysis, and return the documented shape; the line splitter must give back the lines it was fed, however
 * the bytes are chunked.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureTexts, fuzzParams, realWorldLogs, textInput } from '../../../test/unit/fuzz-arbitraries.js';
import { LOG_CATEGORIES } from '../parsers/log-line-parser.js';
import type { ProbeContext, RunResults } from '../runner/probe-types.js';
import type { RunEnvironment } from '../runner/run-environment.js';
import { MAX_LINES_THAT_MATTER } from './log-correlation.js';
import {
  logScanProbe,
  MAX_MATCHES,
  MATCH_TEXT_CHARS,
  runLogScan,
  type LogScanData,
} from './log-scan-probe.js';

const SEEDS = [...fixtureTexts('logs'), ...realWorldLogs()];
const dir = mkdtempSync(join(tmpdir(), 'log-scan-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(file: string): ProbeContext {
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    env: { options: { logFile: file }, now: () => performance.now() } as unknown as RunEnvironment,
    results: { get: () => undefined, data: () => null } as unknown as RunResults,
  };
}

const content = fc.oneof(
  { weight: 4, arbitrary: textInput(SEEDS).map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes)) },
);

let runs = 0;

describe('logScanProbe (fuzz)', () => {
  it('scans any file to completion, in shape, with nothing lost to a failure', async () => {
    await fc.assert(
      fc.asyncProperty(content, async (bytes) => {
        const file = join(dir, `log-${(runs += 1)}.log`);
        writeFileSync(file, bytes);
        const outcome = await logScanProbe.run(context(file));
        if (outcome.status !== 'complete') throw new Error(`not complete: ${JSON.stringify(outcome)}`);
        const { data, summary } = outcome;
        expect(data.analysisProblem).toBeNull();
        expect(summary).not.toMatch(/[\r\n]/);
        expect(data.bytesRead).toBe(bytes.length);
        const newlines = bytes.filter((b) => b === 0x0a).length;
        const lines = bytes.length === 0 ? 0 : newlines + (bytes.at(-1) === 0x0a ? 0 : 1);
        expect(data.linesRead).toBe(lines);
        expect(Object.keys(data.counts).sort()).toEqual([...LOG_CATEGORIES].sort());
        const total = Object.values(data.counts).reduce((a, b) => a + b, 0);
        expect(data.matches.length).toBeLessThanOrEqual(Math.min(total, MAX_MATCHES));
        expect(data.correlated.length).toBeLessThanOrEqual(MAX_MATCHES);
        expect(data.linesThatMatter.length).toBeLessThanOrEqual(MAX_LINES_THAT_MATTER);
        for (const match of data.matches) {
          expect(match.lineNumber).toBeGreaterThanOrEqual(1);
          expect(match.lineNumber).toBeLessThanOrEqual(lines);
          expect(match.text.length).toBeLessThanOrEqual(MATCH_TEXT_CHARS);
        }
        rmSync(file);
      }),
      fuzzParams(150),
    );
  });
});

describe('the block scan against reading every line (fuzz)', () => {
  /** Past the format sample and the first time, where the block scan takes over, with hostile lines mixed in. */
  const log = fc
    .tuple(
      fc.array(fc.constantFrom(...SEEDS.flatMap((text) => text.split('\n'))), {
        minLength: 60,
        maxLength: 200,
      }),
      fc.array(fc.tuple(fc.nat(), textInput(SEEDS)), { maxLength: 20 }),
      fc.array(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 300 })), { maxLength: 4 }),
    )
    .map(([lines, texts, junk]) => {
      const parts: Buffer[] = lines.map((line) => Buffer.from(`${line}\n`));
      for (const [at, text] of texts) parts.splice(at % parts.length, 0, Buffer.from(`${text}\n`));
      for (const [at, bytes] of junk) parts.splice(at % parts.length, 0, Buffer.from(bytes));
      return Buffer.concat(parts);
    });

  it('finds the same lines, counts and times, however the file is read', async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.integer({ min: 16, max: 8192 }), async (bytes, chunkBytes) => {
        const file = join(dir, `log-${(runs += 1)}.log`);
        writeFileSync(file, bytes);
        const every = await runLogScan(context(file), { everyLine: true, chunkBytes });
        const blocks = await runLogScan(context(file), { chunkBytes });
        if (every.status !== 'complete' || blocks.status !== 'complete') throw new Error('not complete');
        const strip = ({ correlated, linesThatMatter, ...rest }: LogScanData): unknown => ({
          ...rest,
          correlated: correlated.map((line) => line.lineNumber),
          linesThatMatter: linesThatMatter.map((line) => line.lineNumber),
        });
        expect(strip(blocks.data)).toEqual(strip(every.data));
        rmSync(file);
      }),
      fuzzParams(60),
    );
  });
});
