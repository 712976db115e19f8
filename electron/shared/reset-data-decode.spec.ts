import { describe, expect, it } from 'vitest';
import { decodeConnections } from './probe-data-decode.js';
import { decodeResetHop, decodeResets, isResetOf } from './reset-data-decode.js';
import type { ResetHopData, ResetVerdict } from './reset-data-info.js';

const VERDICT: ResetVerdict = {
  connection: 'request',
  connectionId: 'c3',
  role: 'request',
  at: 51,
  family: 4,
  ttl: 62,
  ipId: 0,
  window: 0,
  flags: 'R',
  optionsLength: 0,
  phase: 'request',
  hopsAway: 2,
  origin: 'path',
  hop: 3,
  reason: 'TTL 62 says it came from 2 routers away, nearer than the server: sent by hop 3',
  signals: [
    { name: 'ttl', vote: 'path', weight: 3, detail: 'TTL 62 (2 routers away), the server is 3 away' },
    { name: 'burst', vote: 'path', weight: 1, detail: 'three resets within 0.1 ms' },
  ],
  confidence: 1,
  senderState: null,
  afterOwnClose: false,
};

const REPLAY: ResetHopData = {
  connection: 'request',
  trigger: 'http-request',
  triggerText: 'GET /x HTTP/1.1 (Host web.lab.test)',
  attempts: [
    { ttl: 3, payload: 'trigger', outcome: 'reset', from: '198.18.4.2', rstTtl: 62, ms: 1.2 },
    { ttl: 1, payload: 'trigger', outcome: 'time-exceeded', from: '198.18.1.1', rstTtl: null, ms: 0.3 },
    { ttl: 4, payload: 'control', outcome: 'answered', from: '198.18.4.2', rstTtl: null, ms: 0.9 },
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

describe('reset decoders', () => {
  it('read a verdict as the engine writes it', () => {
    expect(decodeResets({ reference: null, resets: [VERDICT] })).toEqual([
      {
        connection: 'request',
        connectionId: 'c3',
        origin: 'path',
        hop: 3,
        ttl: 62,
        reason: VERDICT.reason,
        signals: VERDICT.signals,
        confidence: 1,
      },
    ]);
  });

  it('read verdicts leniently: only a known origin is required', () => {
    expect(decodeResets({ resets: [{ origin: 'path', hop: 4, ttl: 61 }, { origin: 'mars' }, 'x'] })).toEqual([
      {
        connection: null,
        connectionId: null,
        origin: 'path',
        hop: 4,
        ttl: 61,
        reason: null,
        signals: [],
        confidence: null,
      },
    ]);
    expect(decodeResets({ resets: [{ origin: 'toString' }] })).toEqual([]);
    expect(decodeResets({ resets: [{ origin: 'path', confidence: 7 }] })![0]!.confidence).toBeNull();
    expect(decodeResets({ resets: null })).toBeNull();
  });

  it('read every signal, names this version does not know included, and drop malformed ones', () => {
    const [reset] = decodeResets({
      resets: [
        {
          origin: 'server',
          signals: [
            { name: 'ttl', vote: 'server', weight: 3, detail: 'TTL 61 matches' },
            { name: 'hop-echo', vote: 'neutral', weight: 0, detail: 'new in a later version' },
            { name: 'ip-id', vote: 'maybe', weight: 1, detail: 'bad vote' },
            { name: 'options', vote: 'path', detail: 'no weight given' },
            { name: 'seq', vote: 'path', weight: 1 },
          ],
        },
      ],
    })!;
    expect(reset!.signals.map((x) => [x.name, x.vote, x.weight])).toEqual([
      ['ttl', 'server', 3],
      ['hop-echo', 'neutral', 0],
      ['options', 'path', null],
    ]);
  });

  it('join a verdict to its connection by id, never by the label', () => {
    const [request] = decodeConnections({
      connections: [{ id: 'c3', connection: 'request', timeline: [] }],
    })!;
    const [byId, byLabel, older] = decodeResets({
      resets: [VERDICT, { ...VERDICT, connectionId: 'c9' }, { origin: 'server', connection: 'request' }],
    })!;
    expect([byId, byLabel, older].map((r) => isResetOf(r!, request!))).toEqual([true, false, false]);
    expect(isResetOf(older!, { id: null })).toBe(false);
  });
});

describe('reset-hop decoder', () => {
  it('read the replays by TTL, a new outcome kept as it is and one of another shape left out', () => {
    const hop = decodeResetHop({
      ...REPLAY,
      attempts: [
        ...REPLAY.attempts,
        { ttl: 2, payload: 'trigger', outcome: 'icmp-filtered', from: null, rstTtl: null },
        { ttl: 'x', payload: 'trigger', outcome: 'reset' },
      ],
    })!;
    expect(hop.attempts.map((a) => [a.ttl, a.outcome, a.ms])).toEqual([
      [1, 'time-exceeded', 0.3],
      [2, 'icmp-filtered', null],
      [3, 'reset', 1.2],
      [4, 'answered', 0.9],
    ]);
    expect(hop).toMatchObject({ hop: 3, hopAddress: '198.18.3.1', controlOutcome: 'answered', exact: true });
  });

  it('give null unless every field it shows has its shape', () => {
    expect(decodeResetHop({ ...REPLAY, hop: 'three' })).toBeNull();
    expect(decodeResetHop({ ...REPLAY, attempts: null })).toBeNull();
    expect(decodeResetHop({ ...REPLAY, reason: undefined })).toBeNull();
    expect(decodeResetHop(null)).toBeNull();
  });

  it('read hop 0 as no hop, and an older report without `exact` as exact', () => {
    const older: Partial<ResetHopData> = { ...REPLAY, hop: 0 };
    delete older.exact;
    expect(decodeResetHop(older)).toMatchObject({ hop: null, exact: true });
    expect(decodeResetHop({ ...REPLAY, exact: false })?.exact).toBe(false);
  });
});
