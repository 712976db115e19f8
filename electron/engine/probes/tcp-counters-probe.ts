import { NetError, type SystemIo } from '../net/engine-io.js';
import {
  diffCounters,
  parseLinuxTcpCounters,
  parseMacTcpStats,
  parseWindowsTcpStats,
  type TcpCounters,
} from '../parsers/tcp-counters-parser.js';
import type { ProbeContext, ProbeDefinition } from '../runner/probe-types.js';

export { diffCounters } from '../parsers/tcp-counters-parser.js';
export type { TcpCounterName, TcpCounters } from '../parsers/tcp-counters-parser.js';

/*
 * The counters are the whole machine's (or, on Linux, the network namespace's): every other program's
 * traffic during the run adds to them. A delta says what happened on this machine while Reset Doctor ran,
 * not what happened to its own connections; it is a clue to weigh, never proof on its own.
 */

export interface TcpCountersSnapshotData {
  platform: string;
  counters: TcpCounters;
  /** Run time of the reading (env.now()). */
  atMs: number;
}

export interface TcpCountersData {
  platform: string;
  before: TcpCounters;
  after: TcpCounters;
  /** Counter name → how much it grew between the two readings. */
  delta: Record<string, number>;
  /** The changes that bear on resets, one sentence each. */
  highlights: string[];
  /** Milliseconds between the two readings. */
  elapsedMs: number;
}

export interface TcpCountersOptions {
  /** The operating system to act for; tests set it, the app uses process.platform. */
  platform?: string;
}

export interface TcpCountersProbes {
  tcpCountersBeforeProbe: ProbeDefinition<TcpCountersSnapshotData>;
  tcpCountersProbe: ProbeDefinition<TcpCountersData>;
}

export const COUNTERS_TIMEOUT_MS = 5000;

type Read = { counters: TcpCounters } | { reason: string };

async function output(io: SystemIo, file: string, args: string[], signal: AbortSignal): Promise<string> {
  const result = await io.run(file, args, { timeoutMs: COUNTERS_TIMEOUT_MS, signal });
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n')[0] ?? '';
    const how = result.code === null ? 'was stopped' : `exited with code ${result.code}`;
    throw new NetError({
      code: 'unknown_failure',
      message: `${[file, ...args].join(' ')} ${how}${detail ? `: ${detail}` : ''}`,
    });
  }
  return result.stdout;
}

async function readFor(ctx: ProbeContext, platform: string): Promise<Read> {
  const io = ctx.env.io.system;
  const { signal } = ctx;
  try {
    switch (platform) {
      case 'linux': {
        // Read with cat through SystemIo, like every other tool, so tests replay the files.
        const [snmp, netstat] = await Promise.all([
          output(io, 'cat', ['/proc/net/snmp'], signal),
          output(io, 'cat', ['/proc/net/netstat'], signal).catch((error: unknown) => {
            if (error instanceof NetError && error.failure.code === 'cancelled') throw error;
            return ''; // TcpExt is a bonus: the Tcp group alone still gives resets and retransmissions.
          }),
        ]);
        const counters = parseLinuxTcpCounters(snmp, netstat);
        return counters ? { counters } : { reason: '/proc/net/snmp has no Tcp counters' };
      }
      case 'win32': {
        const v4 = await output(io, 'netstat.exe', ['-s', '-p', 'tcp'], signal);
        const v6 = await output(io, 'netstat.exe', ['-s', '-p', 'tcpv6'], signal).catch((error: unknown) => {
          if (error instanceof NetError && error.failure.code === 'cancelled') throw error;
          return '';
        });
        const counters = parseWindowsTcpStats(`${v4}\n${v6}`);
        return counters
          ? {
              counters: {
                ...counters,
                source: v6 ? 'netstat -s -p tcp, netstat -s -p tcpv6' : counters.source,
              },
            }
          : {
              reason:
                'netstat -s printed no TCP statistics Reset Doctor can read (only English labels are known)',
            };
      }
      case 'darwin': {
        const counters = parseMacTcpStats(await output(io, 'netstat', ['-s', '-p', 'tcp'], signal));
        return counters ? { counters } : { reason: 'netstat -s -p tcp printed no TCP statistics' };
      }
      default:
        return {
          reason: `Reading TCP counters on ${platform} is not supported; it works on Linux, Windows and macOS.`,
        };
    }
  } catch (error) {
    if (!(error instanceof NetError) || error.failure.code === 'cancelled') throw error;
    return { reason: `The TCP counters could not be read: ${error.failure.message}` };
  }
}

/** The machine's TCP counters now, or null when this platform has none Reset Doctor can read. */
export async function readTcpCounters(
  ctx: ProbeContext,
  platform: string = process.platform,
): Promise<TcpCounters | null> {
  const read = await readFor(ctx, platform);
  return 'counters' in read ? read.counters : null;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** One sentence per counter that moved and bears on resets; the counter's own name in brackets. */
function highlightsOf(platform: string, delta: Record<string, number>): string[] {
  const lines: [string, (n: number) => string][] = [
    [
      'estabResets',
      (n) =>
        platform === 'win32'
          ? `${plural(n, 'connection was', 'connections were')} reset (Reset Connections)`
          : `${plural(n, 'established connection was', 'established connections were')} reset (EstabResets)`,
    ],
    ['outRsts', (n) => `${plural(n, 'reset was', 'resets were')} sent (OutRsts)`],
    [
      'drops',
      (n) => `${plural(n, 'connection was', 'connections were')} dropped (connections closed … drops)`,
    ],
    [
      'attemptFails',
      (n) =>
        `${plural(n, 'connection attempt', 'connection attempts')} failed (${platform === 'darwin' ? 'embryonic connections dropped' : platform === 'win32' ? 'Failed Connection Attempts' : 'AttemptFails'})`,
    ],
    [
      'abortOnTimeout',
      (n) =>
        `${plural(n, 'connection was', 'connections were')} given up after retransmitting (abort on timeout)`,
    ],
    [
      'abortOnData',
      (n) => `${plural(n, 'connection was', 'connections were')} aborted with data pending (TCPAbortOnData)`,
    ],
    [
      'abortOnClose',
      (n) => `${plural(n, 'connection was', 'connections were')} closed with unread data (TCPAbortOnClose)`,
    ],
    [
      'abortOnLinger',
      (n) => `${plural(n, 'connection was', 'connections were')} aborted by linger (TCPAbortOnLinger)`,
    ],
    [
      'abortOnMemory',
      (n) =>
        `${plural(n, 'connection was', 'connections were')} aborted for lack of memory (TCPAbortOnMemory)`,
    ],
    ['retransSegs', (n) => `${plural(n, 'segment was', 'segments were')} retransmitted`],
    ['listenOverflows', (n) => `${plural(n, 'listen queue overflow', 'listen queue overflows')}`],
  ];
  return lines.flatMap(([name, text]) => {
    const value = delta[name] ?? 0;
    return value > 0 ? [text(value)] : [];
  });
}

function summaryOf(platform: string, delta: Record<string, number>): string {
  const part = (name: string, text: (n: number) => string): string[] =>
    delta[name] === undefined ? [] : [text(delta[name])];
  const parts = [
    ...(platform === 'win32'
      ? part('estabResets', (n) => plural(n, 'connection reset', 'connections reset'))
      : part('estabResets', (n) =>
          plural(n, 'connection reset while established', 'connections reset while established'),
        )),
    ...part('outRsts', (n) => plural(n, 'reset sent', 'resets sent')),
    ...part('drops', (n) => plural(n, 'connection dropped', 'connections dropped')),
    ...part('attemptFails', (n) => plural(n, 'failed connection attempt', 'failed connection attempts')),
    ...part('retransSegs', (n) => plural(n, 'segment retransmitted', 'segments retransmitted')),
    ...part('abortOnTimeout', (n) => plural(n, 'abort on timeout', 'aborts on timeout')),
  ];
  return `During the run (machine-wide): ${parts.join(', ')}`;
}

const WARN_ON = [
  'estabResets',
  'outRsts',
  'drops',
  'attemptFails',
  'abortOnTimeout',
  'abortOnData',
  'abortOnClose',
  'abortOnLinger',
  'abortOnMemory',
];

/**
 * Two probes that share one reading: `tcpCountersBeforeProbe` notes the counters as the run starts, and
 * `tcpCountersProbe`, run at the end, reads them again and reports what grew. The second finds the first
 * reading in the run's results, so concurrent runs never mix their readings.
 */
export function createTcpCountersProbes(options: TcpCountersOptions = {}): TcpCountersProbes {
  const tcpCountersBeforeProbe: ProbeDefinition<TcpCountersSnapshotData> = {
    id: 'tcp-counters-before',
    title: 'TCP counters at the start',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      ctx.progress('Reading the TCP counters', null);
      const read = await readFor(ctx, platform);
      if ('reason' in read) return { status: 'skipped', reason: read.reason };
      const { counters } = read;
      const resets = counters.counters.estabResets;
      const retrans = counters.counters.retransSegs;
      const figures = [
        ...(resets === undefined ? [] : [`${resets} resets`]),
        ...(retrans === undefined ? [] : [`${retrans} retransmitted segments`]),
      ];
      return {
        status: 'complete',
        summary: `Noted the TCP counters (${counters.source})${figures.length ? `: ${figures.join(', ')} so far` : ''}`,
        assessment: 'ok',
        data: { platform, counters, atMs: ctx.env.now() },
      };
    },
  };

  const tcpCountersProbe: ProbeDefinition<TcpCountersData> = {
    id: 'tcp-counters',
    title: 'TCP counters during the run',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      const start = ctx.results.data(tcpCountersBeforeProbe);
      if (!start) {
        const earlier = ctx.results.get(tcpCountersBeforeProbe);
        const why =
          earlier?.skipReason ?? earlier?.failure?.message ?? 'they were not read at the start of the run';
        return { status: 'skipped', reason: `No TCP counters to compare with: ${why}` };
      }
      ctx.progress('Reading the TCP counters again', null);
      const read = await readFor(ctx, platform);
      if ('reason' in read) return { status: 'skipped', reason: read.reason };
      const before = start.counters;
      const after = read.counters;
      const delta = diffCounters(before, after);
      const highlights = highlightsOf(platform, delta);
      const troubled = WARN_ON.some((name) => (delta[name] ?? 0) > 0);
      return {
        status: 'complete',
        summary: summaryOf(platform, delta),
        assessment: troubled ? 'warn' : 'ok',
        data: { platform, before, after, delta, highlights, elapsedMs: ctx.env.now() - start.atMs },
      };
    },
  };

  return { tcpCountersBeforeProbe, tcpCountersProbe };
}

const probes = createTcpCountersProbes();
/** Run in the identify step: notes the machine's TCP counters as the run starts. */
export const tcpCountersBeforeProbe: ProbeDefinition<TcpCountersSnapshotData> = probes.tcpCountersBeforeProbe;
/** Run last, at the end of the handshake step: what the counters gained during the run. */
export const tcpCountersProbe: ProbeDefinition<TcpCountersData> = probes.tcpCountersProbe;
