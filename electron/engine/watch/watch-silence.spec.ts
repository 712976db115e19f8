import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSsOutput } from '../parsers/socket-table-parser.js';
import { SILENT_MS, SilenceSpotter, silence, silenceCatch } from './watch-silence.js';

const table = parseSsOutput(
  readFileSync(new URL('../parsers/fixtures/sockets/linux-ss-tanpi-silent.txt', import.meta.url), 'utf8'),
);
const port = (p: number) => table.find((s) => s.localPort === p)!;

describe('silence', () => {
  it('reads the retransmission timer from ss -i', () => {
    expect(port(57078)).toMatchObject({
      rtoMs: 3264,
      backoff: 4,
      retransmitsOut: 1,
      lastSendMs: 504,
      lastAckMs: 5356,
    });
  });

  it('waits while a segment has gone unanswered for less than SILENT_MS', () => {
    // backoff 1 (0.4 s), then backoff 3: 204·(1+2+4) + 660 ms since the last retransmission ≈ 2.1 s.
    expect(silence(port(57074), 0)).toBeNull();
    expect(silence(port(57076), 0)).toBeNull();
  });

  it('catches a connection left unanswered past SILENT_MS, and the idle gap before its segment went out', () => {
    const seen = silence(port(57078), 9000)!;
    // 204·(1+2+4+8) + 504 = 3564 ms unanswered; nothing heard for 5356 ms: sent after ≈ 1.8 s idle (it was 1.5 s).
    expect(seen).toMatchObject({
      localPort: 57078,
      at: 9000,
      silentMs: 3564,
      retransmits: 4,
      connecting: false,
    });
    expect(seen.silentMs).toBeGreaterThanOrEqual(SILENT_MS);
    expect(seen.idleBeforeMs).toBe(5356 - 3564);
    expect(seen).toMatchObject({ bytesIn: 2, bytesOut: 1, owner: { process: 'node', pid: 13666 } });
    expect(silence(port(57080), 0)).toMatchObject({ retransmits: 5, silentMs: 204 * 31 + 196 });
  });

  it('does not call a connection silent that heard from the target lately (a duplicate ACK)', () => {
    expect(silence(port(57082), 0)).toBeNull();
  });

  it('catches a SYN never answered from its retransmissions (1 s, doubling), and not before 3 s', () => {
    expect(silence(port(60786), 0)).toMatchObject({
      connecting: true,
      retransmits: 4,
      silentMs: 15000,
      idleBeforeMs: null,
    });
    expect(silence(port(44014), 0)).toMatchObject({ connecting: true, retransmits: 2, silentMs: 3000 });
    expect(silence(port(44016), 0)).toBeNull();
  });

  it('leaves other states alone', () => {
    expect(silence({ ...port(57080), state: 'FIN_WAIT1' }, 0)).toBeNull();
    expect(silence({ ...port(57080), unacked: 0 }, 0)).toBeNull();
  });
});

describe('SilenceSpotter', () => {
  it('catches each connection once, and afresh when its port comes back with a new one', () => {
    const spotter = new SilenceSpotter();
    expect(spotter.read(table, 1).map((s) => s.localPort)).toEqual([57078, 57080, 60786, 44014]);
    expect(spotter.read(table, 2)).toEqual([]);
    expect(spotter.read([], 3)).toEqual([]);
    expect(spotter.read([port(57078)], 4).map((s) => s.at)).toEqual([4]);
  });
});

describe('silenceCatch', () => {
  it('makes a catch that names nobody, with what the caller knew of the connection', () => {
    const seen = silence(port(57078), 9000)!;
    const c = silenceCatch(seen, { connectionId: 'w3', port: 8080, seenBy: 'capture', order: 3, bytesIn: 7 });
    expect(c).toMatchObject({
      connectionId: 'w3',
      how: 'silence',
      verdict: null,
      order: 3,
      bytesIn: 7,
      idleMs: 5356 - 3564,
      silence: { silentMs: 3564, retransmits: 4, connecting: false },
    });
  });
});
