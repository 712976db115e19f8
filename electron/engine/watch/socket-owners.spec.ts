/**
 * The socket table's looks during a watch: who holds each connection, how many are open at once (the
 * capture's starts and ends between two looks, a look's listing at it), and the path's RTT and
 * retransmissions for the timeline.
 */
import { describe, expect, it } from 'vitest';
import type { SystemIo } from '../net/engine-io.js';
import { SocketOwners } from './socket-owners.js';

const SERVER = '198.18.4.2';

/** One `ss -tanpi` line (and its info line) per local port: [port, state, rtt ms, retransmissions]. */
function table(rows: [number, string, number, number][]): string {
  return [
    'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
    ...rows.flatMap(([port, state, rtt, retrans]) => [
      `${state} 0 0 198.18.1.2:${port} ${SERVER}:80 users:(("curl",pid=${port},fd=5))`,
      `\t cubic rto:204 rtt:${rtt}/0.5 mss:1448${retrans > 0 ? ` retrans:0/${retrans}` : ''}`,
    ]),
  ].join('\n');
}

/** A socket table that answers each look with the next listing (the last one again once they run out). */
function owners(listings: string[]) {
  let look = 0;
  const io: SystemIo = {
    run: () =>
      Promise.resolve({ code: 0, stdout: listings[Math.min(look++, listings.length - 1)]!, stderr: '' }),
    which: () => Promise.resolve('/usr/bin/ss'),
  };
  const o = new SocketOwners(io, { addresses: [SERVER], port: 80 }, new AbortController().signal);
  /** Until the table has been read n times in all, and the last answer taken in. */
  const looked = async (n: number) => {
    while (look < n) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 0));
  };
  return { o, looked };
}

describe('SocketOwners', () => {
  it('counts the connections open at once: started since the last look, listed by it, less those ended', async () => {
    const first = table([
      [40001, 'ESTAB', 0.4, 0],
      [40002, 'ESTAB', 0.6, 0],
    ]);
    // Two starts at once: one look, and one more for the start that came while it ran.
    const { o, looked } = owners([
      first,
      first,
      // 40001 went away without a packet from the target (this machine reset it): only the table tells.
      table([
        [40002, 'ESTAB', 0.6, 0],
        [40003, 'ESTAB', 0.5, 0],
        [40004, 'TIME-WAIT', 0, 0],
      ]),
    ]);
    expect(o.openNow()).toBeNull();
    o.started(40001);
    o.started(40002);
    expect(o.openNow()).toBe(2);
    await looked(2);
    expect(o.openNow()).toBe(2);
    expect(o.owner(40001)).toMatchObject({ process: 'curl', pid: 40001 });
    o.started(40003);
    expect(o.openNow()).toBe(3);
    await looked(3);
    expect(o.openNow()).toBe(2);
    o.ended(40002);
    expect(o.openNow()).toBe(1);
  });

  it("reads the path for the timeline: each look's median RTT, and the retransmissions since the last look", async () => {
    const { o, looked } = owners([
      table([
        [40001, 'ESTAB', 0.4, 0],
        [40002, 'ESTAB', 12, 2],
        [40003, 'ESTAB', 3, 0],
      ]),
      table([
        [40001, 'ESTAB', 0.5, 1],
        [40002, 'ESTAB', 40, 5],
      ]),
    ]);
    expect(o.path.sample()).toEqual({ rttMs: null, retransmits: 0 });
    o.look();
    await looked(1);
    expect(o.path.sample()).toEqual({ rttMs: 3, retransmits: 2 });
    o.look();
    await looked(2);
    // 40001: 0 → 1, 40002: 2 → 5; the median of 0.5 and 40.
    expect(o.path.sample()).toEqual({ rttMs: 20.25, retransmits: 4 });
    expect(o.path.sample()).toEqual({ rttMs: null, retransmits: 0 });
  });
});
