/**
 * Fuzz: the TCP counters of /proc/net/snmp and /proc/net/netstat, Windows' and macOS's `netstat -s` (the
 * recorded fixtures, mutated, and hostile text). Counters are finite numbers of known names, the difference
 * of two readings is finite and never negative, and nothing throws or takes long.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureText,
  fuzzParams,
  LONG_INPUT_MS,
  longInputs,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import {
  diffCounters,
  parseLinuxTcpCounters,
  parseMacTcpStats,
  parseProcNetPairs,
  parseWindowsTcpStats,
  type TcpCounters,
} from './tcp-counters-parser.js';

const read = (name: string): string => fixtureText(`sockets/${name}`);
const SNMP = ['linux-snmp-before.txt', 'linux-snmp-after.txt', 'linux-snmp-retrans.txt'].map(read);
const NETSTAT = ['linux-netstat-before.txt', 'linux-netstat-after.txt', 'linux-netstat-retrans.txt'].map(
  read,
);
const STATS = [
  'windows-netstat-s-before.txt',
  'windows-netstat-s-after.txt',
  'windows-netstat-s-v6-before.txt',
  'windows-netstat-s-v6-after.txt',
  'macos-netstat-s-before.txt',
  'macos-netstat-s-after.txt',
].map(read);

function checkCounters(counters: TcpCounters | null): void {
  if (counters === null) return;
  for (const value of Object.values(counters.counters)) expect(Number.isFinite(value)).toBe(true);
  expect(counters.currentConnections === null || Number.isFinite(counters.currentConnections)).toBe(true);
}

function checkDiff(before: TcpCounters | null, after: TcpCounters | null): void {
  if (before === null || after === null) return;
  for (const value of Object.values(diffCounters(before, after))) {
    expect(Number.isFinite(value) && value >= 0).toBe(true);
  }
}

describe('TCP counter parsers (fuzz)', () => {
  it('read mutated /proc/net files into finite counters', () => {
    fc.assert(
      fc.property(textInput(SNMP), textInput(NETSTAT), (snmp, netstat) => {
        for (const [, group] of timed(() => parseProcNetPairs(snmp))) {
          for (const value of group.values()) expect(Number.isFinite(value)).toBe(true);
        }
        const after = timed(() => parseLinuxTcpCounters(snmp, netstat));
        checkCounters(after);
        checkDiff(parseLinuxTcpCounters(SNMP[0] ?? '', NETSTAT[0] ?? ''), after);
      }),
      fuzzParams(300),
    );
  });

  it('read mutated netstat -s output into finite counters', () => {
    fc.assert(
      fc.property(textInput(STATS), textInput(STATS), (before, after) => {
        for (const parse of [parseWindowsTcpStats, parseMacTcpStats]) {
          const [a, b] = [timed(() => parse(before)), timed(() => parse(after))];
          checkCounters(a);
          checkCounters(b);
          checkDiff(a, b);
        }
      }),
      fuzzParams(300),
    );
  });

  it.each(longInputs([SNMP[0] ?? '', STATS[0] ?? '', STATS[4] ?? '']))(
    'stays linear on $name',
    ({ text }) => {
      for (const [name, parse] of Object.entries({
        parseProcNetPairs,
        parseWindowsTcpStats,
        parseMacTcpStats,
        linux: (t: string) => parseLinuxTcpCounters(t, t),
      })) {
        timed(() => parse(text), LONG_INPUT_MS, name);
      }
    },
  );
});
