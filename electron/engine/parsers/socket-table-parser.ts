/**
 * Pure parsers for the local TCP socket tables of Linux (`ss`), Windows (`Get-NetTCPConnection` as CSV,
 * `netstat -ano`, `tasklist` / `Get-Process` for process names) and macOS (`lsof -nP -iTCP`,
 * `netstat -anv -p tcp`). Every parser returns the same `LocalSocket` shape; what a tool does not show is null.
 */
import { ownValue } from '../../shared/data-guards.js';

export type TcpState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'CLOSING'
  | 'LISTEN'
  | 'CLOSED'
  | 'UNKNOWN';

export interface LocalSocket {
  protocol: 'tcp';
  /** As the tool printed it, without brackets; an IPv6 scope stays (`fe80::1%eth0`); `*` for any. */
  localAddress: string;
  /** Null when the tool prints `*` (no port). */
  localPort: number | null;
  remoteAddress: string;
  remotePort: number | null;
  state: TcpState;
  pid: number | null;
  process: string | null;
  /** Smoothed round-trip time (ss only). */
  rttMs: number | null;
  /** Segments retransmitted over the connection's life (ss only). */
  retransmits: number | null;
  bytesSent: number | null;
  bytesReceived: number | null;
  /** Bytes the peer acknowledged (ss only; the kernel counts the SYN, this does not). */
  bytesAcked: number | null;
  /** Segments sent and not yet acknowledged (ss only; 0 when ss leaves the field out). */
  unacked: number | null;
  /** Milliseconds since the last data received (ss -i `lastrcv`), when ss gives it. */
  lastReceiveMs?: number;
  /** Milliseconds since the last ACK received, and since the last segment sent (ss -i `lastack`, `lastsnd`). */
  lastAckMs?: number;
  lastSendMs?: number;
  /**
   * The retransmission timer (ss -i `rto`, ms) and how many times in a row it ran out unanswered
   * (`backoff`, 0 when ss leaves it out): each time doubles the timer.
   */
  rtoMs?: number;
  backoff?: number;
  /** Retransmitted segments not yet acknowledged (the first figure of ss -i `retrans:1/5`). */
  retransmitsOut?: number;
}

export interface Endpoint {
  address: string;
  port: number | null;
}

const STATES: Record<string, TcpState> = {
  ESTAB: 'ESTABLISHED',
  ESTABLISHED: 'ESTABLISHED',
  SYNSENT: 'SYN_SENT',
  SYNRECV: 'SYN_RECV',
  SYNRECEIVED: 'SYN_RECV',
  SYNRCVD: 'SYN_RECV',
  FINWAIT1: 'FIN_WAIT1',
  FINWAIT2: 'FIN_WAIT2',
  TIMEWAIT: 'TIME_WAIT',
  CLOSEWAIT: 'CLOSE_WAIT',
  LASTACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  LISTEN: 'LISTEN',
  LISTENING: 'LISTEN',
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
  // ss: a TCP socket that is neither listening nor connected.
  UNCONN: 'CLOSED',
  // Get-NetTCPConnection: a block being freed, and a socket bound but not connected.
  DELETETCB: 'CLOSED',
  BOUND: 'CLOSED',
  // netstat -ano on a German Windows translates the states.
  ABHÖREN: 'LISTEN',
  HERGESTELLT: 'ESTABLISHED',
  WARTEND: 'TIME_WAIT',
  SCHLIESSENWARTEN: 'CLOSE_WAIT',
};

/** MSFT_NetTCPConnection.State when PowerShell prints the number (MIB_TCP_STATE). */
const NUMBERED_STATES: Record<string, TcpState> = {
  '1': 'CLOSED',
  '2': 'LISTEN',
  '3': 'SYN_SENT',
  '4': 'SYN_RECV',
  '5': 'ESTABLISHED',
  '6': 'FIN_WAIT1',
  '7': 'FIN_WAIT2',
  '8': 'CLOSE_WAIT',
  '9': 'CLOSING',
  '10': 'LAST_ACK',
  '11': 'TIME_WAIT',
  '12': 'CLOSED',
  '100': 'CLOSED',
};

/** ss `ESTAB`/`FIN-WAIT-1`, netstat `FIN_WAIT_1`/`LISTENING`, PowerShell `FinWait1`/`TimeWait` → one name. */
export function normalizeState(text: string): TcpState {
  const trimmed = text.trim();
  const numbered = ownValue(NUMBERED_STATES, trimmed);
  if (numbered) return numbered;
  return ownValue(STATES, trimmed.toUpperCase().replace(/[-_\s]/g, '')) ?? 'UNKNOWN';
}

function toPort(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}

/**
 * `127.0.0.1:80`, `*:*`, `[::1]:443`, `[::ffff:1.2.3.4]:443`, `[fe80::1]%eth0:22` (ss puts the scope after
 * the bracket), `[fe80::1%12]:445` (Windows), `0.0.0.0:*`, and old ss's unbracketed `::ffff:1.2.3.4:80`.
 */
export function parseEndpoint(text: string): Endpoint | null {
  const value = text.trim();
  if (value === '') return null;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return null;
    let address = value.slice(1, close);
    let rest = value.slice(close + 1);
    const scope = /^%([^:]+)/.exec(rest);
    if (scope) {
      address = `${address}%${scope[1]}`;
      rest = rest.slice(scope[0].length);
    }
    if (!rest.startsWith(':')) return null;
    return { address, port: toPort(rest.slice(1)) };
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0) return null;
  return { address: value.slice(0, colon), port: toPort(value.slice(colon + 1)) };
}

/** macOS netstat: `192.168.1.20.58812`, `fe80::1%lo0.1024`, `*.443`, `*.*` (the port follows the last dot). */
export function parseDottedEndpoint(text: string): Endpoint | null {
  const value = text.trim();
  const dot = value.lastIndexOf('.');
  if (dot < 0) return null;
  return { address: value.slice(0, dot), port: toPort(value.slice(dot + 1)) };
}

/** The address to compare: no scope, IPv4-mapped IPv6 as IPv4, IPv6 in its canonical short form. */
export function plainAddress(address: string): string {
  const unscoped = address.split('%')[0]?.toLowerCase() ?? '';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(unscoped);
  if (mapped?.[1]) return mapped[1];
  if (!unscoped.includes(':')) return unscoped;
  try {
    return new URL(`http://[${unscoped}]/`).hostname.slice(1, -1);
  } catch {
    return unscoped;
  }
}

function socket(local: Endpoint, remote: Endpoint, state: TcpState): LocalSocket {
  return {
    protocol: 'tcp',
    localAddress: local.address,
    localPort: local.port,
    remoteAddress: remote.address,
    remotePort: remote.port,
    state,
    pid: null,
    process: null,
    rttMs: null,
    retransmits: null,
    bytesSent: null,
    bytesReceived: null,
    bytesAcked: null,
    unacked: null,
  };
}

function lines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** A figure as the tool printed it; null for none, and for one too long to be a number (400 digits). */
function figure(text: string | undefined): number | null {
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) ? value : null;
}

function numberField(info: string, name: string): number | null {
  return figure(new RegExp(`(?:^|\\s)${name}:(\\d+(?:\\.\\d+)?)`).exec(info)?.[1]);
}

/** Reads ss's per-socket info line (`-i`): rtt, retransmissions and byte counts. */
function applySsInfo(target: LocalSocket, info: string): void {
  const rtt = /(?:^|\s)rtt:(\d+(?:\.\d+)?)\//.exec(info);
  if (rtt?.[1] !== undefined) target.rttMs = figure(rtt[1]);
  // retrans:<unacknowledged retransmissions>/<total>; ss leaves the field out while both are 0.
  const retrans = /(?:^|\s)retrans:(\d+)\/(\d+)/.exec(info);
  target.retransmits = retrans?.[2] !== undefined ? figure(retrans[2]) : 0;
  target.retransmitsOut = figure(retrans?.[1]) ?? 0;
  target.backoff = numberField(info, 'backoff') ?? 0;
  const rto = numberField(info, 'rto');
  if (rto !== null) target.rtoMs = rto;
  target.bytesSent = numberField(info, 'bytes_sent');
  target.bytesReceived = numberField(info, 'bytes_received');
  const acked = numberField(info, 'bytes_acked');
  target.bytesAcked = acked === null ? null : Math.max(0, acked - 1);
  target.unacked = numberField(info, 'unacked') ?? 0;
  const lastReceive = numberField(info, 'lastrcv');
  if (lastReceive !== null) target.lastReceiveMs = lastReceive;
  const lastAck = numberField(info, 'lastack');
  if (lastAck !== null) target.lastAckMs = lastAck;
  const lastSend = numberField(info, 'lastsnd');
  if (lastSend !== null) target.lastSendMs = lastSend;
}

/** `users:(("curl",pid=123,fd=5),("curl",pid=124,fd=5))`: the first process that holds the socket. */
function applySsUsers(target: LocalSocket, line: string): void {
  const user = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(line);
  if (!user?.[1] || user[2] === undefined) return;
  target.process = user[1];
  target.pid = pidOf(user[2]);
}

/**
 * `ss -tanpie` / `ss -tanpi` / `ss -tan`: one line per socket (state, queues, local, peer, process and `-e`
 * details), then with `-i` an indented line of TCP info. Lines that are not sockets are skipped.
 */
export function parseSsOutput(text: string): LocalSocket[] {
  const sockets: LocalSocket[] = [];
  let last: LocalSocket | null = null;
  for (const line of lines(text)) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (last) applySsInfo(last, line.trim());
      last = null;
      continue;
    }
    const fields = line.trim().split(/\s+/);
    // With several socket kinds ss adds a Netid column first.
    if (fields[0] === 'tcp' || fields[0] === 'Netid') fields.shift();
    const [stateText, recvQ, sendQ, localText, peerText] = fields;
    if (!stateText || !/^\d+$/.test(recvQ ?? '') || !/^\d+$/.test(sendQ ?? '')) continue;
    const local = parseEndpoint(localText ?? '');
    const peer = parseEndpoint(peerText ?? '');
    if (!local || !peer) continue;
    last = socket(local, peer, normalizeState(stateText));
    applySsUsers(last, line);
    sockets.push(last);
  }
  return sockets;
}

/** Splits one CSV line (RFC 4180 quoting, as ConvertTo-Csv and tasklist write it). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  cells.push(cell);
  return cells;
}

function csvRows(text: string): string[][] {
  return lines(text)
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map(splitCsvLine);
}

function pidOf(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  const pid = Number(text.trim());
  // Windows gives TIME_WAIT sockets, which belong to no process, the pid 0 of System Idle. A number beyond
  // 2^53 is no process id either (and would not come back the same).
  return pid === 0 || !Number.isSafeInteger(pid) ? null : pid;
}

/**
 * `Get-NetTCPConnection | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess
 * | ConvertTo-Csv -NoTypeInformation`. Columns are found by their header, in any order.
 */
export function parseNetTcpConnectionCsv(text: string): LocalSocket[] {
  const [header, ...rows] = csvRows(text);
  if (!header) return [];
  const column = (name: string): number => header.findIndex((h) => h.trim().toLowerCase() === name);
  const at = {
    localAddress: column('localaddress'),
    localPort: column('localport'),
    remoteAddress: column('remoteaddress'),
    remotePort: column('remoteport'),
    state: column('state'),
    pid: column('owningprocess'),
  };
  if (Object.values(at).some((index) => index < 0)) return [];
  return rows.flatMap((row) => {
    const cell = (index: number): string => (row[index] ?? '').trim();
    if (row.length < header.length) return [];
    const local = { address: cell(at.localAddress), port: toPort(cell(at.localPort)) };
    const remote = { address: cell(at.remoteAddress), port: toPort(cell(at.remotePort)) };
    const entry = socket(local, remote, normalizeState(cell(at.state)));
    entry.pid = pidOf(cell(at.pid));
    return [entry];
  });
}

/** Windows `netstat -ano`: `TCP  local  foreign  STATE  PID`; UDP rows and headings are skipped. */
export function parseWindowsNetstat(text: string): LocalSocket[] {
  return lines(text).flatMap((line) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0]?.toUpperCase() !== 'TCP' || fields.length < 4) return [];
    const local = parseEndpoint(fields[1] ?? '');
    const remote = parseEndpoint(fields[2] ?? '');
    if (!local || !remote) return [];
    const entry = socket(local, remote, normalizeState(fields[3] ?? ''));
    entry.pid = pidOf(fields[4]);
    return [entry];
  });
}

/**
 * Process names by pid, from `tasklist /fo csv /nh` (`"curl.exe","7312","Console","1","9,876 K"`) or from
 * `Get-Process | Select-Object Id,ProcessName | ConvertTo-Csv -NoTypeInformation` (a header names the columns).
 */
export function parseProcessList(text: string): Map<number, string> {
  const rows = csvRows(text);
  const names = new Map<number, string>();
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  let nameAt = 0;
  let pidAt = 1;
  if (header.includes('id')) {
    pidAt = header.indexOf('id');
    nameAt = header.includes('processname') ? header.indexOf('processname') : header.indexOf('name');
    rows.shift();
  } else if (header.includes('pid')) {
    pidAt = header.indexOf('pid');
    nameAt = header.findIndex((h) => h === 'image name' || h === 'name');
    rows.shift();
  }
  if (nameAt < 0) return names;
  for (const row of rows) {
    const pid = pidOf(row[pidAt]);
    const name = row[nameAt]?.trim();
    if (pid !== null && name) names.set(pid, name);
  }
  return names;
}

/** lsof writes unprintable and space characters in command names as `\xNN`. */
function unescapeLsof(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * macOS `lsof -nP -iTCP` (with or without `-sTCP:^LISTEN`): `COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE
 * NAME`, NAME being `local->remote (STATE)` or `local (LISTEN)`. The command is cut to 9 characters by lsof.
 */
export function parseLsofOutput(text: string): LocalSocket[] {
  return lines(text).flatMap((line) => {
    const match = /^(\S+)\s+(\d+)\s+.*?\sTCP\s+(\S+?)(?:->(\S+))?\s+\(([^)]+)\)\s*$/.exec(line);
    if (!match) return [];
    const [, command = '', pid = '', localText = '', remoteText, stateText = ''] = match;
    const local = parseEndpoint(localText);
    const remote = remoteText ? parseEndpoint(remoteText) : { address: '*', port: null };
    if (!local || !remote) return [];
    const entry = socket(local, remote, normalizeState(stateText));
    entry.pid = pidOf(pid);
    entry.process = unescapeLsof(command);
    return [entry];
  });
}

/**
 * macOS `netstat -anv -p tcp`. The columns after the state are found by the header, which differs between
 * releases: up to macOS 15 `... rxbytes txbytes rhiwat shiwat pid epid ...`, since macOS 26
 * `... rhiwat shiwat process:pid ...` where the name (cut to 16 characters) may hold spaces.
 */
export function parseMacNetstat(text: string): LocalSocket[] {
  const all = lines(text);
  const headerLine = all.find((line) => line.startsWith('Proto') && line.includes('(state)')) ?? '';
  const afterState = headerLine
    .slice(headerLine.indexOf('(state)') + '(state)'.length)
    .trim()
    .split(/\s+/);
  const processAt = afterState.indexOf('process:pid');
  const pidAt = afterState.indexOf('pid');
  const rxAt = afterState.indexOf('rxbytes');
  const txAt = afterState.indexOf('txbytes');
  return all.flatMap((line) => {
    const match = /^(tcp(?:4|6|46)?)\s+\d+\s+\d+\s+(\S+)\s+(\S+)\s+([A-Z_0-9]+)\s+(.*)$/.exec(line);
    if (!match) return [];
    const [, , localText = '', remoteText = '', stateText = '', rest = ''] = match;
    const local = parseDottedEndpoint(localText);
    const remote = parseDottedEndpoint(remoteText);
    if (!local || !remote) return [];
    const entry = socket(local, remote, normalizeState(stateText));
    const fields = rest.trim().split(/\s+/);
    const numberAt = (index: number): number | null =>
      index >= 0 && /^\d+$/.test(fields[index] ?? '') ? figure(fields[index]) : null;
    entry.bytesReceived = numberAt(rxAt);
    entry.bytesSent = numberAt(txAt);
    if (processAt >= 0) {
      // The fields before process:pid are plain numbers; the name may hold spaces, the pid follows a colon.
      const skip = new RegExp(`^(?:\\S+\\s+){${processAt}}`);
      const owner = /^(.*?):(\d+)(?:\s|$)/.exec(rest.trim().replace(skip, ''));
      if (owner?.[1] !== undefined && owner[2] !== undefined) {
        entry.process = owner[1].trim() || null;
        entry.pid = pidOf(owner[2]);
      }
    } else {
      entry.pid = pidOf(pidAt >= 0 ? fields[pidAt] : undefined);
    }
    return [entry];
  });
}
