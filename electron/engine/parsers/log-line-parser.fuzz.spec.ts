/**
 * Fuzz: every reader of server-log lines, fed mutated real logs (the fixtures and lines from public issue
 * trackers), hostile text and long repetitive lines, must answer in the documented shape, never throw, and
 * stay within a time bound per line. Reproduce a failure with the seed and path fast-check prints (see
 * test/unit/fuzz-arbitraries.ts).
 */
import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureTexts,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  realWorldLogs,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import { logTime } from '../probes/log-correlation.js';
import { extractClientEndpoint, normalizeAddress } from './log-format-fields.js';
import { isRecordDateLine } from './log-format-shapes.js';
import {
  accessLogFields,
  accessLogStatus,
  classifyLogLine,
  detectLogFormat,
  extractTimestamp,
  LOG_CATEGORIES,
  LOG_FORMATS,
  LOG_CANDIDATE_PATTERNS,
} from './log-line-parser.js';
import { LineCandidateAutomaton } from './line-candidate-automaton.js';

const SEEDS = [...fixtureTexts('logs'), ...realWorldLogs()];
const lines = (text: string): string[] => text.split('\n');

/** What the correlation accepts as a log time: the shape extractTimestamp promises. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** Whether the block scan would find the line, written to a file as UTF-8. */
const candidates = new LineCandidateAutomaton(LOG_CANDIDATE_PATTERNS);
function isCandidate(line: string): boolean {
  return candidates.matchesLine(Buffer.from(line));
}

function checkLine(line: string): void {
  const category = classifyLogLine(line);
  expect(category === null || LOG_CATEGORIES.includes(category)).toBe(true);
  // The block scan reads only candidates: every line that reports something must be one, as the scan
  // decodes it from the file (a lone surrogate comes back as U+FFFD).
  if (classifyLogLine(Buffer.from(line).toString('utf8')) !== null) expect(isCandidate(line)).toBe(true);

  const fields = accessLogFields(line);
  if (fields !== null) {
    expect(fields.status === null || (Number.isInteger(fields.status) && fields.status >= 100)).toBe(true);
    expect(fields.terminationState === null || typeof fields.terminationState === 'string').toBe(true);
    expect(fields.responseFlags === null || fields.responseFlags.every((f) => typeof f === 'string')).toBe(
      true,
    );
  }
  expect(accessLogStatus(line)).toBe(fields?.status ?? null);

  const timestamp = extractTimestamp(line, new Date(Date.UTC(2024, 2, 5, 12)));
  if (timestamp !== null) {
    expect(timestamp).toMatch(ISO);
    expect(Number.isFinite(logTime(timestamp, 0)?.epochMs)).toBe(true);
  }

  expect(typeof isRecordDateLine(line)).toBe('boolean');

  const client = extractClientEndpoint(line);
  if (client !== null) {
    expect(isIP(client.address)).not.toBe(0);
    expect(
      client.port === null || (Number.isInteger(client.port) && client.port >= 1 && client.port <= 65535),
    ).toBe(true);
  }
}

describe('log-line parsers (fuzz)', () => {
  it('read every mutated line in shape, without throwing, quickly', () => {
    fc.assert(
      fc.property(textInput(SEEDS.flatMap(lines)), (line) => {
        timed(() => checkLine(line));
      }),
      fuzzParams(500),
    );
  });

  it('read every line of mutated logs in shape, without throwing, quickly', () => {
    fc.assert(
      fc.property(textInput(SEEDS), (text) => {
        for (const line of lines(text)) timed(() => checkLine(line));
        const format = timed(() => detectLogFormat(lines(text)));
        expect(LOG_FORMATS).toContain(format);
      }),
      fuzzParams(),
    );
  });

  it('normalizeAddress returns an IP literal or null, whatever it is given', () => {
    const addressLike = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.stringMatching(/^[0-9a-fA-F:.[\]%]{0,45}$/),
      fc.string({ maxLength: 50 }),
    );
    fc.assert(
      fc.property(addressLike, (raw) => {
        const address = normalizeAddress(raw);
        if (address !== null) expect(isIP(address)).not.toBe(0);
      }),
      fuzzParams(500),
    );
  });

  it.each(longInputs(SEEDS.filter((_, i) => i % 8 === 0)))('stays linear on $name', ({ text }) => {
    const all = lines(text);
    timed(
      () => {
        for (const line of all) {
          classifyLogLine(line);
          extractTimestamp(line);
          extractClientEndpoint(line);
          accessLogFields(line);
          isRecordDateLine(line);
        }
        detectLogFormat(all);
      },
      LONG_INPUT_MS,
      'reading the lines',
    );
  });
});
