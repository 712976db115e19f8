/**
 * runWatch on a fake capture stream: it stops when the resets asked for are caught, when its time is up,
 * or when cancelled, keeping what was caught; and it refuses what it cannot watch before capturing.
 */
import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../net/capture-types.js';
import type { SystemIo } from '../net/engine-io.js';
import { InputError } from '../input-error.js';
import { runWatch, type WatchDeps } from './run-watch.js';
import {
  fakeStream,
  targetPacket,
  watchDns as dns,
  watchSystem as system,
  WATCHED_SERVER,
} from '../../../test/unit/watch-packets.js';

const SERVER = WATCHED_SERVER;

function tcp(localPort: number, flags: string, ttl = 61): CapturedPacket {
  return targetPacket({ localPort, flags, ttl });
}

describe('runWatch', () => {
  it('stops once the resets asked for are caught, and says who sent them', async () => {
    const packets = [40001, 40002, 40003].flatMap((port) => [tcp(port, 'SA'), tcp(port, 'R')]);
    const { stream, seen } = fakeStream(packets);
    const live: number[] = [];
    const result = await runWatch(
      { target: 'http://web.lab.test/', forSeconds: 30, until: 2, everySeconds: null },
      { signal: new AbortController().signal, dns, system, stream, onCatch: (c) => live.push(c.localPort) },
    );
    expect(seen).toEqual({ watched: [SERVER], closed: true });
    expect(result.stoppedBy).toBe('count');
    expect(live.slice(0, 2)).toEqual([40001, 40002]);
    expect(result.catches.map((c) => c.verdict?.origin).slice(0, 2)).toEqual(['server', 'server']);
    expect(result.target).toMatchObject({ host: 'web.lab.test', port: 80, addresses: [SERVER] });
  });

  it('names the program that held each connection, from the socket table read when it opened', async () => {
    // The resets come a little after the connections open, as a real exchange's would.
    const opened = [40001, 40002, 40003].map((port) => tcp(port, 'SA'));
    const reset = [40001, 40003].map((port) => tcp(port, 'R'));
    const stream: WatchDeps['stream'] = (now, onPacket) =>
      Promise.resolve({
        note: 'fake capture',
        watch() {
          setTimeout(() => opened.forEach((p) => onPacket({ ...p, at: now() })), 5);
          setTimeout(() => reset.forEach((p) => onPacket({ ...p, at: now() })), 300);
        },
        close: () => undefined,
      });
    const result = await runWatch(
      { target: `${SERVER}:80`, forSeconds: 1, until: 2, everySeconds: null },
      { signal: new AbortController().signal, system, stream },
    );
    expect(result.catches.map((c) => c.owner)).toEqual([
      { process: 'curl', pid: 301 },
      { process: 'java', pid: 77 },
    ]);
    expect(result.counts.programs).toEqual({
      curl: { connections: 2, resets: 1 },
      java: { connections: 1, resets: 1 },
    });
    expect(result.ownersNote).toBeNull();
  });

  it('keeps what was caught when cancelled, and when its time is up', async () => {
    const controller = new AbortController();
    const { stream } = fakeStream([tcp(40001, 'SA'), tcp(40001, 'R', 63)]);
    const watching = runWatch(
      { target: `${SERVER}:80`, forSeconds: null, until: null, everySeconds: null },
      {
        signal: controller.signal,
        stream,
        onCatch: () => controller.abort(),
      },
    );
    const cancelled = await watching;
    expect(cancelled.stoppedBy).toBe('cancelled');
    expect(cancelled.catches[0]?.verdict?.origin).toBe('path');

    const timed = await runWatch(
      { target: `${SERVER}:80`, forSeconds: 1, until: null, everySeconds: null },
      { signal: new AbortController().signal, system, stream: fakeStream([]).stream },
    );
    expect(timed).toMatchObject({ stoppedBy: 'time', catches: [], counts: { connections: 0 } });
  });

  it('refuses a target it cannot use before watching', async () => {
    const signal = new AbortController().signal;
    await expect(
      runWatch({ target: 'bad target', forSeconds: 1, until: null, everySeconds: null }, { signal }),
    ).rejects.toThrow(InputError);
  });

  it('watches the socket table when it cannot capture, naming no sender, and says what capture would add', async () => {
    const refused: WatchDeps['stream'] = () =>
      Promise.reject(new InputError('watch needs packet capture, which needs raw sockets'));
    let looks = 0;
    const table = (open: boolean) =>
      [
        'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
        ...(open
          ? [`ESTAB 0 0 198.18.1.2:40001 ${SERVER}:80 users:(("java",pid=7,fd=9))`, '\t lastrcv:3000']
          : []),
      ].join('\n');
    const snmp = (resets: number) => `Tcp: EstabResets OutRsts\nTcp: ${resets} 0\n`;
    const counted: SystemIo = {
      run: (file) => {
        const first = file === 'ss' ? looks++ < 1 : looks <= 1;
        return Promise.resolve({
          code: 0,
          stdout: file === 'ss' ? table(first) : snmp(first ? 4 : 5),
          stderr: '',
        });
      },
      which: () => Promise.resolve(null),
    };
    const result = await runWatch(
      { target: `${SERVER}:80`, forSeconds: 5, until: 1, everySeconds: null },
      { signal: new AbortController().signal, system: counted, stream: refused },
    );
    expect(result).toMatchObject({ seenBy: 'socket-table', stoppedBy: 'count', counts: { resets: 1 } });
    expect(result.catches[0]).toMatchObject({
      seenBy: 'socket-table',
      verdict: null,
      owner: { process: 'java' },
      end: { how: 'reset-received' },
    });
    expect(result.captureNote).toMatch(/^No packet capture .*With capture .* names who sent each reset/);
  });
});
