import type { SystemIo } from '../net/engine-io.js';
import { parseSsOutput, plainAddress, type LocalSocket } from '../parsers/socket-table-parser.js';
import { parseLinuxTcpCounters } from '../parsers/tcp-counters-parser.js';
import { sleep } from '../probes/probe-helpers.js';
import { PathReadings } from './path-readings.js';
import { SilenceSpotter, type SilenceSeen } from './watch-silence.js';
import type { SocketEnd, SocketOwner } from '../../shared/watch-info.js';

/** A connection the socket table saw end by a reset: no packet of it was seen, so no sender is named. */
export interface SocketCatch {
  localPort: number;
  address: string;
  /** First seen after the watch's first look: it opened while watched. */
  sawOpen: boolean;
  owner: SocketOwner | null;
  /** Watch clock, ms: the look that found it gone. */
  at: number;
  lifetimeMs: number;
  /** At most this long without data from the target before it ended (ss's lastrcv plus the look's gap). */
  idleMs: number | null;
  bytesIn: number;
  end: SocketEnd;
  /** The sentence an engineer can check. */
  reason: string;
}

interface Seen {
  socket: LocalSocket;
  opened: boolean;
  firstAt: number;
  lastAt: number;
}

/** This machine's sockets to the target (its addresses, its port), from a parsed `ss` listing. */
export function socketsTo(
  table: LocalSocket[],
  target: { addresses: string[]; port: number },
): LocalSocket[] {
  const addresses = new Set(target.addresses);
  return table.filter(
    (s) =>
      s.localPort !== null && s.remotePort === target.port && addresses.has(plainAddress(s.remoteAddress)),
  );
}

/** How often the table is read: short connections between two looks are never seen. */
export const SOCKET_LOOK_MS = 250;

/**
 * `watch` without packet capture: reads the socket table (`ss -tanpi`) and the machine's TCP counters
 * (/proc/net/snmp) every SOCKET_LOOK_MS, and when an established connection to the target is gone
 * without passing through a closing state while the count of reset connections rose, records it as
 * reset. It never names who sent the reset (only the packets tell), and misses connections that live
 * less than one look.
 */
export class SocketTableWatch {
  private seen = new Map<number, Seen>();
  private counters: { resets: number; sent: number } | null = null;
  private looks = 0;

  constructor(
    private readonly io: SystemIo,
    private readonly target: { addresses: string[]; port: number },
    private readonly onCatch: (caught: SocketCatch) => void,
    private readonly now: () => number,
    /** Each connection the target left unanswered while this machine retransmitted. */
    private readonly onSilence: (seen: SilenceSeen) => void = () => undefined,
  ) {}

  private readonly silences = new SilenceSpotter();

  /** The RTT and retransmissions of each look, for the timeline. */
  readonly path = new PathReadings();

  /** Connections seen so far, and those that ended closed (not reset). */
  readonly counts = { connections: 0, closed: 0 };

  get open(): number {
    return this.seen.size;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.look(signal);
      await sleep(SOCKET_LOOK_MS, signal);
    }
  }

  private async look(signal: AbortSignal): Promise<void> {
    let table: LocalSocket[];
    let counters: { resets: number; sent: number } | null;
    try {
      const [ss, snmp] = await Promise.all([
        this.io.run('ss', ['-tanpi'], { timeoutMs: 3000, signal }),
        this.io.run('cat', ['/proc/net/snmp'], { timeoutMs: 3000, signal }),
      ]);
      table = parseSsOutput(ss.stdout);
      const parsed = parseLinuxTcpCounters(snmp.stdout, '');
      const v = parsed?.counters;
      counters =
        v?.estabResets !== undefined && v.outRsts !== undefined
          ? { resets: v.estabResets, sent: v.outRsts }
          : null;
    } catch {
      return; // cancelled, or a look that failed: the next one compares with the last good one
    }
    const at = this.now();
    const mine = new Map<number, LocalSocket>();
    for (const s of socketsTo(table, this.target)) mine.set(s.localPort!, s);
    this.path.read([...mine.values()].filter((s) => s.state === 'ESTABLISHED'));
    for (const seen of this.silences.read([...mine.values()], at)) this.onSilence(seen);
    const resetsRose = counters !== null && this.counters !== null && counters.resets > this.counters.resets;
    const sentResets = counters !== null && this.counters !== null && counters.sent > this.counters.sent;
    for (const [port, before] of this.seen) {
      const now = mine.get(port);
      if (now && now.state !== 'CLOSED') continue;
      this.seen.delete(port);
      // Gone straight from ESTABLISHED: a FIN would have shown a closing state (or TIME-WAIT) first.
      if (before.socket.state !== 'ESTABLISHED' || !resetsRose) {
        this.counts.closed++;
        continue;
      }
      const gap = at - before.lastAt;
      const last = before.socket.lastReceiveMs;
      this.onCatch({
        localPort: port,
        address: plainAddress(before.socket.remoteAddress),
        sawOpen: before.opened,
        owner: before.socket.process ? { process: before.socket.process, pid: before.socket.pid } : null,
        at,
        lifetimeMs: at - before.firstAt,
        idleMs: last === undefined ? null : last + gap,
        bytesIn: before.socket.bytesReceived ?? 0,
        end: sentResets ? 'reset' : 'reset-received',
        reason: sentResets
          ? `gone from the socket table while ESTABLISHED, as the machine's count of reset connections rose; this machine sent resets in the same ${Math.round(gap)} ms, so which side reset it is not known`
          : `gone from the socket table while ESTABLISHED, as the machine's count of reset connections rose and it sent no reset: a reset came in; who sent it needs packet capture`,
      });
    }
    for (const [port, socket] of mine) {
      if (socket.state === 'LISTEN' || socket.state === 'TIME_WAIT' || socket.state === 'CLOSED') continue;
      const known = this.seen.get(port);
      if (!known) this.counts.connections++;
      this.seen.set(port, {
        socket,
        opened: known?.opened ?? this.looks > 0,
        firstAt: known?.firstAt ?? at,
        lastAt: at,
      });
    }
    if (counters !== null) this.counters = counters;
    this.looks++;
  }
}
