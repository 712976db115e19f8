/**
 * Pure parsers for the machine's TCP counters: Linux `/proc/net/snmp` and `/proc/net/netstat`, and the
 * `netstat -s -p tcp` of Windows and macOS. Each platform's counters are named in one vocabulary so a delta
 * reads the same everywhere; a counter the platform does not keep is absent, never 0.
 */
import { ownValue } from '../../shared/data-guards.js';

export type TcpCounterName =
  /** Connections this machine opened (SYN sent): Linux ActiveOpens, Windows Active Opens, macOS connection requests. */
  | 'activeOpens'
  /** Connections accepted. */
  | 'passiveOpens'
  /** Connection attempts that failed (Linux AttemptFails, Windows Failed Connection Attempts, macOS embryonic drops). */
  | 'attemptFails'
  /** Established (or close-wait) connections that were reset, by either side: Linux EstabResets, Windows Reset Connections. */
  | 'estabResets'
  /** Segments sent with RST (Linux OutRsts). */
  | 'outRsts'
  /** Segments retransmitted (Linux RetransSegs, Windows Segments Retransmitted, macOS data packets retransmitted). */
  | 'retransSegs'
  /** Segments received in error (Linux InErrs). */
  | 'inErrs'
  /** Connections closed after too many retransmissions (Linux TCPAbortOnTimeout, macOS dropped by rexmit timeout). */
  | 'abortOnTimeout'
  /** Connections reset because data arrived after close, or the app closed with data unread, or lingered. */
  | 'abortOnData'
  | 'abortOnClose'
  | 'abortOnLinger'
  | 'abortOnMemory'
  /** Retransmission timer expiries (Linux TCPTimeouts, macOS retransmit timeouts). */
  | 'timeouts'
  /** SYNs retransmitted (Linux TCPSynRetrans). */
  | 'synRetrans'
  /** Connections dropped, by resets and timeouts alike (macOS "connections closed (including N drops)"). */
  | 'drops'
  /** Connections dropped by keepalive (macOS). */
  | 'keepaliveDrops'
  /** RSTs that did not fit a connection (macOS bad resets). */
  | 'badResets'
  | 'listenOverflows'
  | 'listenDrops';

export type CounterValues = Partial<Record<TcpCounterName, number>>;

export interface TcpCounters {
  platform: string;
  /** What was read: `/proc/net/snmp, /proc/net/netstat` or `netstat -s -p tcp`. */
  source: string;
  /** Cumulative since boot (or since the network namespace was made). */
  counters: CounterValues;
  /** Connections established at the moment of reading: a gauge, so never part of a delta. */
  currentConnections: number | null;
}

/** Reads the `Name: k1 k2 ...` / `Name: v1 v2 ...` line pairs of /proc/net/snmp and /proc/net/netstat. */
export function parseProcNetPairs(text: string): Map<string, Map<string, number>> {
  const groups = new Map<string, Map<string, number>>();
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [nameGroup, ...names] = (lines[i] ?? '').trim().split(/\s+/);
    const [valueGroup, ...values] = (lines[i + 1] ?? '').trim().split(/\s+/);
    if (!nameGroup?.endsWith(':') || nameGroup !== valueGroup) {
      // Out of step: realign on the next line.
      i -= 1;
      continue;
    }
    const group = new Map<string, number>();
    names.forEach((name, index) => {
      const value = Number(values[index]);
      if (Number.isFinite(value)) group.set(name, value);
    });
    groups.set(nameGroup.slice(0, -1), group);
  }
  return groups;
}

const LINUX_TCP: [string, TcpCounterName][] = [
  ['ActiveOpens', 'activeOpens'],
  ['PassiveOpens', 'passiveOpens'],
  ['AttemptFails', 'attemptFails'],
  ['EstabResets', 'estabResets'],
  ['OutRsts', 'outRsts'],
  ['RetransSegs', 'retransSegs'],
  ['InErrs', 'inErrs'],
];

const LINUX_TCP_EXT: [string, TcpCounterName][] = [
  ['TCPAbortOnTimeout', 'abortOnTimeout'],
  ['TCPAbortOnData', 'abortOnData'],
  ['TCPAbortOnClose', 'abortOnClose'],
  ['TCPAbortOnLinger', 'abortOnLinger'],
  ['TCPAbortOnMemory', 'abortOnMemory'],
  ['TCPTimeouts', 'timeouts'],
  ['TCPSynRetrans', 'synRetrans'],
  ['ListenOverflows', 'listenOverflows'],
  ['ListenDrops', 'listenDrops'],
];

/** Linux: the Tcp group of /proc/net/snmp and the TcpExt group of /proc/net/netstat. Null without a Tcp group. */
export function parseLinuxTcpCounters(snmp: string, netstat: string): TcpCounters | null {
  const tcp = parseProcNetPairs(snmp).get('Tcp');
  if (!tcp) return null;
  const ext = parseProcNetPairs(netstat).get('TcpExt');
  const counters: CounterValues = {};
  for (const [from, to] of LINUX_TCP) {
    const value = tcp.get(from);
    if (value !== undefined) counters[to] = value;
  }
  for (const [from, to] of LINUX_TCP_EXT) {
    const value = ext?.get(from);
    if (value !== undefined) counters[to] = value;
  }
  return {
    platform: 'linux',
    source: ext ? '/proc/net/snmp, /proc/net/netstat' : '/proc/net/snmp',
    counters,
    currentConnections: tcp.get('CurrEstab') ?? null,
  };
}

const WINDOWS_LABELS: Record<string, TcpCounterName | 'current'> = {
  'active opens': 'activeOpens',
  'passive opens': 'passiveOpens',
  'failed connection attempts': 'attemptFails',
  'reset connections': 'estabResets',
  'segments retransmitted': 'retransSegs',
  'current connections': 'current',
};

/**
 * Windows `netstat -s -p tcp` (and `-p tcpv6`): `  Active Opens   = 25841` lines under "TCP Statistics for
 * IPv4/IPv6". Several sections (IPv4 and IPv6 outputs joined) are added up. Only English labels are known:
 * a translated Windows gives null.
 */
export function parseWindowsTcpStats(text: string): TcpCounters | null {
  const counters: CounterValues = {};
  let current: number | null = null;
  let found = false;
  for (const line of text.split(/\r?\n/)) {
    // Split at the "=" rather than /^\s*([A-Za-z][A-Za-z ]*?)\s*=/: on a label followed by a long run of
    // spaces and no "=", the lazy label and the spaces try every split of the run (quadratic).
    const eq = line.indexOf('=');
    const label = line.slice(0, eq).trim();
    const value = Number(line.slice(eq + 1).trim() || NaN);
    if (eq < 0 || !/^[A-Za-z][A-Za-z ]*$/.test(label) || !/^\s*\d+\s*$/.test(line.slice(eq + 1))) continue;
    const name = ownValue(WINDOWS_LABELS, label.toLowerCase());
    if (!name || !Number.isFinite(value)) continue;
    found = true;
    if (name === 'current') current = (current ?? 0) + value;
    else counters[name] = (counters[name] ?? 0) + value;
  }
  if (!found) return null;
  return { platform: 'win32', source: 'netstat -s -p tcp', counters, currentConnections: current };
}

const MAC_LINES: [RegExp, TcpCounterName][] = [
  [/^(\d+) connection requests?$/, 'activeOpens'],
  [/^(\d+) connection accepts?$/, 'passiveOpens'],
  [/^(\d+) embryonic connections? dropped$/, 'attemptFails'],
  [/^\d+ connections? closed \(including (\d+) drops?\)$/, 'drops'],
  [/^(\d+) data packets? \(\d+ bytes?\) retransmitted$/, 'retransSegs'],
  [/^(\d+) retransmit timeouts?$/, 'timeouts'],
  [/^(\d+) connections? dropped by rexmit timeout$/, 'abortOnTimeout'],
  [/^(\d+) connections? dropped by keepalive$/, 'keepaliveDrops'],
  [/^(\d+) bad resets?$/, 'badResets'],
  [/^(\d+) listen queue overflows?$/, 'listenOverflows'],
];

/** macOS `netstat -s -p tcp`: the lines of network_cmds' tcp_stats(). */
export function parseMacTcpStats(text: string): TcpCounters | null {
  const counters: CounterValues = {};
  let found = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    for (const [pattern, name] of MAC_LINES) {
      const match = pattern.exec(line);
      if (match?.[1] === undefined || counters[name] !== undefined) continue;
      const value = Number(match[1]);
      if (!Number.isFinite(value)) continue;
      counters[name] = value;
      found = true;
    }
  }
  if (!found) return null;
  return { platform: 'darwin', source: 'netstat -s -p tcp', counters, currentConnections: null };
}

/**
 * What changed between two readings, for each counter both readings have. A counter that went down (a
 * 32-bit Windows counter wrapped, or the stack restarted) has no meaningful figure and is left out.
 */
export function diffCounters(before: TcpCounters, after: TcpCounters): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [name, value] of Object.entries(after.counters)) {
    const earlier = before.counters[name as TcpCounterName];
    if (earlier === undefined || value < earlier) continue;
    delta[name] = value - earlier;
  }
  return delta;
}
