/**
 * Fuzz: the decoders the wizard and the reports read probe data through (probe-data-decode, reset-data-
 * decode, and the data-guards they are made of). Fed a report's real probe data with structural edits
 * (wrong types, removed or doubled fields, traps such as "__proto__" and "toString" keys) and arbitrary
 * JSON-like values, they must never throw, and return null or values of their declared shape: plain JSON,
 * with no NaN, Infinity, undefined or function in it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParams, jsonish, mutatedJson, timed } from '../../test/unit/fuzz-arbitraries.js';
import { sampleReport } from '../engine/report/report-fixture.js';
import {
  decodeEach,
  fieldsOf,
  isAbsentOr,
  isFiniteNumber,
  isNumberOrNull,
  numberOrNull,
} from './data-guards.js';
import {
  decodeAddresses,
  decodeConnections,
  decodeHops,
  decodePingProgress,
  decodeRtts,
  decodeTracerouteProgress,
  endedBadly,
  requestFirst,
} from './probe-data-decode.js';
import { decodeResetHop, decodeResets, isResetOf } from './reset-data-decode.js';
import type { CapturedConnection, PacketCaptureData } from './probe-data-info.js';
import type { ResetHopData } from './reset-data-info.js';
import { endWords, outcomeWords, signalName } from './reset-words.js';

/** A connection reset on the request, and the replay that located the hop: the sample report has neither. */
const CONNECTION: CapturedConnection = {
  id: 'c3',
  role: 'request',
  connection: 'request',
  address: '2001:db8::2',
  port: 443,
  localPort: 40112,
  outcome: 'reset',
  phase: 'request',
  endPhase: 'request',
  bytesSent: 78,
  bytesReceived: 0,
  bytesCaptured: 0,
  end: { how: 'reset', at: 51, afterMs: 1, from: '2001:db8::2', ttl: null, captured: true },
  afterWhat: 'reset on the request: 78 bytes sent, nothing received, 0.4 ms after sending it',
  timeline: [
    { at: 50, direction: 'sent', kind: 'syn', what: 'SYN' },
    { at: 50.3, direction: 'received', kind: 'syn-ack', what: 'SYN-ACK', flags: 'SA', ttl: null, ipId: 7 },
    { at: 50.3, direction: 'idle', kind: 'idle', what: 'idle 0.20 s', ms: 0.2 },
    { at: 50.5, direction: 'sent', kind: 'request', what: 'request 78 bytes', bytes: 78 },
    { at: 51, direction: 'received', kind: 'rst', what: 'RST', flags: 'R', ttl: null, window: 0 },
  ],
};
const CAPTURE: PacketCaptureData = {
  note: 'raw socket capture',
  captured: true,
  packetCount: 5,
  connections: [CONNECTION],
};
const REPLAY: ResetHopData = {
  connection: 'request',
  trigger: 'http-request',
  triggerText: 'GET /x HTTP/1.1 (Host web.lab.test)',
  attempts: [
    { ttl: 1, payload: 'trigger', outcome: 'time-exceeded', from: '198.18.1.1', rstTtl: null, ms: 0.3 },
    { ttl: 3, payload: 'trigger', outcome: 'reset', from: '198.18.4.2', rstTtl: 62, ms: 1.2 },
  ],
  lastPassingTtl: 1,
  firstResetTtl: 3,
  controlOutcome: 'answered',
  hop: 3,
  hopAddress: '198.18.3.1',
  exact: true,
  verdict: 'located',
  reason: 'hop 3 resets it',
};

/** Every probe's data in the sample report, as the JSON a report file holds, and the two above. */
const SEEDS = [
  ...sampleReport()
    .steps.flatMap((step) => step.probes)
    .flatMap((probe) => (probe.data === null || probe.data === undefined ? [] : [probe.data])),
  CAPTURE,
  REPLAY,
].map((data) => JSON.stringify(data));

const input = fc.oneof(
  { weight: 3, arbitrary: mutatedJson(SEEDS).map((text) => JSON.parse(text) as unknown) },
  { weight: 1, arbitrary: jsonish(4) },
);

/** Plain JSON: what survives a round trip through JSON unchanged (so no NaN, Infinity, undefined, function). */
function expectPlainJson(value: unknown): void {
  expect(JSON.parse(JSON.stringify(value) ?? 'null')).toEqual(value ?? null);
}

describe('probe data decoders (fuzz)', () => {
  it('decode any data to null or plain JSON of their shape, without throwing', () => {
    fc.assert(
      fc.property(input, (data) => {
        for (const decode of [
          decodeHops,
          decodeRtts,
          decodeTracerouteProgress,
          decodePingProgress,
          decodeAddresses,
          decodeConnections,
          decodeResets,
          decodeResetHop,
        ]) {
          expectPlainJson(timed(() => decode(data)));
        }
        const connections = decodeConnections(data) ?? [];
        const resets = decodeResets(data) ?? [];
        for (const c of connections) {
          expect(typeof endedBadly(c)).toBe('boolean');
          expect(typeof endWords(c.end?.how ?? c.outcome)).toBe('string');
          expect(typeof outcomeWords(c.outcome)).toBe('string');
          for (const r of resets) expect(typeof isResetOf(r, c)).toBe('boolean');
        }
        [...connections].sort(requestFirst);
        for (const r of resets) for (const s of r.signals) expect(typeof signalName(s.name)).toBe('string');
      }),
      fuzzParams(300),
    );
  });

  it('build decoders from the guards that never throw', () => {
    fc.assert(
      fc.property(jsonish(3), (value) => {
        expect(numberOrNull(value) === null || isFiniteNumber(numberOrNull(value))).toBe(true);
        expect(typeof isNumberOrNull(value)).toBe('boolean');
        expect(typeof isAbsentOr(value, isFiniteNumber)).toBe('boolean');
        const fields = fieldsOf<{ a: number }>(value);
        expect(fields === null || typeof fields === 'object').toBe(true);
        const each = decodeEach(value, numberOrNull);
        expect(each === null || each.every(isFiniteNumber)).toBe(true);
      }),
      fuzzParams(),
    );
  });
});
