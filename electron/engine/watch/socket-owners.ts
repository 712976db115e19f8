import type { SystemIo } from '../net/engine-io.js';
import { parseSsOutput } from '../parsers/socket-table-parser.js';
import { PathReadings } from './path-readings.js';
import { SilenceSpotter, type SilenceSeen } from './watch-silence.js';
import { socketsTo } from './socket-table-watch.js';
import type { SocketOwner } from '../../shared/watch-info.js';

/** At most one look at the socket table this often: `ss` on a busy machine lists thousands of sockets. */
const MIN_INTERVAL_MS = 100;
/** Owners remembered by local port; a port is reused long after its connection is gone. */
const MAX_REMEMBERED = 8192;

/** The states of a connection that is open (not yet closing, not TIME-WAIT). */
const OPEN_STATES = new Set(['SYN_SENT', 'SYN_RECV', 'ESTABLISHED']);

/**
 * Which program holds each of this machine's connections to the target, read from the socket table
 * (`ss -tanp`, Linux) when the watch sees a connection open. A connection that ends before the next look
 * (a few milliseconds) is never seen there: its owner stays unknown rather than guessed. The socket table
 * names only this user's programs unless the watch runs as root.
 *
 * It also counts the connections to the target open at once: those the last look listed open, and those
 * the capture saw start since (a look lags them by up to MIN_INTERVAL_MS), less those seen ending. A
 * connection that went away without a packet from the target (this machine reset it) drops out at the
 * next look, where the capture alone would count it open for ever.
 * Each look's open connections also go to the path readings (RTT, retransmissions) for the timeline, and
 * to the silence spotter (a connection the target stopped answering).
 */
export class SocketOwners {
  private readonly owners = new Map<number, SocketOwner>();
  /** Local ports the last look listed open, and those started since that look began. */
  private listed = new Set<number>();
  private readonly pending = new Set<number>();
  private looked = false;
  /** The RTT and retransmissions of each look, for the timeline. */
  readonly path = new PathReadings();
  private busy = false;
  private again = false;
  private last = -Infinity;
  private problem: string | null = null;

  private readonly silences = new SilenceSpotter();

  /** `silent`: each connection the table shows left unanswered (watch-silence.ts), on the watch's clock. */
  constructor(
    private readonly io: SystemIo,
    private readonly target: { addresses: string[]; port: number },
    private readonly signal: AbortSignal,
    private readonly silent?: { now: () => number; onSilence: (seen: SilenceSeen) => void },
  ) {}

  /** A connection started (its SYN-ACK): counted open, and the table read soon for its owner. */
  started(localPort: number): void {
    this.pending.add(localPort);
    this.look();
  }

  /** A connection ended (the target's FIN, a reset): no longer open. */
  ended(localPort: number): void {
    this.listed.delete(localPort);
    this.pending.delete(localPort);
  }

  /** Connections to the target open now, as far as the table and the capture tell; null when unread. */
  openNow(): number | null {
    if (this.problem !== null || (!this.looked && this.pending.size === 0)) return null;
    let n = this.pending.size;
    for (const port of this.listed) if (!this.pending.has(port)) n++;
    return n;
  }

  /** Look at the table soon (once for many at the same time). */
  look(): void {
    if (this.problem !== null) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    const wait = Math.max(0, this.last + MIN_INTERVAL_MS - performance.now());
    this.busy = true;
    setTimeout(() => void this.read(), wait);
  }

  owner(localPort: number): SocketOwner | null {
    return this.owners.get(localPort) ?? null;
  }

  /** Why owners cannot be named (no `ss`, not Linux), or null. */
  get note(): string | null {
    return this.problem;
  }

  private async read(): Promise<void> {
    this.last = performance.now();
    // Started before this look: listed by it if still open; those started during it wait for the next.
    const before = [...this.pending];
    try {
      const result = await this.io.run('ss', ['-tanpi'], { timeoutMs: 3000, signal: this.signal });
      const sockets = socketsTo(parseSsOutput(result.stdout), this.target);
      const open = sockets.filter((s) => OPEN_STATES.has(s.state));
      this.listed = new Set(open.map((s) => s.localPort!));
      this.path.read(open);
      if (this.silent)
        for (const seen of this.silences.read(open, this.silent.now())) this.silent.onSilence(seen);
      for (const port of before) this.pending.delete(port);
      this.looked = true;
      for (const s of sockets) {
        if (s.process === null) continue;
        this.owners.delete(s.localPort!);
        this.owners.set(s.localPort!, { process: s.process, pid: s.pid });
      }
      for (const port of [...this.owners.keys()].slice(0, -MAX_REMEMBERED)) this.owners.delete(port);
    } catch (error) {
      if (!this.signal.aborted)
        this.problem = `the socket table could not be read (${(error as Error).message})`;
    } finally {
      this.busy = false;
      if (this.again && !this.signal.aborted) {
        this.again = false;
        this.look();
      }
    }
  }
}
