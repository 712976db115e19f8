/**
 * Fuzz: the socket tables of ss, Get-NetTCPConnection, netstat, lsof and tasklist/Get-Process (the recorded
 * fixtures, mutated, and hostile text). Every parser returns LocalSockets of the documented shape (ports
 * 0..65535 or null, finite figures), never throws, and stays within a time bound.
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
  normalizeState,
  parseDottedEndpoint,
  parseEndpoint,
  parseLsofOutput,
  parseMacNetstat,
  parseNetTcpConnectionCsv,
  parseProcessList,
  parseSsOutput,
  parseWindowsNetstat,
  plainAddress,
  type Endpoint,
  type LocalSocket,
} from './socket-table-parser.js';

const SEEDS = [
  'linux-ss-tanpi.txt',
  'linux-ss-tanpie.txt',
  'linux-ss-tanpie-nobody.txt',
  'macos-lsof-itcp.txt',
  'macos-netstat-anv.txt',
  'macos26-netstat-anv.txt',
  'windows-get-nettcpconnection.csv.txt',
  'windows-get-process.csv.txt',
  'windows-netstat-ano.txt',
  'windows-tasklist.csv.txt',
].map((name) => fixtureText(`sockets/${name}`));

const PARSERS: Record<string, (text: string) => LocalSocket[]> = {
  parseSsOutput,
  parseNetTcpConnectionCsv,
  parseWindowsNetstat,
  parseLsofOutput,
  parseMacNetstat,
};

const isPortOrNull = (port: number | null): boolean =>
  port === null || (Number.isInteger(port) && port >= 0 && port <= 65535);
const isFigure = (value: number | null): boolean => value === null || (Number.isFinite(value) && value >= 0);

function checkSocket(s: LocalSocket): void {
  expect(s.protocol).toBe('tcp');
  expect(typeof s.localAddress).toBe('string');
  expect(typeof s.remoteAddress).toBe('string');
  expect(isPortOrNull(s.localPort) && isPortOrNull(s.remotePort)).toBe(true);
  expect(normalizeState(s.state)).toBe(s.state);
  expect(s.pid === null || (Number.isInteger(s.pid) && s.pid >= 0)).toBe(true);
  expect(s.process === null || typeof s.process === 'string').toBe(true);
  for (const figure of [s.rttMs, s.retransmits, s.bytesSent, s.bytesReceived, s.bytesAcked, s.unacked]) {
    expect(isFigure(figure)).toBe(true);
  }
}

function checkEndpoint(endpoint: Endpoint | null): void {
  if (endpoint !== null) {
    expect(typeof endpoint.address).toBe('string');
    expect(isPortOrNull(endpoint.port)).toBe(true);
  }
}

describe('socket table parsers (fuzz)', () => {
  it('read mutated tables into sockets in shape, without throwing, quickly', () => {
    fc.assert(
      fc.property(textInput(SEEDS), (text) => {
        for (const parse of Object.values(PARSERS)) timed(() => parse(text)).forEach(checkSocket);
        for (const [pid, name] of timed(() => parseProcessList(text))) {
          expect(Number.isInteger(pid)).toBe(true);
          expect(typeof name).toBe('string');
        }
      }),
      fuzzParams(300),
    );
  });

  it('read any endpoint text in shape', () => {
    const endpointLike = fc.oneof(
      textInput(['127.0.0.1:80', '[::1]:443', '[fe80::1]%eth0:22', '*:*', '192.168.1.20.58812', '*.443']),
      fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer()).map(([a, p]) => `[${a}]:${p}`),
    );
    fc.assert(
      fc.property(endpointLike, (text) => {
        checkEndpoint(parseEndpoint(text));
        checkEndpoint(parseDottedEndpoint(text));
        expect(typeof plainAddress(text)).toBe('string');
        expect(normalizeState(text)).toMatch(/^[A-Z_0-9]+$/);
      }),
      fuzzParams(500),
    );
  });

  // ss and Get-NetTCPConnection's CSV: the line-based and the character-by-character readers.
  it.each(longInputs([SEEDS[0] ?? '', SEEDS[6] ?? '']))('stays linear on $name', ({ text }) => {
    for (const [name, parse] of Object.entries({ ...PARSERS, parseProcessList })) {
      timed(() => parse(text), LONG_INPUT_MS, name);
    }
  });
});
