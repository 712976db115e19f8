import type { WatchEvent } from '../../electron/shared/run-event-info.js';
import {
  emptyWatchCounts,
  type WatchCatch,
  type WatchCounts,
  type WatchResult,
  type WatchTimeline,
} from '../../electron/shared/watch-info.js';

// A watch for the dev preview and the specs: a browser's connections to the API, two resets caught, one
// forged by a device on the path (hop 2) and one sent by the server.

export const WATCH_SERVER = '203.0.113.7';

export function sampleCatch(n: number, origin: 'path' | 'server', at: number): WatchCatch {
  const path = origin === 'path';
  return {
    connectionId: `w${n}`,
    how: 'reset',
    at,
    address: WATCH_SERVER,
    port: 443,
    localPort: 51000 + n,
    lifetimeMs: 4200,
    idleMs: path ? 120 : 30_000,
    bytesIn: path ? 5120 : 0,
    bytesOut: 310,
    order: 40 + n,
    concurrent: 6,
    sawOpen: true,
    owner: { process: 'firefox', pid: 4242 },
    seenBy: 'capture',
    verdict: {
      connection: `:${51000 + n}`,
      connectionId: `w${n}`,
      role: 'watched',
      at,
      family: 4,
      ttl: path ? 62 : 52,
      ipId: 0,
      window: 0,
      flags: 'R',
      optionsLength: 0,
      phase: 'transfer',
      hopsAway: path ? 2 : 12,
      origin,
      hop: path ? 2 : null,
      reason: path
        ? 'TTL 62 says it came from 2 routers away, nearer than the server (12 routers away): sent by hop 3'
        : "TTL 52 (12 routers away) matches the connection's SYN-ACK",
      signals: [],
      confidence: 1,
      senderState: null,
      afterOwnClose: false,
    },
  };
}

export function sampleCounts(resets: number): WatchCounts {
  return {
    ...emptyWatchCounts(),
    connections: 14,
    resets,
    closed: 9,
    open: 3,
    programs: { firefox: { connections: 14, resets } },
  };
}

export function sampleTimeline(seconds: number): WatchTimeline {
  return {
    sliceMs: 1000,
    slices: Array.from({ length: seconds }, (_, i) => ({
      at: i * 1000,
      opened: i % 3 === 0 ? 2 : 1,
      closed: i % 2,
      resets: i === 4 || i === 9 ? 1 : 0,
      open: 2 + (i % 3),
      // The round trip climbs around the resets, with a few retransmissions: a congested path.
      rttMs: i === 9 ? 95 : 18 + (i % 4) * 3,
      retransmits: i === 9 ? 3 : 0,
    })),
  };
}

/** The watch's live events, in order, up to the two catches. */
export function sampleWatchEvents(runId: string): WatchEvent[] {
  return [
    {
      type: 'watch-started',
      runId,
      at: '2026-12-06T10:00:00.000Z',
      request: { target: 'https://api.example.com/', forSeconds: 600, until: null, everySeconds: null },
      addresses: [WATCH_SERVER],
      seenBy: 'capture',
      captureNote: 'Packets are captured as they come in.',
    },
    { type: 'watch-sample', runId, counts: sampleCounts(0), timeline: sampleTimeline(4) },
    { type: 'watch-catch', runId, caught: sampleCatch(1, 'path', 4300) },
    { type: 'watch-sample', runId, counts: sampleCounts(1), timeline: sampleTimeline(9) },
    { type: 'watch-catch', runId, caught: sampleCatch(2, 'server', 9100) },
    { type: 'watch-sample', runId, counts: sampleCounts(2), timeline: sampleTimeline(10) },
  ];
}

export function sampleWatchResult(stoppedBy: WatchResult['stoppedBy'] = 'cancelled'): WatchResult {
  return {
    target: {
      input: 'https://api.example.com/',
      host: 'api.example.com',
      port: 443,
      addresses: [WATCH_SERVER],
    },
    startedAt: '2026-12-06T10:00:00.000Z',
    finishedAt: '2026-12-06T10:00:10.500Z',
    stoppedBy,
    catches: [sampleCatch(1, 'path', 4300), sampleCatch(2, 'server', 9100)],
    checks: [],
    catchesDropped: 0,
    counts: sampleCounts(2),
    patterns: [],
    timeline: sampleTimeline(10),
    diagnosis: {
      verdict: 'firewall-reset',
      findings: [
        {
          cause: 'firewall-reset',
          origin: 'path',
          phase: 'transfer',
          hop: 2,
          confidence: 0.9,
          evidence: [
            {
              probe: 'watch',
              kind: 'resets',
              text: 'Captured RSTs (2) of the watched connections: sent by a device on the path, hop 2.',
              figures: { count: 2 },
              weight: 3,
            },
          ],
          against: [],
          remedies: ['Ask the operator of hop 2 why it resets these connections.'],
          settle: [],
        },
      ],
      notes: [],
    },
    seenBy: 'capture',
    captureNote: 'Packets are captured as they come in.',
    ownersNote: null,
    hopSearch: null,
  };
}
