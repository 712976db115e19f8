import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractClientEndpoint } from './log-format-fields.js';
import {
  classifyLogLine,
  detectLogFormat,
  extractTimestamp,
  type LogCategory,
  type LogFormat,
} from './log-line-parser.js';

const FIXTURES = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'logs');

function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
}

interface Expected {
  format: LogFormat;
  lines: number;
  /** [1-based line number, category] of every line that reports trouble; all others report none. */
  matches: [number, LogCategory][];
}

/** What each hand-written fixture holds (see fixtures/logs/README.md). */
const EXPECTED: Record<string, Expected> = {
  'nginx-error.log': {
    format: 'nginx-error',
    lines: 26,
    matches: [
      [11, 'reset'],
      [12, 'upstream'],
      [13, 'timeout'],
      [14, 'timeout'],
      [15, 'limit'],
      [16, 'limit'],
      [17, 'crash'],
      [20, 'upstream'],
      [21, 'upstream'],
      [22, 'reset'],
      [23, 'reset'],
    ],
  },
  'nginx-access.log': {
    format: 'access-log',
    lines: 22,
    matches: [
      [7, 'upstream'],
      [8, 'upstream'],
      [9, 'timeout'],
      [10, 'reset'],
      [12, 'upstream'],
      [18, 'timeout'],
    ],
  },
  'haproxy.log': {
    format: 'haproxy',
    lines: 22,
    matches: [
      [6, 'reset'],
      [7, 'reset'],
      [8, 'timeout'],
      [9, 'reset'],
      [10, 'timeout'],
      [11, 'reset'],
      [12, 'limit'],
      [14, 'upstream'],
      [15, 'reset'],
      [17, 'upstream'],
      [18, 'upstream'],
      [19, 'limit'],
    ],
  },
  'envoy-access.log': {
    format: 'envoy',
    lines: 20,
    matches: [
      [3, 'reset'],
      [4, 'reset'],
      [5, 'timeout'],
      [6, 'upstream'],
      [7, 'limit'],
      [8, 'upstream'],
      [10, 'reset'],
      [13, 'timeout'],
      [14, 'upstream'],
      [17, 'reset'],
    ],
  },
  'apache-error.log': {
    format: 'apache-error',
    lines: 21,
    matches: [
      [4, 'reset'],
      // AH00898 follows AH01102 for the same request: the real-world set flags it as the backend's too.
      [5, 'upstream'],
      [6, 'timeout'],
      [7, 'timeout'],
      [8, 'upstream'],
      [9, 'upstream'],
      [10, 'limit'],
      [11, 'crash'],
      [12, 'reset'],
    ],
  },
  'journald.log': {
    format: 'journald',
    lines: 22,
    matches: [
      [3, 'crash'],
      [6, 'reset'],
      [8, 'timeout'],
      [9, 'limit'],
      [10, 'crash'],
      [11, 'crash'],
      [12, 'crash'],
      [13, 'crash'],
      [14, 'crash'],
      [15, 'crash'],
      [16, 'crash'],
      [19, 'limit'],
    ],
  },
  'postgresql.log': {
    format: 'postgresql',
    lines: 23,
    matches: [
      [6, 'reset'],
      [7, 'reset'],
      [8, 'reset'],
      [9, 'reset'],
      [10, 'limit'],
      [11, 'limit'],
      [12, 'timeout'],
      [14, 'timeout'],
      [15, 'crash'],
      [17, 'crash'],
      // The postmaster reinitializing after the crash (the real-world misses).
      [18, 'crash'],
      [21, 'crash'],
    ],
  },
  'app-plain.log': {
    format: 'plain',
    lines: 20,
    matches: [
      [5, 'reset'],
      [10, 'timeout'],
      [12, 'limit'],
      [15, 'reset'],
      [17, 'timeout'],
    ],
  },
  'windows-events.csv': {
    format: 'windows-event-csv',
    lines: 21,
    matches: [
      [3, 'timeout'],
      [5, 'crash'],
      [6, 'crash'],
      [12, 'crash'],
      [13, 'limit'],
      [14, 'limit'],
      [15, 'crash'],
      [16, 'crash'],
      [17, 'crash'],
    ],
  },
  'windows-events.txt': {
    format: 'windows-event-text',
    lines: 47,
    matches: [
      [23, 'crash'],
      [35, 'limit'],
    ],
  },
};

describe.each(Object.entries(EXPECTED))('fixture %s', (name, expected) => {
  const lines = fixtureLines(name);

  it(`is detected as ${expected.format}`, () => {
    expect(lines).toHaveLength(expected.lines);
    expect(lines.length).toBeGreaterThanOrEqual(20);
    expect(detectLogFormat(lines)).toBe(expected.format);
  });

  it('classifies every line: the ones that explain resets, and none of the normal ones', () => {
    const found = lines
      .map((line, i): [number, LogCategory | null] => [i + 1, classifyLogLine(line)])
      .filter((entry): entry is [number, LogCategory] => entry[1] !== null);
    expect(found).toEqual(expected.matches);
  });

  it('mixes normal lines with trouble', () => {
    expect(expected.matches.length).toBeGreaterThanOrEqual(2);
    expect(lines.length - expected.matches.length).toBeGreaterThanOrEqual(expected.matches.length / 2);
  });
});

describe('fixture timestamps', () => {
  it.each([
    ['nginx-error.log', 11, '2024-03-05T10:11:12'],
    ['nginx-access.log', 7, '2024-03-05T10:11:12+01:00'],
    ['haproxy.log', 6, `${new Date().getFullYear()}-03-05T10:11:12`],
    ['envoy-access.log', 3, '2024-03-05T09:11:12.310Z'],
    ['apache-error.log', 4, '2024-03-05T10:11:12.345678'],
    ['journald.log', 6, '2024-03-05T10:11:12+01:00'],
    ['postgresql.log', 6, '2024-03-05T10:11:12.345Z'],
    ['app-plain.log', 4, '2024-03-05T10:11:12.345'],
    ['windows-events.csv', 5, '2024-03-05T10:11:12'],
    ['windows-events.csv', 21, '2024-03-05T13:15:00'],
    ['windows-events.txt', 15, '2024-03-05T10:11:30'],
  ])('%s line %i is at %s', (name, lineNumber, timestamp) => {
    const line = fixtureLines(name)[lineNumber - 1] ?? '';
    // HAProxy behind syslog: the syslog stamp (no year) comes first; the current year is assumed.
    expect(extractTimestamp(line, new Date(new Date().getFullYear(), 5, 1))).toBe(timestamp);
  });
});

describe('fixture client endpoints', () => {
  it.each([
    ['nginx-error.log', 11, { address: '198.18.1.2', port: null }],
    ['nginx-error.log', 22, { address: '198.51.100.23', port: null }],
    ['nginx-access.log', 7, { address: '198.18.1.2', port: null }],
    ['nginx-access.log', 18, { address: '2001:db8::7', port: null }],
    ['haproxy.log', 6, { address: '198.18.1.2', port: 40123 }],
    ['haproxy.log', 15, { address: '198.18.1.2', port: 40130 }],
    ['envoy-access.log', 3, { address: '198.18.1.2', port: null }],
    ['apache-error.log', 4, { address: '198.18.1.2', port: 40123 }],
    ['journald.log', 6, { address: '198.18.1.2', port: 40123 }],
    ['postgresql.log', 4, { address: '198.18.1.2', port: 40123 }],
    ['app-plain.log', 4, { address: '198.18.1.2', port: 40123 }],
  ])('%s line %i', (name, lineNumber, endpoint) => {
    expect(extractClientEndpoint(fixtureLines(name)[lineNumber - 1] ?? '')).toEqual(endpoint);
  });

  it('finds none in lines that name no client', () => {
    expect(extractClientEndpoint(fixtureLines('nginx-error.log')[14] ?? '')).toBeNull();
    expect(extractClientEndpoint(fixtureLines('windows-events.csv')[13] ?? '')).toBeNull();
    expect(extractClientEndpoint(fixtureLines('postgresql.log')[5] ?? '')).toBeNull();
  });
});
