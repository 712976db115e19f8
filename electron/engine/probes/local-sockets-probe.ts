import { NetError, type SystemIo } from '../net/engine-io.js';
import {
  parseLsofOutput,
  parseMacNetstat,
  parseNetTcpConnectionCsv,
  parseProcessList,
  parseSsOutput,
  parseWindowsNetstat,
  plainAddress,
  type LocalSocket,
} from '../parsers/socket-table-parser.js';
import type { ProbeDefinition } from '../runner/probe-types.js';
import { dnsProbe } from './dns-probe.js';
import type { ResolvedAddress } from '../net/engine-io.js';
import type { ProbeContext } from '../runner/probe-types.js';

export type { LocalSocket, TcpState } from '../parsers/socket-table-parser.js';

export interface SocketProcess {
  pid: number;
  name: string | null;
  connections: number;
  /** How many of its connections to the target are in each state. */
  states: Record<string, number>;
}

export interface LocalSocketsData {
  /** The command that listed the sockets, e.g. `ss -tanpie`. */
  tool: string;
  platform: string;
  /** Only the sockets whose remote end is the target's address and port. */
  sockets: LocalSocket[];
  processes: SocketProcess[];
  /** What the listing could not show (process names without root, other users' sockets). */
  note: string | null;
}

export interface LocalSocketsOptions {
  /** The operating system to act for; tests set it, the app uses process.platform. */
  platform?: string;
}

/** Listing the socket table is quick; PowerShell's start is the slowest part. */
export const SOCKET_TOOL_TIMEOUT_MS = 8000;

const GET_NET_TCP_CONNECTION =
  'Get-NetTCPConnection | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess | ConvertTo-Csv -NoTypeInformation';

interface Listing {
  tool: string;
  sockets: LocalSocket[];
}

interface Attempt {
  file: string;
  args: string[];
  parse(stdout: string): LocalSocket[];
  /** The table's heading: output without it and without a socket is not a listing the parser understood. */
  heading: RegExp;
  /** lsof exits 1 when it found nothing to list. */
  emptyCodes?: number[];
}

type Tried = { listing: Listing } | { missing: string } | { error: string };

function label(file: string, args: string[]): string {
  if (file === 'powershell.exe') return 'PowerShell Get-NetTCPConnection';
  return [file.replace(/\.exe$/, ''), ...args].join(' ');
}

async function attempt(io: SystemIo, tool: Attempt, signal: AbortSignal): Promise<Tried> {
  if ((await io.which(tool.file)) === null) return { missing: tool.file };
  try {
    const result = await io.run(tool.file, tool.args, { timeoutMs: SOCKET_TOOL_TIMEOUT_MS, signal });
    const empty = tool.emptyCodes?.includes(result.code ?? -1) && result.stdout.trim() === '';
    if (result.code !== 0 && !empty) {
      const detail = result.stderr.trim().split('\n')[0] ?? '';
      const how = result.code === null ? 'was stopped' : `exited with code ${result.code}`;
      return { error: `${label(tool.file, tool.args)} ${how}${detail ? `: ${detail}` : ''}` };
    }
    const sockets = tool.parse(result.stdout);
    if (sockets.length === 0 && !empty && !tool.heading.test(result.stdout)) {
      return { error: `the output of ${label(tool.file, tool.args)} could not be read` };
    }
    return { listing: { tool: label(tool.file, tool.args), sockets } };
  } catch (error) {
    if (!(error instanceof NetError) || error.failure.code === 'cancelled') throw error;
    if (error.failure.code === 'tool_missing') return { missing: tool.file };
    return { error: `${label(tool.file, tool.args)} failed: ${error.failure.message}` };
  }
}

function attemptsFor(platform: string): Attempt[] | null {
  switch (platform) {
    case 'linux':
      return [
        { file: 'ss', args: ['-tanpie'], parse: parseSsOutput, heading: /^(?:Netid\s+)?State\s+Recv-Q/m },
      ];
    case 'win32':
      return [
        {
          file: 'powershell.exe',
          args: ['-NoProfile', '-NonInteractive', '-Command', GET_NET_TCP_CONNECTION],
          parse: parseNetTcpConnectionCsv,
          heading: /"?LocalAddress"?,/,
        },
        { file: 'netstat.exe', args: ['-ano'], parse: parseWindowsNetstat, heading: /^\s*Proto\s/m },
      ];
    case 'darwin':
      return [
        {
          file: 'lsof',
          args: ['-nP', '-iTCP'],
          parse: parseLsofOutput,
          heading: /^COMMAND\s/m,
          emptyCodes: [1],
        },
        { file: 'netstat', args: ['-anv', '-p', 'tcp'], parse: parseMacNetstat, heading: /^Proto\s/m },
      ];
    default:
      return null;
  }
}

/** Windows tools give pids only: tasklist names them (without PowerShell's start-up time). */
async function nameWindowsProcesses(
  io: SystemIo,
  sockets: LocalSocket[],
  signal: AbortSignal,
): Promise<void> {
  if (!sockets.some((s) => s.pid !== null && s.process === null)) return;
  if ((await io.which('tasklist.exe')) === null) return;
  try {
    const result = await io.run('tasklist.exe', ['/fo', 'csv', '/nh'], {
      timeoutMs: SOCKET_TOOL_TIMEOUT_MS,
      signal,
    });
    if (result.code !== 0) return;
    const names = parseProcessList(result.stdout);
    for (const s of sockets) if (s.pid !== null) s.process = names.get(s.pid) ?? s.process;
  } catch (error) {
    if (!(error instanceof NetError) || error.failure.code === 'cancelled') throw error;
    // Names are a courtesy: the pids stay.
  }
}

function groupProcesses(sockets: LocalSocket[]): SocketProcess[] {
  const byPid = new Map<number, SocketProcess>();
  for (const s of sockets) {
    if (s.pid === null) continue;
    const entry = byPid.get(s.pid) ?? { pid: s.pid, name: s.process, connections: 0, states: {} };
    entry.connections += 1;
    entry.states[s.state] = (entry.states[s.state] ?? 0) + 1;
    byPid.set(s.pid, entry);
  }
  return [...byPid.values()].sort((a, b) => b.connections - a.connections || a.pid - b.pid);
}

function noteFor(platform: string, tool: string, sockets: LocalSocket[]): string | null {
  // TIME_WAIT sockets belong to no process anywhere: only a live socket without a pid says something.
  const unowned = sockets.filter((s) => s.pid === null && s.state !== 'TIME_WAIT').length;
  const shown = `${unowned} connection${unowned === 1 ? ' shows' : 's show'} no process`;
  if (platform === 'linux' && unowned > 0) {
    return `${shown}: ss names the processes of other users only when run as root`;
  }
  if (platform === 'darwin' && tool.startsWith('lsof')) {
    return 'lsof lists only the sockets of processes this user may inspect; run as root to see every process';
  }
  if (unowned > 0) return shown;
  return null;
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function statesText(states: Record<string, number>): string {
  return Object.entries(states)
    .map(([state, count]) => `${count} ${state}`)
    .join(', ');
}

function summaryOf(target: string, sockets: LocalSocket[], processes: SocketProcess[]): string {
  if (sockets.length === 0) return `No local connection to ${target} at the moment`;
  const who = processes
    .slice(0, 3)
    .map((p) => `${p.name ? `${p.name} (pid ${p.pid})` : `pid ${p.pid}`}: ${statesText(p.states)}`)
    .join('; ');
  const more = processes.length > 3 ? `; ${processes.length - 3} more processes` : '';
  const unowned = sockets.filter((s) => s.pid === null).length;
  const noOwner = unowned > 0 ? `${who ? '; ' : ''}${unowned} without a process` : '';
  const retransmitted = sockets.filter((s) => (s.retransmits ?? 0) > 0);
  const total = retransmitted.reduce((sum, s) => sum + (s.retransmits ?? 0), 0);
  const retrans =
    retransmitted.length > 0
      ? `; ${total} retransmission${total === 1 ? '' : 's'} on ${retransmitted.length} connection${retransmitted.length === 1 ? '' : 's'}`
      : '';
  const count = `${sockets.length} connection${sockets.length === 1 ? '' : 's'} to ${target}`;
  return `${count}: ${who}${more}${noOwner}${retrans}`;
}

export function createLocalSocketsProbe(
  options: LocalSocketsOptions = {},
): ProbeDefinition<LocalSocketsData> {
  return {
    id: 'local-sockets',
    title: 'Local connections to the target',
    async run(ctx) {
      const platform = options.platform ?? process.platform;
      const attempts = attemptsFor(platform);
      if (!attempts) {
        return {
          status: 'skipped',
          reason: `Listing local connections on ${platform} is not supported; it works on Linux, Windows and macOS.`,
        };
      }
      const addresses = (await targetAddresses(ctx)).map((a) => plainAddress(a.address));
      if (addresses.length === 0) return { status: 'skipped', reason: 'no address to look for' };

      ctx.progress('Listing the local TCP connections', null);
      const problems: string[] = [];
      let listing: Listing | null = null;
      for (const tool of attempts) {
        const tried = await attempt(ctx.env.io.system, tool, ctx.signal);
        if ('listing' in tried) {
          listing = tried.listing;
          break;
        }
        problems.push('missing' in tried ? `${tried.missing} is not installed` : tried.error);
      }
      if (!listing) {
        const tools = attempts.map((a) => a.file).join(' or ');
        const missing = problems.every((p) => p.endsWith('is not installed'));
        return {
          status: 'skipped',
          reason: missing
            ? `${tools} is needed to list the local connections and is not installed.`
            : `The local connections could not be listed: ${problems.join('; ')}.`,
        };
      }

      const port = ctx.env.target.port;
      const wanted = new Set(addresses);
      const sockets = listing.sockets.filter(
        (s) => s.remotePort === port && wanted.has(plainAddress(s.remoteAddress)),
      );
      if (platform === 'win32') await nameWindowsProcesses(ctx.env.io.system, sockets, ctx.signal);
      const processes = groupProcesses(sockets);
      const others =
        addresses.length > 1
          ? ` and ${addresses.length - 1} more address${addresses.length > 2 ? 'es' : ''}`
          : '';
      const target = `${endpoint(addresses[0] ?? '', port)}${others}`;
      const troubled = sockets.some((s) => s.state === 'CLOSE_WAIT' || (s.retransmits ?? 0) > 0);
      return {
        status: 'complete',
        summary: summaryOf(target, sockets, processes),
        assessment: troubled ? 'warn' : 'ok',
        data: {
          tool: listing.tool,
          platform,
          sockets,
          processes,
          note: noteFor(platform, listing.tool, sockets),
        },
      };
    },
  };
}

/**
 * Lists this machine's TCP sockets whose remote end is the target, and names the processes that hold
 * them: a connection stuck in CLOSE_WAIT (the peer closed, the application did not) or one that keeps
 * retransmitting is a local clue to the resets.
 */
export const localSocketsProbe: ProbeDefinition<LocalSocketsData> = createLocalSocketsProbe();

/**
 * This probe runs first, before the run's own connections exist, so it resolves the name itself when
 * the DNS probe has not run yet (the system resolver answers a second lookup from its cache).
 */
async function targetAddresses(ctx: ProbeContext): Promise<ResolvedAddress[]> {
  const known = ctx.results.data(dnsProbe)?.addresses;
  if (known) return known;
  const { hostAscii, ipVersion } = ctx.env.target;
  if (ipVersion) return [{ address: hostAscii, family: ipVersion }];
  return ctx.env.io.dns.lookup(hostAscii, ctx.signal).catch(() => []);
}
