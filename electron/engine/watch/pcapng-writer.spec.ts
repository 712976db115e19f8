/**
 * The pcapng writer: its blocks walk from start to end by their lengths, and where tshark is installed it
 * reads the file back: the packets, their times and the comment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pcapngFile } from './pcapng-writer.js';

/** An IPv4 TCP packet from 198.18.4.2:80 to 198.18.1.2:40000 with these flags (no checksums: not checked). */
function ipv4Tcp(flags: number, ttl: number): Uint8Array {
  const b = Buffer.alloc(40);
  b[0] = 0x45;
  b.writeUInt16BE(40, 2);
  b[8] = ttl;
  b[9] = 6;
  Buffer.from([198, 18, 4, 2]).copy(b, 12);
  Buffer.from([198, 18, 1, 2]).copy(b, 16);
  b.writeUInt16BE(80, 20);
  b.writeUInt16BE(40000, 22);
  b[32] = 0x50;
  b[33] = flags;
  return b;
}

const T0 = 1_765_000_000_000_000n;
const records = [
  { timeMicros: T0, bytes: ipv4Tcp(0x12, 61), length: 40 },
  {
    timeMicros: T0 + 3_000_000n,
    bytes: ipv4Tcp(0x04, 63),
    length: 40,
    comment: 'Reset Doctor: sent by hop 2',
  },
];
const meta = {
  application: 'reset-doctor test',
  interfaceName: 'packets from web.lab.test:80',
  snaplen: 128,
};

describe('pcapngFile', () => {
  it('writes a section, an interface and one block per packet, each closed by its own length', () => {
    const file = pcapngFile(records, meta);
    const types: number[] = [];
    for (let at = 0; at < file.length;) {
      const total = file.readUInt32LE(at + 4);
      expect(total % 4).toBe(0);
      expect(file.readUInt32LE(at + total - 4)).toBe(total);
      types.push(file.readUInt32LE(at));
      at += total;
    }
    expect(types).toEqual([0x0a0d0d0a, 1, 6, 6]);
    expect(file.readUInt32LE(8)).toBe(0x1a2b3c4d);
  });

  const tshark = spawnSync('tshark', ['--version']).status === 0;
  it.skipIf(!tshark)(`is read back by tshark${tshark ? '' : ' — skipped: tshark is not installed'}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rd-pcapng-'));
    try {
      const path = join(dir, 'w.pcapng');
      writeFileSync(path, pcapngFile(records, meta));
      const read = spawnSync(
        'tshark',
        [
          '-r',
          path,
          '-T',
          'fields',
          '-E',
          'separator=|',
          '-e',
          'ip.ttl',
          '-e',
          'tcp.flags.reset',
          '-e',
          'frame.time_delta',
          '-e',
          'frame.comment',
        ],
        { encoding: 'utf8' },
      );
      expect(read.status, read.stderr).toBe(0);
      const rows = read.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('|'));
      expect(rows.map((r) => r[0])).toEqual(['61', '63']);
      expect(rows.map((r) => ['1', 'True'].includes(r[1]!))).toEqual([false, true]);
      expect(Number(rows[1]![2])).toBeCloseTo(3, 3);
      expect(rows[1]![3]).toBe('Reset Doctor: sent by hop 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
