import { describe, expect, it } from 'vitest';
import type { CapturedPacket } from '../net/capture-types.js';
import type { WatchCatch, WatchResult } from '../../shared/watch-info.js';
import { watchPcap } from './watch-pcap.js';
import { targetPacket } from '../../../test/unit/watch-packets.js';

function packet(at: number, flags: string, family: 4 | 6 = 4): CapturedPacket {
  return targetPacket({ at, flags, family, ttl: 63, frame: true });
}

function caught(id: string, at: number): WatchCatch {
  return {
    how: 'reset',
    connectionId: id,
    at,
    address: '198.18.4.2',
    port: 80,
    localPort: 40000,
    lifetimeMs: at,
    idleMs: 1,
    bytesIn: 0,
    bytesOut: 310,
    order: null,
    concurrent: null,
    sawOpen: true,
    seenBy: 'capture',
    owner: { process: 'curl', pid: 3 },
    verdict: {
      origin: 'path',
      hop: 2,
      reason: 'TTL 63 is 2 routers nearer than the SYN-ACK',
    } as WatchCatch['verdict'],
  };
}

describe('watchPcap', () => {
  it("groups each reset's packets into a range of frames and comments the reset with its verdict", () => {
    const result = {
      startedAt: '2026-12-06T03:00:00.000Z',
      target: { input: 'web.lab.test', host: 'web.lab.test', port: 80, addresses: [] },
      catches: [caught('w1', 10), caught('w2', 30), caught('w3', 50)],
    } as unknown as WatchResult;
    const evidence = new Map([
      ['w1', [packet(0, 'SA'), packet(5, 'A'), packet(10, 'R')]],
      ['w2', [packet(20, 'SA'), packet(30, 'R')]],
      ['w3', [packet(40, 'SA', 6), packet(50, 'R', 6)]],
    ]);
    const pcap = watchPcap(result, evidence);
    expect(pcap.frames).toEqual({ w1: { first: 1, last: 3 }, w2: { first: 4, last: 5 } });
    expect(pcap.unwritten).toBe(2);
    const text = pcap.file.toString('latin1');
    expect(text).toContain(
      'Reset Doctor: reset of curl :40000, sent by a device on the path (hop 2): TTL 63',
    );
    expect(text.split('Reset Doctor: reset of').length - 1).toBe(2);
  });
});
