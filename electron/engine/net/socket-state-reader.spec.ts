import { describe, expect, it } from 'vitest';
import { NetError, type SystemIo } from './engine-io.js';
import { ssSocketStateReader } from './socket-state-reader.js';

/** `ss -tinH sport = :40001` as Linux prints it for a request retransmitted and not acknowledged. */
const UNACKED = [
  'ESTAB 0      78     198.18.1.2:40001 198.18.4.2:80',
  '\t cubic wscale:7,7 rto:1600 backoff:3 rtt:0.31/0.155 mss:1448 cwnd:1 ssthresh:7 bytes_sent:312 bytes_retrans:234 bytes_acked:1 segs_out:5 segs_in:1 data_segs_out:4 unacked:1 retrans:1/3 lost:1 lastsnd:200 lastrcv:1500 lastack:1500',
  // Another socket from the same port to another peer must not be taken for it.
  'ESTAB 0      0      198.18.1.2:40001 198.18.9.9:80',
  '\t cubic rtt:1/0.5 bytes_sent:10 bytes_acked:11',
].join('\n');

function system(stdout: string | Error): SystemIo {
  return {
    async run(file, args) {
      expect([file, ...args]).toEqual(['/usr/bin/ss', '-tinH', 'sport', '=', ':40001']);
      if (stdout instanceof Error) throw stdout;
      return { code: 0, stdout, stderr: '' };
    },
    async which() {
      return '/usr/bin/ss';
    },
  };
}

const connection = { localPort: 40001, address: '198.18.4.2', port: 80 };

describe('the socket state from ss -ti', () => {
  it('reads unacknowledged segments and retransmissions of this connection only', async () => {
    const read = ssSocketStateReader(system(UNACKED), '/usr/bin/ss', () => 42);
    expect(await read(connection, new AbortController().signal)).toEqual({
      at: 42,
      unacked: 1,
      retransmits: 3,
      bytesSent: 312,
      bytesAcked: 0,
      bytesReceived: 0,
      rttMs: 0.31,
    });
  });

  it('says nothing, rather than failing, when ss cannot be run or does not list the socket', async () => {
    const failing = ssSocketStateReader(
      system(new NetError({ code: 'tool_missing', message: 'no ss' })),
      '/usr/bin/ss',
      () => 0,
    );
    expect(await failing(connection, new AbortController().signal)).toBeNull();
    const empty = ssSocketStateReader(system(''), '/usr/bin/ss', () => 0);
    expect(await empty(connection, new AbortController().signal)).toBeNull();
  });
});
