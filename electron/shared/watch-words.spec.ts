/**
 * A watch's words, as the CLI prints them and the exports write them: each catch with its place among the
 * connections, the path's round trip and retransmissions, the patterns.
 */
import { describe, expect, it } from 'vitest';
import { renderWatchMarkdown } from '../engine/report/watch-markdown.js';
import { sampleWatchResult } from '../../renderer/dev/sample-watch.js';
import {
  catchBefore,
  catchLine,
  catchSender,
  caughtHeading,
  hopSearchLine,
  pathLine,
  summaryLines,
  watchVerdictLine,
} from './watch-words.js';

describe('watch words', () => {
  it('says where a caught connection stood: its place, the connections open with it, the bytes each way', () => {
    const [c] = sampleWatchResult().catches;
    expect(catchBefore(c!)).toBe('connection #41 of 6 open, after 0.1 s idle, 5,120 bytes in, 310 out');
    // A connection older than the watch has no place and no count of what it sent.
    expect(catchBefore({ ...c!, order: null, concurrent: null, bytesOut: null, sawOpen: false })).toBe(
      'after 0.1 s idle, 5,120 bytes in, opened before the watch',
    );
  });

  it("sums up the path's round trip and retransmissions, or says nothing when the table was never read", () => {
    const r = sampleWatchResult();
    expect(pathLine(r)).toBe(
      "Round trip 18–95 ms (the kernel's smoothed RTT of the open connections, the highest of each slice); 3 segments retransmitted to the target.",
    );
    expect(summaryLines(r)).toContain(pathLine(r));
    const unread = r.timeline.slices.map((s) => ({ ...s, rttMs: null, retransmits: 0 }));
    expect(pathLine({ timeline: { ...r.timeline, slices: unread } })).toBeNull();
  });

  it('writes the round trip and the retransmissions of each busy slice into the Markdown timeline', () => {
    const md = renderWatchMarkdown(sampleWatchResult());
    expect(md).toContain(
      '| From | Opened | Closed by the target | Reset | Open at most | Round trip at most | Retransmitted |',
    );
    expect(md).toContain('| +9.0 s | 2 | 1 | 1 | 2 | 95 ms | 3 |');
  });

  it('words a silence: how long unanswered, the idle gap before it, and nobody named', () => {
    const r = sampleWatchResult();
    const [c] = r.catches;
    const silent = {
      ...c!,
      how: 'silence' as const,
      idleMs: 4400,
      bytesIn: 0,
      verdict: null,
      silence: { silentMs: 3100, retransmits: 3, connecting: false },
    };
    expect(catchLine(silent)).toMatch(/^\+[\d.]+ s {2}silence {2}/);
    expect(catchBefore(silent)).toContain('sent after about 4.4 s idle');
    expect(catchSender(silent)).toBe(
      'no answer to its data for 3.1 s (3 retransmissions), no reset: dropped on the way or at the target, where is not seen',
    );
    expect(caughtHeading([silent])).toBe('Silences caught');
    expect(caughtHeading([c!, silent])).toBe('Resets and silences caught');
    expect(caughtHeading([c!])).toBe('Resets caught');
    const counts = { ...r.counts, resets: 0, pathCloses: 0, silences: 3 };
    expect(summaryLines({ ...r, counts })[0]).toContain('3 left unanswered');
    expect(watchVerdictLine(r.diagnosis, counts)).toMatch(/^Verdict over the 3 silences: /);
    expect(renderWatchMarkdown({ ...r, catches: [silent] })).toContain('## Silences caught');
  });

  it("says where the hop search placed the device, or that the checks' request was not reset", () => {
    const attempts = [
      {
        ttl: 1,
        payload: 'trigger' as const,
        outcome: 'time-exceeded' as const,
        from: '198.18.1.1',
        rstTtl: null,
        ms: 1,
      },
      {
        ttl: 2,
        payload: 'trigger' as const,
        outcome: 'reset' as const,
        from: '198.18.4.2',
        rstTtl: 63,
        ms: 1,
      },
      {
        ttl: 2,
        payload: 'control' as const,
        outcome: 'time-exceeded' as const,
        from: '198.18.2.1',
        rstTtl: null,
        ms: 1,
      },
    ];
    const h = {
      connection: 'request',
      trigger: 'http-request' as const,
      triggerText: 'GET /x HTTP/1.1 (Host web.lab.test)',
      attempts,
      lastPassingTtl: 1,
      firstResetTtl: 2,
      controlOutcome: 'time-exceeded' as const,
      exact: true,
      hop: 2,
      hopAddress: '198.18.2.1',
      verdict: 'located' as const,
      reason: '…',
    };
    expect(hopSearchLine(h)).toBe(
      "The checks' GET /x HTTP/1.1 (Host web.lab.test), replayed with TTL 1 to 2, is reset by a device at hop 2 (198.18.2.1), harmless data passes.",
    );
    expect(hopSearchLine({ ...h, verdict: 'not-reproduced', hop: null })).toMatch(
      /was not reset: .* own bytes/,
    );
    expect(hopSearchLine(null)).toBeNull();
    expect(summaryLines({ ...sampleWatchResult(), hopSearch: h })).toContain(hopSearchLine(h));
  });
});
