/**
 * Watch without capture: the socket table and the machine's TCP counters, read in turn. A connection gone
 * from ESTABLISHED while the reset count rose is a reset (received when this machine sent none); one that
 * closed, or went while no reset was counted, is not; nobody is ever named as the sender.
 */
import { describe, expect, it } from 'vitest';
import type { SystemIo } from '../net/engine-io.js';
import { SocketTableWatch, type SocketCatch } from './socket-table-watch.js';

const SERVER = '198.18.4.2';
const HEAD = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process';

function row(port: number, state: string, lastrcv: number, program = 'java'): string {
  return [
    `${state} 0 0 198.18.1.2:${port} ${SERVER}:80 users:(("${program}",pid=7,fd=9))`,
    `\t cubic rtt:0.2/0.1 bytes_received:512 lastsnd:${lastrcv} lastrcv:${lastrcv} lastack:${lastrcv}`,
  ].join('\n');
}

function snmp(estabResets: number, outRsts: number): string {
  return [
    'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors',
    `Tcp: 1 200 120000 -1 10 0 0 ${estabResets} 1 100 100 0 0 ${outRsts} 0`,
  ].join('\n');
}

/** Plays one (table, counters) pair per look. */
function scripted(looks: { table: string[]; resets: number; sent: number }[]) {
  let ss = 0;
  let cat = 0;
  const io: SystemIo = {
    run: (file) => {
      const look = looks[Math.min(file === 'ss' ? ss++ : cat++, looks.length - 1)]!;
      return Promise.resolve({
        code: 0,
        stdout: file === 'ss' ? [HEAD, ...look.table].join('\n') : snmp(look.resets, look.sent),
        stderr: '',
      });
    },
    which: () => Promise.resolve(null),
  };
  return io;
}

async function watchFor(
  io: SystemIo,
  looks: number,
): Promise<{ caught: SocketCatch[]; watch: SocketTableWatch }> {
  const caught: SocketCatch[] = [];
  let clock = 0;
  const watch = new SocketTableWatch(
    io,
    { addresses: [SERVER], port: 80 },
    (c) => caught.push(c),
    () => (clock += 250),
  );
  const controller = new AbortController();
  const running = watch.run(controller.signal);
  await new Promise((r) => setTimeout(r, 250 * looks + 100));
  controller.abort();
  await running;
  return { caught, watch };
}

describe('SocketTableWatch', () => {
  it('records a connection gone from ESTABLISHED as the reset count rose, with its program and idle time', async () => {
    const io = scripted([
      { table: [row(40001, 'ESTAB', 2000), row(40002, 'ESTAB', 10)], resets: 5, sent: 3 },
      { table: [row(40002, 'ESTAB', 20)], resets: 6, sent: 3 },
    ]);
    const { caught, watch } = await watchFor(io, 3);
    expect(caught).toHaveLength(1);
    expect(caught[0]).toMatchObject({
      localPort: 40001,
      address: SERVER,
      owner: { process: 'java', pid: 7 },
      end: 'reset-received',
      bytesIn: 512,
      sawOpen: false,
    });
    expect(caught[0]!.idleMs).toBe(2000 + 250);
    expect(caught[0]!.reason).toMatch(/who sent it needs packet capture/);
    expect(watch.counts).toMatchObject({ connections: 2, closed: 0 });
  });

  it('does not know which side reset it when this machine sent resets too', async () => {
    const io = scripted([
      { table: [row(40001, 'ESTAB', 10)], resets: 5, sent: 3 },
      { table: [], resets: 6, sent: 4 },
    ]);
    const { caught } = await watchFor(io, 3);
    expect(caught[0]).toMatchObject({
      end: 'reset',
      reason: expect.stringMatching(/which side reset it is not known/),
    });
  });

  it('counts as closed a connection that went through a closing state, or went while no reset was counted', async () => {
    const io = scripted([
      { table: [row(40001, 'ESTAB', 10), row(40002, 'ESTAB', 10)], resets: 5, sent: 3 },
      { table: [row(40001, 'FIN-WAIT-1', 10)], resets: 5, sent: 3 },
      { table: [], resets: 6, sent: 3 },
    ]);
    const { caught, watch } = await watchFor(io, 4);
    expect(caught).toEqual([]);
    expect(watch.counts.closed).toBe(2);
  });
});
