/**
 * The watch's connection tracker, on packets as the capture hands them over (only the target's side):
 * each reset judged as it comes, with what came before it; FINs counted; memory bounded.
 */
import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../net/capture-types.js';
import { WatchTracker } from './watch-tracker.js';
import type { WatchCatch } from '../../shared/watch-info.js';
import { WATCHED_SERVER, targetPacket } from '../../../test/unit/watch-packets.js';

function packet(
  at: number,
  localPort: number,
  flags: string,
  over: { ttl?: number; payload?: number; seq?: number; ack?: number } = {},
): CapturedPacket {
  return targetPacket({ at, localPort, flags, ...over });
}

function tracker(options: { maxConnections?: number; openNow?: () => number | null } = {}) {
  const caught: WatchCatch[] = [];
  const t = new WatchTracker({ port: 80, onCatch: (c) => caught.push(c), ...options });
  return { t, caught };
}

describe('WatchTracker', () => {
  it("counts the bytes the target acknowledged, each connection's place in the order, and the connections open at its start", () => {
    let open = 0;
    const { t, caught } = tracker({ openNow: () => open });
    // 40001 opens alone and carries 5000 bytes up, 300 down, then closes; 40002 and 40003 open beside
    // each other; 40004's SYN is refused (RST,ACK seq 0) while those two are open.
    open = 1;
    t.push(packet(0, 40001, 'SA', { seq: 999, ack: 70_000 }));
    t.push(packet(5, 40001, 'PA', { payload: 300, seq: 1000, ack: 75_000 }));
    t.push(packet(6, 40001, 'FA', { seq: 1300, ack: 75_001 }));
    open = 1;
    t.push(packet(20, 40002, 'SA', { seq: 999, ack: 4_294_967_000 }));
    open = 2;
    t.push(packet(21, 40003, 'SA', { seq: 999, ack: 10 }));
    t.push(packet(22, 40004, 'RA', { seq: 0, ack: 5 }));
    // 40002 sends 2000 bytes across the sequence numbers' wrap, then is reset.
    t.push(packet(30, 40002, 'A', { seq: 1000, ack: (4_294_967_000 + 2000) % 2 ** 32 }));
    t.push(packet(40, 40002, 'R', { seq: 1000 }));
    t.flush(Infinity);
    const byPort = Object.fromEntries(caught.map((c) => [c.localPort, c]));
    expect(byPort[40004]).toMatchObject({ order: 4, concurrent: 3, bytesOut: null, sawOpen: false });
    expect(byPort[40002]).toMatchObject({ order: 2, concurrent: 1, bytesOut: 2000, bytesIn: 0 });
    // Came through: 40001 (closed by its target, 5001 bytes acknowledged with our FIN) and 40003 (open).
    expect(t.summary.survived).toMatchObject({
      connections: 2,
      mostBytesIn: 300,
      mostBytesOut: 5001,
      mostConcurrent: 2,
    });
  });

  it('remembers the longest silence a connection came through, not the one a reset ended', () => {
    const { t } = tracker();
    t.push(packet(0, 40001, 'SA', { seq: 999 }));
    t.push(packet(3000, 40001, 'PA', { payload: 10, seq: 1000 }));
    t.push(packet(3500, 40001, 'A', { seq: 1010 }));
    t.push(packet(12_000, 40001, 'R', { seq: 1010 }));
    t.flush(Infinity);
    expect(t.summary.survived.longestIdleMs).toBe(3000);
  });

  it('catches a FIN sent from nearer than the target (a device closing in its name), and only that FIN', () => {
    const { t, caught } = tracker();
    // 40001: the server's own FIN (TTL 61, as its SYN-ACK). 40002: a FIN with TTL 63, two routers nearer.
    t.push(packet(0, 40001, 'SA', { seq: 999 }));
    t.push(packet(5, 40001, 'PA', { payload: 200, seq: 1000 }));
    t.push(packet(6, 40001, 'FA', { seq: 1200 }));
    t.push(packet(10, 40002, 'SA', { seq: 999 }));
    t.push(packet(300, 40002, 'FA', { seq: 1000, ttl: 63 }));
    t.flush(Infinity);
    expect(caught).toHaveLength(1);
    expect(caught[0]).toMatchObject({ how: 'fin', localPort: 40002, idleMs: 290, bytesIn: 0 });
    expect(caught[0]!.verdict).toMatchObject({ origin: 'path', hop: 2, flags: 'FA' });
    expect(t.summary).toMatchObject({ closed: 2, pathCloses: 1, resets: 0 });
  });

  it("judges a reset from the server's own distance, with the idle time and bytes before it", () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40000, 'SA', { seq: 999 }));
    t.push(packet(5, 40000, 'PA', { payload: 300, seq: 1000 }));
    t.push(packet(6005, 40000, 'R', { seq: 1300 }));
    t.flush(Infinity);
    expect(caught).toHaveLength(1);
    expect(caught[0]).toMatchObject({
      localPort: 40000,
      bytesIn: 300,
      idleMs: 6000,
      lifetimeMs: 6005,
      sawOpen: true,
    });
    expect(caught[0]!.verdict).toMatchObject({ origin: 'server', role: 'watched', connection: ':40000' });
    expect(t.summary).toMatchObject({ connections: 1, resets: 1, open: 0 });
  });

  it('names a device on the path when the reset comes from fewer routers away than the SYN-ACK', () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40001, 'SA', { seq: 999 }));
    t.push(packet(30, 40001, 'R', { ttl: 63, seq: 1000 }));
    t.flush(Infinity);
    expect(caught[0]!.verdict?.origin).toBe('path');
    expect(caught[0]!.verdict?.hop).not.toBeNull();
  });

  it("judges a connection older than the watch against the target's other SYN-ACKs", () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40002, 'SA', { seq: 999 }));
    t.push(packet(1, 40003, 'A', { payload: 10 }));
    t.push(packet(50, 40003, 'R', { ttl: 64, seq: 1010 }));
    t.flush(Infinity);
    expect(caught[0]).toMatchObject({ localPort: 40003, sawOpen: false });
    expect(caught[0]!.verdict).toMatchObject({ origin: 'path', phase: 'transfer' });
  });

  it('counts FINs and other ports without catching them', () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40004, 'SA'));
    t.push(packet(1, 40004, 'FA', { payload: 5 }));
    t.push(targetPacket({ at: 2, localPort: 40005, flags: 'R', srcPort: 443 }));
    expect(caught).toEqual([]);
    expect(t.summary).toMatchObject({ connections: 1, closed: 1, resets: 0, open: 0 });
  });

  it("counts the packets after an end as that connection's, not a new one; a SYN-ACK opens the next", () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40006, 'SA'));
    t.push(packet(1, 40006, 'FA', { payload: 5 }));
    t.push(packet(2, 40006, 'A'));
    t.push(packet(3, 40007, 'SA'));
    t.push(packet(4, 40007, 'R'));
    t.push(packet(4, 40007, 'R', { seq: 2000 }));
    expect(caught).toEqual([]);
    t.flush(Infinity);
    expect(caught).toHaveLength(1);
    expect(t.summary).toMatchObject({ connections: 2, closed: 1, resets: 1, open: 0 });
    t.push(packet(5, 40006, 'SA'));
    expect(t.summary).toMatchObject({ connections: 3, open: 1 });
  });

  it("waits for what follows a reset: a burst and the server's late answer give away a forger of its TTL", () => {
    const { t, caught } = tracker();
    t.push(packet(0, 40010, 'SA', { seq: 999 }));
    // Three resets at spread sequence numbers, with the server's own TTL (61), then the server's answer.
    t.push(packet(10, 40010, 'R', { seq: 1000 }));
    t.push(packet(10, 40010, 'R', { seq: 1500 }));
    t.push(packet(11, 40010, 'R', { seq: 3000 }));
    t.push(packet(60, 40010, 'PA', { seq: 1000, payload: 200 }));
    t.flush(300);
    expect(caught).toEqual([]);
    t.flush(10 + 500);
    expect(caught).toHaveLength(1);
    expect(caught[0]!.verdict).toMatchObject({ origin: 'path' });
    expect(caught[0]).toMatchObject({ idleMs: 10, bytesIn: 0 });
    expect(t.summary).toMatchObject({ connections: 1, resets: 1, open: 0 });
  });

  it('stays within its bounds over many connections', () => {
    const { t } = tracker({ maxConnections: 100 });
    for (let i = 0; i < 10_000; i++) {
      t.push(packet(i, 1024 + (i % 60000), 'SA'));
      for (let k = 0; k < 40; k++) t.push(packet(i, 1024 + (i % 60000), 'A', { payload: 100 }));
    }
    expect(t.summary.open).toBeLessThanOrEqual(100);
    expect(t.summary.evicted).toBe(10_000 - 100);
  });

  it('catches a connection the socket table shows left unanswered, with what the capture saw of it, and a SYN it never saw', () => {
    const { t, caught } = tracker({ openNow: () => 1 });
    t.push(packet(0, 40001, 'SA', { seq: 999, ack: 70_000 }));
    t.push(packet(5, 40001, 'PA', { payload: 300, seq: 1000, ack: 70_100 }));
    const seen = {
      address: WATCHED_SERVER,
      at: 9000,
      silentMs: 3500,
      retransmits: 4,
      connecting: false,
      idleBeforeMs: 5400,
      bytesIn: 300,
      bytesOut: 100,
      owner: { process: 'java', pid: 7 },
    };
    t.silenced({ ...seen, localPort: 40001 });
    t.silenced({ ...seen, localPort: 40009, connecting: true, idleBeforeMs: null, bytesIn: 0, bytesOut: 0 });
    expect(caught).toHaveLength(2);
    expect(caught[0]).toMatchObject({
      connectionId: 'w1',
      how: 'silence',
      order: 1,
      concurrent: 1,
      sawOpen: true,
      lifetimeMs: 9000,
      idleMs: 5400,
      bytesIn: 300,
      verdict: null,
      silence: { silentMs: 3500, retransmits: 4, connecting: false },
    });
    expect(caught[1]).toMatchObject({ connectionId: 'w2', localPort: 40009, silence: { connecting: true } });
    // Not open, not a survivor; still its program's connection. A reset that follows is caught too.
    expect(t.summary).toMatchObject({ open: 0, silences: 2, survived: { connections: 0 } });
    t.push(packet(12_000, 40001, 'R', { seq: 1300 }));
    t.flush(Infinity);
    expect(caught.map((c) => c.how)).toEqual(['silence', 'silence', 'reset']);
  });

  it("never catches the watch's own replays: reset as the hop search meant, or forgotten when they end", () => {
    const own = new Set([40005, 40006]);
    const caught: WatchCatch[] = [];
    const t = new WatchTracker({ port: 80, onCatch: (c) => caught.push(c), own: (p) => own.has(p) });
    t.push(packet(0, 40001, 'SA', { seq: 999, ack: 1 }));
    t.push(packet(10, 40005, 'SA', { seq: 999, ack: 1 }));
    t.push(packet(20, 40005, 'R', { seq: 1000 }));
    t.push(packet(30, 40006, 'SA', { seq: 999, ack: 1 }));
    t.forget(40006);
    t.push(packet(40, 40002, 'SA', { seq: 999, ack: 1 }));
    t.push(packet(50, 40002, 'R', { seq: 1000 }));
    t.flush(Infinity);
    expect(caught.map((c) => [c.localPort, c.order])).toEqual([[40002, 2]]);
    expect(t.summary).toMatchObject({ connections: 2, resets: 1, open: 1 });
  });
});
