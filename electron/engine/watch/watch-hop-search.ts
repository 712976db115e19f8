import type { TtlReplayIo } from '../net/engine-io.js';
import { loadRawNetwork } from '../net/raw-network.js';
import { searchResetHop, triggerFor } from '../probes/reset-hop-search.js';
import type { ResetHopData } from '../../shared/reset-data-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import type { WatchCatch } from '../../shared/watch-info.js';
import type { WatchTracker } from './watch-tracker.js';

/**
 * After the first reset from the path, the checks' request replayed with TTL 1, 2, 3... (the diagnosis'
 * reset-hop search) to place the device and name its address. Once per watch; its replays are the
 * watch's own connections, never caught. A reset of the person's own bytes may not be reproduced by the
 * checks' request: the search then says so.
 */
export class HopSearchAfterPath {
  replay: TtlReplayIo | null = null;
  tracker: WatchTracker | null = null;
  private readonly own = new Set<number>();
  private readonly controller = new AbortController();
  private running: Promise<ResetHopData | null> | null = null;

  constructor(private readonly target: TargetInfo) {}

  owns(localPort: number): boolean {
    return this.own.has(localPort);
  }

  /** Each catch: the first reset from the path (not of a SYN: its TTL already names the hop) starts it. */
  after(c: WatchCatch): void {
    if (this.running || !this.replay || c.how !== 'reset') return;
    if (c.verdict?.origin !== 'path' || c.verdict.phase === 'connect') return;
    this.running = this.search(this.replay, c.address).catch(() => null);
  }

  async finish(cancelled: boolean): Promise<ResetHopData | null> {
    if (cancelled) this.controller.abort();
    const data = await this.running;
    this.replay?.close();
    return data ?? null;
  }

  private async search(replay: TtlReplayIo, address: string): Promise<ResetHopData | null> {
    const trigger = await triggerFor(this.target);
    if (typeof trigger === 'string') return null;
    const hops = this.tracker?.serverHops(address) ?? null;
    let port: number | null = null;
    return searchResetHop({
      replay,
      address: { address, family: address.includes(':') ? 6 : 4 },
      port: this.target.port,
      trigger,
      maxTtl: Math.min(30, hops === null ? 30 : hops + 1),
      waitMs: 1000,
      connectTimeoutMs: 3000,
      signal: this.controller.signal,
      onConnected: (localPort) => {
        port = localPort;
        this.own.add(localPort);
      },
      // A replay that was not reset leaves its connection behind in the tracker: not the target's.
      onAttempt: (a) => {
        if (port !== null && a.outcome !== 'reset') this.tracker?.forget(port);
      },
    });
  }
}

/** The replays by TTL over raw sockets; null where this process has none. */
export async function defaultReplay(now: () => number): Promise<TtlReplayIo | null> {
  const raw = await loadRawNetwork();
  return 'error' in raw ? null : raw.createTtlReplayIo(now);
}
