import type { SystemIo } from '../net/engine-io.js';
import { parseSsOutput } from '../parsers/socket-table-parser.js';
import { socketsTo } from './socket-table-watch.js';
import type { SocketOwner } from '../../shared/watch-info.js';

/** At most one look at the socket table this often: `ss` on a busy machine lists thousands of sockets. */
const MIN_INTERVAL_MS = 100;
/** Owners remembered by local port; a port is reused long after its connection is gone. */
const MAX_REMEMBERED = 8192;

/**
 * Which program holds each of this machine's connections to the target, read from the socket table
 * (`ss -tanp`, Linux) when the watch sees a connection open. A connection that ends before the next look
 * (a few milliseconds) is never seen there: its owner stays unknown rather than guessed. The socket table
 * names only this user's programs unless the watch runs as root.
 */
export class SocketOwners {
  private readonly owners = new Map<number, SocketOwner>();
  private busy = false;
  private again = false;
  private last = -Infinity;
  private problem: string | null = null;

  constructor(
    private readonly io: SystemIo,
    private readonly target: { addresses: string[]; port: number },
    private readonly signal: AbortSignal,
  ) {}

  /** A connection opened: look at the table soon (once for many at the same time). */
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
    try {
      const result = await this.io.run('ss', ['-tanp'], { timeoutMs: 3000, signal: this.signal });
      for (const s of socketsTo(parseSsOutput(result.stdout), this.target)) {
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
