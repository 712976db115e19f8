import { describe, expect, it } from 'vitest';
import { conversation } from '../../../test/unit/fake-io.js';
import { completed, probeContext } from '../../../test/unit/probe-context.js';
import type { Conversation, ConversationRequest } from '../net/conversation-types.js';
import { parseTarget } from '../parsers/target-parser.js';
import { requestRepeatProbe } from './request-repeat-probe.js';

/** A context whose first request ended as `first`, and whose server answers the n-th repeat with `answer(n)`. */
function context(first: Partial<Conversation>, answer: (n: number) => Partial<Conversation>, repeat = 10) {
  const sent: ConversationRequest[] = [];
  let clock = 0;
  const ctx = probeContext(
    {
      target: parseTarget('http://web.lab.test/'),
      options: { timeoutSeconds: 1, repeat },
      now: () => (clock += 1),
      io: {
        tcp: {
          async converse(request: ConversationRequest) {
            sent.push(request);
            return conversation(request, answer(sent.length));
          },
        },
      },
    },
    {
      dns: { addresses: [{ address: '198.18.4.2', family: 4 }] },
      request: { conversation: conversation({ readUntil: 'http-response', send: 'GET /' } as never, first) },
    },
  );
  return { ctx, sent };
}

const sentAt = (at: number) => [
  { at: 0, kind: 'connect-start' as const },
  { at: at, kind: 'sent' as const },
];

describe('repeating the request', () => {
  it('sends --repeat requests one after another, then four at once, and reads the period', async () => {
    const reset = { outcome: 'reset' as const, bytesReceived: 0, response: null };
    // The first request is the server's 1st; every 3rd fails.
    const { ctx, sent } = context({}, (n) => ((n + 1) % 3 === 0 ? reset : {}));
    const { data } = completed(await requestRepeatProbe.run(ctx));
    expect(sent).toHaveLength(14);
    expect(data.attempts.filter((a) => a.mode === 'sequential')).toHaveLength(10);
    expect(data.attempts.filter((a) => a.mode === 'parallel')).toHaveLength(4);
    expect(data.pattern).toMatchObject({ total: 15, pattern: 'every-nth', period: 3 });
  });

  it('repeats a slow request three times at once, waiting long enough for its cut-off', async () => {
    const cut = {
      outcome: 'reset' as const,
      startedAt: 0,
      endedAt: 2500,
      events: sentAt(1),
      bytesReceived: 0,
    };
    const { ctx, sent } = context(cut, () => cut);
    const { data } = completed(await requestRepeatProbe.run(ctx));
    expect(data.attempts.map((a) => a.mode)).toEqual(['parallel', 'parallel', 'parallel']);
    expect(sent[0]!.answerWaitMs).toBeGreaterThan(2499 * 1.5);
    expect(data.bounded).toMatch(/repeated 3 times at once/);
  });

  it('stops at the first refused new connection, so a rate limit is left for the rate test', async () => {
    const { ctx, sent } = context({}, (n) => (n >= 3 ? { outcome: 'refused', connectMs: null } : {}));
    const { data } = completed(await requestRepeatProbe.run(ctx));
    expect(sent).toHaveLength(3);
    expect(data.bounded).toMatch(/refused/);
  });

  it('does not repeat a request that got no answer at all, nor when --repeat is 0', async () => {
    const silent = context({ outcome: 'timeout' }, () => ({}));
    expect(await requestRepeatProbe.run(silent.ctx)).toMatchObject({ status: 'skipped' });
    const off = context({}, () => ({}), 0);
    expect(await requestRepeatProbe.run(off.ctx)).toMatchObject({
      status: 'skipped',
      reason: 'turned off (0 repeats)',
      enables: { option: 'repeat', value: 10 },
    });
  });
});
