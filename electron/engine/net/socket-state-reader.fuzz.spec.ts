/**
 * Fuzz: one connection's TCP state read from `ss -tinH`, whatever ss prints (the recorded tables and the
 * test's own lines, mutated, and hostile text): null, or a state of finite, non-negative figures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureText, fuzzParams, textInput } from '../../../test/unit/fuzz-arbitraries.js';
import type { SystemIo } from './engine-io.js';
import { ssSocketStateReader } from './socket-state-reader.js';

const SEEDS = [
  [
    'ESTAB 0      78     198.18.1.2:40001 198.18.4.2:80',
    '\t cubic wscale:7,7 rto:1600 backoff:3 rtt:0.31/0.155 mss:1448 cwnd:1 bytes_sent:312 bytes_retrans:234 bytes_acked:1 segs_out:5 segs_in:1 data_segs_out:4 unacked:1 retrans:1/3 lost:1',
  ].join('\n'),
  fixtureText('sockets/linux-ss-tanpi.txt'),
  fixtureText('sockets/linux-ss-tanpie.txt'),
];

function system(stdout: string): SystemIo {
  return {
    run: async () => ({ code: 0, stdout, stderr: '' }),
    which: async () => '/usr/bin/ss',
  };
}

describe('ssSocketStateReader (fuzz)', () => {
  it('reads any ss output as null or a state of finite figures', async () => {
    await fc.assert(
      fc.asyncProperty(textInput(SEEDS), async (stdout) => {
        const read = ssSocketStateReader(system(stdout), '/usr/bin/ss', () => 7);
        const state = await read(
          { localPort: 40001, address: '198.18.4.2', port: 80 },
          new AbortController().signal,
        );
        if (state === null) return;
        for (const figure of [
          state.unacked,
          state.retransmits,
          state.bytesSent,
          state.bytesAcked,
          state.bytesReceived,
        ]) {
          expect(Number.isFinite(figure) && figure >= 0).toBe(true);
        }
        expect(state.rttMs === null || Number.isFinite(state.rttMs)).toBe(true);
      }),
      fuzzParams(300),
    );
  });
});
