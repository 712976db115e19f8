import { describe, expect, it } from 'vitest';
import { parsePingOutput, parsePingSeries, pingArgs, seriesArgs } from './system-ping-io.js';

describe('system ping fallback', () => {
  it('builds argument arrays, never a shell string', () => {
    expect(
      pingArgs({ address: '198.18.4.2', family: 4, ttl: 3, size: 1472, dontFragment: true, timeoutMs: 800 }),
    ).toEqual(['-4', '-n', '-c', '1', '-W', '0.800', '-t', '3', '-s', '1472', '-M', 'do', '198.18.4.2']);
  });

  it.each([
    [
      '64 bytes from 198.18.4.2: icmp_seq=1 ttl=61 time=0.123 ms',
      { kind: 'reply', rttMs: 0.123, replyTtl: 61 },
    ],
    ['From 198.18.2.1 icmp_seq=1 Time to live exceeded', { kind: 'time-exceeded', from: '198.18.2.1' }],
    ['From 198.18.2.1 icmp_seq=1 Destination Host Unreachable', { kind: 'unreachable', from: '198.18.2.1' }],
    ['From 198.18.3.1 icmp_seq=1 Frag needed and DF set (mtu = 1280)', { kind: 'too-big', mtu: 1280 }],
    ['ping: local error: message too long, mtu=1280', { kind: 'too-big', from: null, mtu: 1280 }],
    ['1 packets transmitted, 0 received, 100% packet loss, time 0ms', { kind: 'timeout' }],
    ['ping: socket: Operation not permitted', { kind: 'error' }],
  ])('reads %j', (output, expected) => {
    expect(parsePingOutput(output, '198.18.4.2', 5)).toMatchObject(expected);
  });

  it('sends a series from one process', () => {
    expect(seriesArgs({ address: '198.18.4.2', family: 4, timeoutMs: 1000 }, 20, 15)).toEqual([
      '-4',
      '-n',
      '-c',
      '20',
      '-i',
      '0.015',
      '-W',
      '1.000',
      '198.18.4.2',
    ]);
  });

  it('reads a series by sequence number: a missing one was lost', () => {
    const output = [
      'PING 198.18.4.2 (198.18.4.2) 56(84) bytes of data.',
      '64 bytes from 198.18.4.2: icmp_seq=1 ttl=61 time=0.101 ms',
      '64 bytes from 198.18.4.2: icmp_seq=3 ttl=61 time=0.120 ms',
      'From 198.18.2.1 icmp_seq=4 Destination Host Unreachable',
      '',
      '--- 198.18.4.2 ping statistics ---',
      '4 packets transmitted, 2 received, +1 errors, 50% packet loss, time 46ms',
    ].join('\n');
    expect(parsePingSeries(output, '198.18.4.2', 4)?.map((r) => r.kind)).toEqual([
      'reply',
      'timeout',
      'reply',
      'unreachable',
    ]);
  });

  it('gives up on a series the tool refused, so the echoes go one by one', () => {
    expect(
      parsePingSeries('ping: cannot flood; minimal interval allowed for user is 200ms', 'x', 20),
    ).toBeNull();
  });

  it('reads a DF series this machine refused to send as too big, with the MTU it knows', () => {
    const output = [
      'PING 198.18.4.2 (198.18.4.2) 1472(1500) bytes of data.',
      'ping: local error: message too long, mtu=1400',
      'ping: local error: message too long, mtu=1400',
      '',
      '--- 198.18.4.2 ping statistics ---',
      '2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 6ms',
    ].join('\n');
    expect(parsePingSeries(output, '198.18.4.2', 2)).toEqual([
      { kind: 'too-big', from: null, rttMs: 0, mtu: 1400 },
      { kind: 'too-big', from: null, rttMs: 0, mtu: 1400 },
    ]);
  });
});
