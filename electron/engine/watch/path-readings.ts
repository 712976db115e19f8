import type { LocalSocket } from '../parsers/socket-table-parser.js';
import { median } from '../../shared/number-stats.js';
import type { WatchPathSample } from '../../shared/watch-info.js';

/**
 * The path as the kernel sees it, from the socket table's looks (`ss -i`): each look's median smoothed RTT
 * of the open connections to the target, and the segments retransmitted since the look before, for the
 * watch's timeline. Whoever reads the table (the owners' looks with capture, the socket-table watch
 * without) hands each look's open connections over.
 */
export class PathReadings {
  /** Since the last sample(): each look's median RTT, and the retransmissions counted. */
  private rtts: number[] = [];
  private retransmits = 0;
  /** Each open connection's retransmissions at the last look (ss counts over the connection's life). */
  private retransmitted = new Map<number, number>();

  /** One look's open connections to the target. */
  read(open: LocalSocket[]): void {
    const rtts = open.flatMap((s) => (s.rttMs !== null && s.state === 'ESTABLISHED' ? [s.rttMs] : []));
    if (rtts.length > 0) this.rtts.push(median(rtts));
    const seen = new Map<number, number>();
    for (const s of open) {
      if (s.retransmits === null || s.localPort === null) continue;
      // A connection first seen with retransmissions had them during the watch (it opened since).
      this.retransmits += Math.max(0, s.retransmits - (this.retransmitted.get(s.localPort) ?? 0));
      seen.set(s.localPort, s.retransmits);
    }
    this.retransmitted = seen;
  }

  /** The RTT and retransmissions read since the last call. */
  sample(): WatchPathSample {
    const sample = { rttMs: this.rtts.length > 0 ? median(this.rtts) : null, retransmits: this.retransmits };
    this.rtts = [];
    this.retransmits = 0;
    return sample;
  }
}
