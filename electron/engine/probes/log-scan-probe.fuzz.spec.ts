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
import { LineSplitter, logScanProbe, MAX_MATCHES, MATCH_TEXT_CHARS } from './log-scan-probe.js';

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

describe('LineSplitter (fuzz)', () => {
  const chunked = (bytes: Buffer, cuts: number[]): Buffer[] => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    return [...points, bytes.length].map((end, i) => bytes.subarray(points[i - 1] ?? 0, end));
  };
  const text = fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => s.replace(/\r/g, ''));

  it('gives back the lines it was fed, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (lines, cuts) => {
        const out: string[] = [];
        const splitter = new LineSplitter((line, truncated) => {
          expect(truncated).toBe(false);
          out.push(line);
        });
        for (const chunk of chunked(Buffer.from(lines.join('\n')), cuts)) splitter.push(chunk);
        splitter.end();
        const expected = lines.join('\n') === '' ? [] : lines.join('\n').split('\n');
        // A last empty line is no line: the file ended with a newline.
        if (expected.at(-1) === '') expected.pop();
        expect(out).toEqual(expected);
      }),
      fuzzParams(),
    );
  });

  it('never holds more than its cap, and cuts only between characters', () => {
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 1, max: 40 }),
        (lines, cuts, cap) => {
          const out: [string, boolean][] = [];
          const splitter = new LineSplitter((line, truncated) => out.push([line, truncated]), cap);
          for (const chunk of chunked(Buffer.from(lines.join('\n')), cuts)) splitter.push(chunk);
          splitter.end();
          for (const [line, truncated] of out) {
            expect(Buffer.byteLength(line)).toBeLessThanOrEqual(cap);
            // A cut line is the start of a line fed, so no character was cut in half (it would read as U+FFFD).
            if (truncated) expect(lines.some((fed) => fed.startsWith(line))).toBe(true);
            else expect(lines).toContain(line);
          }
        },
      ),
      fuzzParams(),
    );
  });
});
