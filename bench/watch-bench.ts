/**
 * An hour of `watch` compressed in time: WatchTracker fed the packets of many connections as fast as it
 * takes them (no network: the packets are made here), with memory read as it goes. The goal is flat
 * memory whatever the hour holds: connections that close, that are reset, and that are left open forever
 * (the bound evicts them).
 *
 *   npx tsx bench/watch-bench.ts [--connections N] [--every-nth-reset K]
 */
import { parseArgs } from 'node:util';
import type { CapturedPacket } from '../electron/engine/net/capture-types.js';
import { WatchTracker } from '../electron/engine/watch/watch-tracker.js';

const { values } = parseArgs({
  options: { connections: { type: 'string' }, 'every-nth-reset': { type: 'string' } },
});
const CONNECTIONS = Number(values.connections ?? 1_000_000);
const RESET_EVERY = Number(values['every-nth-reset'] ?? 50);
/** An hour at this many new connections a second. */
const PER_SECOND = CONNECTIONS / 3600;

function packet(at: number, localPort: number, flags: string, payload = 0, ttl = 61): CapturedPacket {
  return {
    at,
    family: 4,
    src: '198.18.4.2',
    dst: '198.18.1.2',
    ttl,
    ipId: 0,
    tcp: {
      srcPort: 80,
      dstPort: localPort,
      seq: 1,
      ack: 1,
      flags,
      window: 502,
      optionsLength: 12,
      payloadLength: payload,
    },
    frame: { bytes: new Uint8Array(128), length: 1500 },
  };
}

let caught = 0;
const tracker = new WatchTracker({ port: 80, onCatch: () => caught++ });
const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
const rows: string[] = [];
const started = performance.now();
let packets = 0;
global.gc?.();
for (let i = 0; i < CONNECTIONS; i++) {
  const at = (i / PER_SECOND) * 1000;
  const port = 1024 + (i % 64000);
  tracker.push(packet(at, port, 'SA'));
  for (let k = 0; k < 6; k++) tracker.push(packet(at + k, port, 'PA', 1400));
  packets += 7;
  // One in RESET_EVERY reset, one in ten left open (the bound must forget them), the rest closed.
  if (i % RESET_EVERY === 0) {
    tracker.push(packet(at + 10, port, 'R', 0, 63));
    packets++;
  } else if (i % 10 !== 0) {
    tracker.push(packet(at + 10, port, 'FA'));
    tracker.push(packet(at + 11, port, 'A'));
    packets += 2;
  }
  if (i % Math.round(CONNECTIONS / 8) === 0 || i === CONNECTIONS - 1) {
    const m = process.memoryUsage();
    const s = tracker.summary;
    rows.push(
      `| ${Math.round(at / 60000)} min | ${i.toLocaleString('en-US')} | ${mib(m.heapUsed)} MiB | ${mib(m.rss)} MiB | ${s.open} | ${s.evicted.toLocaleString('en-US')} |`,
    );
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `WatchTracker, ${CONNECTIONS.toLocaleString('en-US')} connections (an hour at ${Math.round(PER_SECOND)}/s), one in ${RESET_EVERY} reset, one in ten left open`,
);
console.log('');
console.log('| watch time | connections | heap | RSS | followed | evicted |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log('');
console.log(
  `${packets.toLocaleString('en-US')} packets in ${seconds.toFixed(1)} s: ${Math.round(packets / seconds).toLocaleString('en-US')} packets/s on one core; ${caught.toLocaleString('en-US')} resets judged.`,
);
