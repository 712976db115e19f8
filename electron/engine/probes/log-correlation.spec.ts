import { afterEach, describe, expect, it } from 'vitest';
import {
  correlate,
  formatOffset,
  logTime,
  MAX_LINES_THAT_MATTER,
  type CorrelationMatch,
  type RunWindow,
} from './log-correlation.js';

/** The run: 10:11:10 to 10:11:20 at UTC+01:00. */
const RUN: RunWindow = {
  startedAtIso: '2024-03-05T09:11:10.000Z',
  finishedAtIso: '2024-03-05T09:11:20.000Z',
  clientAddresses: ['198.18.1.2'],
  localPorts: [40123, 40125],
  logUtcOffsetMinutes: 60,
};

function match(
  lineNumber: number,
  timestamp: string | null,
  extra: Partial<CorrelationMatch> = {},
): CorrelationMatch {
  return { lineNumber, timestamp, category: 'reset', text: `line ${lineNumber}`, ...extra };
}

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('correlate', () => {
  it('says a zoneless line during the run was, in the zone it was given', () => {
    const { correlated } = correlate([match(1, '2024-03-05T10:11:12')], RUN);
    expect(correlated[0]?.why).toBe('at 10:11:12, during the run (log time taken as UTC+01:00, as given)');
  });

  it("reads a zoneless line in this machine's zone when none is given, and says so", () => {
    process.env.TZ = 'Europe/Berlin';
    const run = { ...RUN, logUtcOffsetMinutes: null };
    const { correlated } = correlate([match(1, '2024-03-05T10:11:12')], run);
    expect(correlated[0]?.why).toBe(
      "at 10:11:12, during the run (log time taken as UTC+01:00, this machine's time zone Europe/Berlin)",
    );
    // The same wall-clock time on a machine in New York is six hours later: not during the run.
    process.env.TZ = 'America/New_York';
    const far = correlate([match(1, '2024-03-05T10:11:12')], run).correlated[0];
    expect(far?.why).toBe(
      "at 10:11:12, 6 h after the run ended (log time taken as UTC-05:00, this machine's time zone America/New_York)",
    );
  });

  it('uses the offset a line gives, whatever was assumed', () => {
    const { correlated } = correlate([match(1, '2024-03-05T09:11:15.500Z')], {
      ...RUN,
      logUtcOffsetMinutes: 300,
    });
    expect(correlated[0]?.why).toBe('at 09:11:15 UTC, during the run');
  });

  it('counts a line within 2 s of the window as during the run, and ranks it above older lines', () => {
    const lines = [
      match(1, '2024-03-05T10:01:00'), // ten minutes before
      match(2, '2024-03-03T10:11:12'), // two days before
      match(3, '2024-03-05T10:11:21.500'), // 1.5 s after the end
      match(4, '2024-03-05T10:11:09'), // 1 s before the start
      match(5, '2024-03-05T10:10:40'), // 30 s before
    ];
    const { correlated, linesThatMatter } = correlate(lines, RUN);
    expect(correlated.map((l) => l.lineNumber)).toEqual([4, 3, 5, 1, 2]);
    expect(correlated[0]?.why).toContain('during the run');
    expect(correlated[1]?.why).toContain('during the run');
    expect(correlated[2]?.why).toContain('30 s before the run started');
    expect(correlated[3]?.why).toContain('10 min before the run started');
    expect(correlated[4]?.why).toBe(
      'at 2024-03-03 10:11:12, 2 days before the run started (log time taken as UTC+01:00, as given)',
    );
    // Two days old is not about this run.
    expect(linesThatMatter.map((l) => l.lineNumber)).toEqual([4, 3, 5, 1]);
  });

  it("ranks this machine's address and a port the run used highest", () => {
    const lines = [
      match(1, '2024-03-05T10:11:12'),
      match(2, '2024-03-05T10:11:14', { clientAddress: '198.18.1.2', clientPort: 40123 }),
      match(3, '2024-03-05T10:11:13', { clientAddress: '203.0.113.7', clientPort: 51544 }),
      match(4, '2024-03-05T10:11:13', { clientAddress: '198.18.1.2', clientPort: null }),
    ];
    const { correlated } = correlate(lines, RUN);
    expect(correlated.map((l) => l.lineNumber)).toEqual([2, 4, 3, 1]);
    expect(correlated[0]?.why).toBe(
      "at 10:11:14, during the run (log time taken as UTC+01:00, as given); from this machine's address 198.18.1.2 port 40123, a port the run used",
    );
    expect(correlated[1]?.why).toContain("from this machine's address 198.18.1.2");
    expect(correlated[0]?.relevance).toBeGreaterThan(correlated[1]?.relevance ?? Infinity);
  });

  it('takes a port the run used from any address as a strong match (NAT hides the address)', () => {
    const run = { ...RUN, clientAddresses: [] };
    const lines = [
      match(1, '2024-03-05T10:11:12', { clientAddress: '203.0.113.9', clientPort: 51000 }),
      match(2, '2024-03-05T10:11:30', { clientAddress: '203.0.113.7', clientPort: 40125 }),
    ];
    const { correlated } = correlate(lines, run);
    expect(correlated[0]?.lineNumber).toBe(2);
    expect(correlated[0]?.why).toContain('from 203.0.113.7 port 40125, a port the run used');
  });

  it('gives a port match far from the run little weight: ports are reused all day', () => {
    const lines = [
      match(1, '2024-03-01T10:11:12', { clientAddress: '203.0.113.7', clientPort: 40123 }),
      match(2, '2024-03-05T10:11:12'),
    ];
    const { correlated, linesThatMatter } = correlate(lines, RUN);
    expect(correlated.map((l) => l.lineNumber)).toEqual([2, 1]);
    expect(correlated[1]?.why).toContain(
      'a port the run used, but far from the run in time: perhaps a coincidence',
    );
    expect(linesThatMatter.map((l) => l.lineNumber)).toEqual([2]);
  });

  it('places lines without a time by endpoint alone', () => {
    const lines = [
      match(1, null),
      match(2, null, { clientAddress: '198.18.1.2', clientPort: 40125 }),
      match(3, '2024-03-05T10:11:12'),
    ];
    const { correlated, linesThatMatter } = correlate(lines, RUN);
    expect(correlated.map((l) => [l.lineNumber, l.why])).toEqual([
      [2, "no time on the line; from this machine's address 198.18.1.2 port 40125, a port the run used"],
      [3, 'at 10:11:12, during the run (log time taken as UTC+01:00, as given)'],
      [1, 'no time on the line'],
    ]);
    expect(linesThatMatter.map((l) => l.lineNumber)).toEqual([2, 3]);
  });

  it('breaks ties by category (a reset before a timeout), then by the later line', () => {
    const lines = [
      match(1, '2024-03-05T10:11:12', { category: 'timeout' }),
      match(2, '2024-03-05T10:11:12', { category: 'reset' }),
      match(3, '2024-03-05T10:11:12', { category: 'timeout' }),
    ];
    expect(correlate(lines, RUN).correlated.map((l) => l.lineNumber)).toEqual([2, 3, 1]);
  });

  it('lists at most 8 lines that matter, and keeps every match in correlated', () => {
    const lines = Array.from({ length: 20 }, (_, i) => match(i + 1, '2024-03-05T10:11:12'));
    const { correlated, linesThatMatter } = correlate(lines, RUN);
    expect(correlated).toHaveLength(20);
    expect(linesThatMatter).toHaveLength(MAX_LINES_THAT_MATTER);
    expect(linesThatMatter.map((l) => l.lineNumber)).toEqual([20, 19, 18, 17, 16, 15, 14, 13]);
  });

  it('returns nothing for no matches', () => {
    expect(correlate([], RUN)).toEqual({ correlated: [], linesThatMatter: [] });
  });

  // Found by the fuzz spec: "at 0000-00-00 00:00:00, Infinity days before the run started".
  it('says neither Infinity nor NaN when the line or the run has no usable time', () => {
    const noRun = { ...RUN, startedAtIso: '', finishedAtIso: '' };
    expect(correlate([match(0, '0000-00-00T00:00:00')], noRun).correlated[0]?.why).toBe(
      'no time on the line',
    );
    expect(correlate([match(1, '2024-03-05T10:11:12Z')], noRun).correlated[0]?.why).toBe(
      "at 2024-03-05 10:11:12 UTC, the run's own time unknown",
    );
  });
});

describe('logTime', () => {
  it('reads an offset from the line, a given one, or the machine zone with its summer time', () => {
    expect(logTime('2024-03-05T10:11:12.250+01:00', null)).toEqual({
      epochMs: Date.parse('2024-03-05T09:11:12.250Z'),
      offsetMinutes: 60,
      source: 'line',
    });
    expect(logTime('2024-03-05T10:11:12', -330)?.epochMs).toBe(Date.parse('2024-03-05T15:41:12Z'));
    process.env.TZ = 'Europe/Berlin';
    expect(logTime('2024-07-05T10:11:12.123456', null)).toEqual({
      epochMs: Date.parse('2024-07-05T08:11:12.123Z'),
      offsetMinutes: 120,
      source: 'machine',
    });
    expect(logTime('not a time', 0)).toBeNull();
  });

  it('refuses fields out of range instead of rolling them over into another time (found by the fuzz spec)', () => {
    expect(logTime('0000-00-00T00:00:00', 0)).toBeNull();
    expect(logTime('2024-13-05T10:11:12', 0)).toBeNull();
    expect(logTime('2023-02-29T10:11:12', 0)).toBeNull();
    expect(logTime('2024-03-05T24:11:12', 0)).toBeNull();
    expect(logTime('2024-03-05T10:11:12+99:99', 0)).toBeNull();
    expect(logTime('2024-02-29T23:59:60Z', 0)?.epochMs).toBe(Date.parse('2024-03-01T00:00:00Z'));
  });

  it('formats offsets', () => {
    expect(formatOffset(0)).toBe('UTC');
    expect(formatOffset(60)).toBe('UTC+01:00');
    expect(formatOffset(-330)).toBe('UTC-05:30');
    expect(formatOffset(345)).toBe('UTC+05:45');
  });
});
