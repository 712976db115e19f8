import type { EchoRequest, EchoResult, IcmpIo, SystemIo } from './engine-io.js';
import { NetError } from './engine-io.js';
import type { RawNetwork } from './raw-network.js';

/**
 * The ICMP a run uses: net-ping over raw sockets when it has them, else the system's ping tool (installed
 * with the capability), else none.
 */
export async function icmpIoFor(raw: RawNetwork | null, system: SystemIo): Promise<IcmpIo | null> {
  if (raw) return raw.createNetPingIo();
  const ping = await system.which('ping');
  return ping ? createSystemPingIo(system, ping) : null;
}

/**
 * ICMP echo through the system's ping tool, for runs without raw-socket privileges: ping is installed
 * with the capability (or uses unprivileged ICMP sockets), so it can do what net-ping cannot here.
 * One process per echo keeps TTL, size and DF per request, as the raw-socket implementation does.
 */
export function createSystemPingIo(system: SystemIo, pingPath: string): IcmpIo {
  return {
    method: 'system-ping',
    async echo(request, signal) {
      const started = process.hrtime.bigint();
      const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
      const result = await system
        .run(pingPath, pingArgs(request), { timeoutMs: request.timeoutMs + 2000, signal })
        .catch((error: unknown) => {
          if (error instanceof NetError) throw error;
          return { code: 2, stdout: '', stderr: String(error) };
        });
      return parsePingOutput(`${result.stdout}\n${result.stderr}`, request.address, elapsed());
    },
    async series(request, count, intervalMs, signal) {
      const timeoutMs = request.timeoutMs + count * intervalMs + 2000;
      const result = await system
        .run(pingPath, seriesArgs(request, count, intervalMs), { timeoutMs, signal })
        .catch((error: unknown) => {
          if (error instanceof NetError) throw error;
          return null;
        });
      return result === null
        ? null
        : parsePingSeries(`${result.stdout}\n${result.stderr}`, request.address, count);
    },
    close() {},
  };
}

/** One process for the whole series: `ping -c 20 -i 0.015` (iputils lets any user go down to 2 ms). */
export function seriesArgs(request: EchoRequest, count: number, intervalMs: number): string[] {
  const one = pingArgs(request);
  const at = one.indexOf('-c');
  one.splice(at, 2, '-c', String(count), '-i', (intervalMs / 1000).toFixed(3));
  return one;
}

/**
 * Each echo's outcome by its icmp_seq (1 to count); a sequence number with no line got no answer. Null
 * when ping printed no per-echo line and no summary, that is, it refused to run (an interval this
 * system's ping does not allow a user, an unknown option): the caller then sends echoes one by one.
 */
export function parsePingSeries(output: string, target: string, count: number): EchoResult[] | null {
  const results: EchoResult[] = Array.from({ length: count }, () => ({
    kind: 'timeout',
    from: null,
    rttMs: 0,
  }));
  let seen = false;
  for (const line of output.split('\n')) {
    const seq = /icmp_seq=(\d{1,6})/.exec(line);
    if (!seq) continue;
    const i = Number(seq[1]) - 1;
    if (i < 0 || i >= count) continue;
    const read = parsePingOutput(line, target, 0);
    if (read.kind === 'error') continue;
    results[i] = read;
    seen = true;
  }
  // A DF echo larger than the MTU this machine already knows never leaves it: ping says so without a
  // sequence number, for every echo.
  const local = /local error: message too long, mtu\s*=\s*(\d+)/i.exec(output);
  if (local) {
    const tooBig: EchoResult = { kind: 'too-big', from: null, rttMs: 0, mtu: Number(local[1]) };
    for (let i = 0; i < count; i++) if (results[i]?.kind === 'timeout') results[i] = { ...tooBig };
    seen = true;
  }
  if (!seen && !/\d+ packets transmitted/.test(output)) return null;
  return results;
}

export function pingArgs(request: EchoRequest): string[] {
  const args = [
    request.family === 6 ? '-6' : '-4',
    '-n',
    '-c',
    '1',
    '-W',
    (request.timeoutMs / 1000).toFixed(3),
  ];
  if (request.ttl !== undefined) args.push('-t', String(request.ttl));
  if (request.size !== undefined) args.push('-s', String(request.size));
  if (request.dontFragment) args.push('-M', 'do');
  args.push(request.address);
  return args;
}

/** Reads one echo's outcome from iputils ping output. */
export function parsePingOutput(output: string, target: string, elapsedMs: number): EchoResult {
  const reply = /bytes from ([^\s:]+):? .*?ttl=(\d+) time=([\d.]+) ms/.exec(output);
  if (reply)
    return { kind: 'reply', from: reply[1] ?? target, rttMs: Number(reply[3]), replyTtl: Number(reply[2]) };
  const from = /From ([^\s:]+)(?: icmp_seq=\d+)? (.*)/i.exec(output);
  if (from) {
    const text = from[2] ?? '';
    if (/time to live exceeded/i.test(text))
      return { kind: 'time-exceeded', from: from[1]!, rttMs: elapsedMs };
    const mtu = /mtu\s*=\s*(\d+)/i.exec(text);
    if (/frag needed|packet too big/i.test(text)) {
      return { kind: 'too-big', from: from[1]!, rttMs: elapsedMs, ...(mtu ? { mtu: Number(mtu[1]) } : {}) };
    }
    if (/unreachable|prohibited|filtered/i.test(text)) {
      return { kind: 'unreachable', from: from[1]!, rttMs: elapsedMs, message: text.trim() };
    }
  }
  const local = /local error: message too long, mtu\s*=\s*(\d+)/i.exec(output);
  if (local) return { kind: 'too-big', from: null, rttMs: elapsedMs, mtu: Number(local[1]) };
  if (/(\d+) received|100% packet loss/.test(output))
    return { kind: 'timeout', from: null, rttMs: elapsedMs };
  return {
    kind: 'error',
    from: null,
    rttMs: elapsedMs,
    message: output.trim().split('\n', 1)[0] ?? 'ping failed',
  };
}
