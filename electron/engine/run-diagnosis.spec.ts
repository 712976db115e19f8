import { describe, expect, it } from 'vitest';
import type { CapturedPacket, PacketCapture } from './net/capture-types.js';
import { continuedCapture } from './run-diagnosis.js';

function packet(at: number): CapturedPacket {
  return { at, family: 4, src: '198.18.4.2', dst: '198.18.1.2', ttl: 60, ipId: at };
}

/** A capture that keeps what it is given and records what it is asked. */
function recorded(packets: CapturedPacket[]) {
  const watched: string[] = [];
  let closed = 0;
  const capture: PacketCapture = {
    note: 'recorded',
    watch: (addresses) => void watched.push(...addresses),
    packets: () => packets.slice(),
    close: () => void closed++,
  };
  return { capture, watched, closed: () => closed };
}

describe('continuedCapture', () => {
  it("keeps the closed capture's packets before the new ones and watches the run's addresses", () => {
    const before = recorded([packet(1), packet(2)]);
    const after = recorded([packet(30)]);
    const capture = continuedCapture(before.capture, after.capture, ['198.18.4.2', '2001:db8::2']);
    expect(after.watched).toEqual(['198.18.4.2', '2001:db8::2']);
    expect(capture.packets().map((p) => p.at)).toEqual([1, 2, 30]);
    capture.watch(['198.18.4.3']);
    expect(after.watched).toContain('198.18.4.3');
    capture.close();
    expect([before.closed(), after.closed()]).toEqual([0, 1]);
  });

  it('starts from nothing when the run had no capture', () => {
    const after = recorded([packet(5)]);
    expect(
      continuedCapture(null, after.capture, [])
        .packets()
        .map((p) => p.at),
    ).toEqual([5]);
  });
});
