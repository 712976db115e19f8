import { describe, expect, it } from 'vitest';
import type { Conversation, ConversationRequest } from '../net/conversation-types.js';
import { parseTarget } from '../parsers/target-parser.js';
import { runChecks } from './watch-checks.js';
import { checksLine } from '../../shared/watch-words.js';
import type { WatchCheck } from '../../shared/watch-info.js';

describe('runChecks', () => {
  it("sends the diagnosis' request at each interval, one at a time, until stopped", async () => {
    const sent: ConversationRequest[] = [];
    const outcomes: Conversation['outcome'][] = ['complete', 'reset', 'complete'];
    let clock = 0;
    const tcp = {
      converse: (request: ConversationRequest) => {
        sent.push(request);
        const outcome = outcomes[(sent.length - 1) % outcomes.length]!;
        return Promise.resolve({
          outcome,
          startedAt: clock,
          endedAt: clock + 4,
          localPort: 40000 + sent.length,
          response: outcome === 'complete' ? { statusCode: 200 } : null,
        } as Conversation);
      },
    };
    // The echoes beside them: the second is lost.
    let echoes = 0;
    const icmp = {
      method: 'fake',
      echo: () =>
        Promise.resolve(
          ++echoes === 2
            ? { kind: 'timeout' as const, from: null, rttMs: 2000 }
            : { kind: 'reply' as const, from: '198.18.4.2', rttMs: 0.4 },
        ),
      close: () => undefined,
    };
    const checks: WatchCheck[] = [];
    const controller = new AbortController();
    const now = () => (clock = performance.now());
    const running = runChecks(
      { tcp, icmp },
      parseTarget('http://web.lab.test/health'),
      { address: '198.18.4.2', family: 4 },
      0.05,
      now,
      (c) => {
        checks.push(c);
        if (checks.length === 3) controller.abort();
      },
      controller.signal,
    );
    await running;
    expect(checks.map((c) => c.outcome)).toEqual(['complete', 'reset', 'complete']);
    expect(checks.map((c) => c.status)).toEqual([200, null, 200]);
    expect(sent[0]).toMatchObject({ address: '198.18.4.2', port: 80, readUntil: 'http-response' });
    expect(sent[0]!.send).toMatch(/^GET \/health HTTP\/1\.1\r\nHost: web\.lab\.test\r\n/);
    expect(checks.map((c) => c.ping)).toEqual([
      { answered: true, rttMs: 0.4 },
      { answered: false, rttMs: null },
      { answered: true, rttMs: 0.4 },
    ]);
    expect(checksLine(checks)).toBe(
      '3 checks: 2 answered (median 4 ms), 1 reset; pings beside them: 2 of 3 answered (median 0.40 ms), 1 lost.',
    );
  });
});
