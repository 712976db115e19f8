import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetError, type CommandResult, type SystemIo } from '../net/engine-io.js';
import type { ProbeContext } from '../runner/probe-types.js';
import {
  createLocalSocketsProbe,
  localSocketsProbe,
  SOCKET_TOOL_TIMEOUT_MS,
  type LocalSocketsData,
} from './local-sockets-probe.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../parsers/fixtures/sockets/${name}`, import.meta.url), 'utf8');
}

type Reply = Partial<CommandResult> | NetError;

/** Answers each command line (`file arg arg`) with recorded output; tools without a reply are not installed. */
function fakeSystem(replies: Record<string, Reply>): { system: SystemIo; calls: string[][] } {
  const calls: string[][] = [];
  const installed = new Set(Object.keys(replies).map((key) => key.split(' ')[0]));
  const system: SystemIo = {
    async which(file) {
      return installed.has(file) ? `/usr/bin/${file}` : null;
    },
    async run(file, args, options) {
      expect(options.timeoutMs).toBe(SOCKET_TOOL_TIMEOUT_MS);
      calls.push([file, ...args]);
      const reply = replies[[file, ...args].join(' ')];
      if (reply === undefined) throw new Error(`${file} ${args.join(' ')} has no reply`);
      if (reply instanceof NetError) throw reply;
      return { code: 0, stdout: '', stderr: '', ...reply };
    },
  };
  return { system, calls };
}

interface Dns {
  addresses: { address: string; family: 4 | 6 }[];
}

const DNS: Dns = { addresses: [{ address: '198.18.4.2', family: 4 }] };

function context(system: SystemIo, options: { dns?: Dns | null; port?: number } = {}): ProbeContext {
  const dns = options.dns === undefined ? DNS : options.dns;
  // Without the DNS probe's answer the probe looks the name up itself: here the name does not resolve.
  const lookup = async () => {
    throw new NetError({ code: 'dns_nxdomain', message: 'api.lab.test does not resolve' });
  };
  const target = { port: options.port ?? 443, hostAscii: 'api.lab.test', ipVersion: null };
  return probeContext({ io: { system, dns: { lookup } }, target }, { dns });
}

const complete = completed<LocalSocketsData>;

const linux = createLocalSocketsProbe({ platform: 'linux' });
const windows = createLocalSocketsProbe({ platform: 'win32' });
const mac = createLocalSocketsProbe({ platform: 'darwin' });

const POWERSHELL =
  'powershell.exe -NoProfile -NonInteractive -Command Get-NetTCPConnection | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess | ConvertTo-Csv -NoTypeInformation';

describe('localSocketsProbe', () => {
  it('is the probe named in the checklist', () => {
    expect(localSocketsProbe.id).toBe('local-sockets');
    expect(localSocketsProbe.title).toBe('Local connections to the target');
  });

  it('on Linux keeps the sockets to the target port and names their process (recorded ss)', async () => {
    const { system, calls } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie.txt') } });
    const outcome = complete(await linux.run(context(system)));
    expect(calls).toEqual([['ss', '-tanpie']]);
    expect(outcome.summary).toBe(
      '1 connection to 198.18.4.2:443: curl (pid 18375): 1 SYN_SENT; 2 retransmissions on 1 connection',
    );
    expect(outcome.assessment).toBe('warn');
    expect(outcome.data).toMatchObject({ tool: 'ss -tanpie', platform: 'linux', note: null });
    expect(outcome.data.sockets).toEqual([
      {
        protocol: 'tcp',
        localAddress: '198.18.4.1',
        localPort: 44014,
        remoteAddress: '198.18.4.2',
        remotePort: 443,
        state: 'SYN_SENT',
        pid: 18375,
        process: 'curl',
        rttMs: null,
        retransmits: 2,
        bytesSent: null,
        bytesReceived: null,
        bytesAcked: null,
        unacked: 1,
        // ss's lastrcv: a SYN-SENT socket never received, so it counts from boot.
        lastReceiveMs: 5206380,
        lastAckMs: 5206380,
        lastSendMs: 5206380,
        rtoMs: 1000,
        backoff: 0,
        retransmitsOut: 0,
      },
    ]);
    expect(outcome.data.processes).toEqual([
      { pid: 18375, name: 'curl', connections: 1, states: { SYN_SENT: 1 } },
    ]);
  });

  it('matches IPv4-mapped and IPv6 addresses of the target', async () => {
    const { system } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie.txt') } });
    const mapped = complete(
      await linux.run(
        context(system, { dns: { addresses: [{ address: '127.0.0.1', family: 4 }] }, port: 39340 }),
      ),
    );
    // The dual-stack server's side of a connection from 127.0.0.1: the peer is [::ffff:127.0.0.1]:39340.
    expect(
      mapped.data.sockets.map((s) => `${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`),
    ).toEqual(['::ffff:127.0.0.1:8080 ::ffff:127.0.0.1:39340']);
    expect(mapped.assessment).toBe('ok');
    const v6 = complete(
      await linux.run(
        context(system, {
          dns: {
            addresses: [
              { address: '0:0:0:0:0:0:0:1', family: 6 },
              { address: '127.0.0.9', family: 4 },
            ],
          },
          port: 9443,
        }),
      ),
    );
    expect(v6.summary).toBe('1 connection to [::1]:9443 and 1 more address: node (pid 18363): 1 ESTABLISHED');
    expect(v6.data.sockets[0]).toMatchObject({
      localAddress: '::1',
      localPort: 47412,
      rttMs: 0.023,
      retransmits: 0,
    });
  });

  it('warns about a connection that keeps retransmitting to the target', async () => {
    const { system } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie.txt') } });
    const outcome = complete(
      await linux.run(
        context(system, { dns: { addresses: [{ address: '127.0.0.1', family: 4 }] }, port: 9100 }),
      ),
    );
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      '1 connection to 127.0.0.1:9100: node (pid 18363): 1 ESTABLISHED; 4 retransmissions on 1 connection',
    );
    expect(outcome.data.sockets[0]).toMatchObject({ bytesSent: 15000, rttMs: 0.013 });
  });

  it('says why process names are missing when ss runs without root', async () => {
    const { system } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie-nobody.txt') } });
    const outcome = complete(await linux.run(context(system, { port: 80 })));
    expect(outcome.summary).toBe(
      '1 connection to 198.18.4.2:80: 1 without a process; 4 retransmissions on 1 connection',
    );
    expect(outcome.data.processes).toEqual([]);
    expect(outcome.data.note).toBe(
      '1 connection shows no process: ss names the processes of other users only when run as root',
    );
  });

  it('is ok and says so when nothing is connected to the target', async () => {
    const { system } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie.txt') } });
    const outcome = complete(await linux.run(context(system, { port: 8443 })));
    expect(outcome).toMatchObject({
      assessment: 'ok',
      summary: 'No local connection to 198.18.4.2:8443 at the moment',
      data: { sockets: [], processes: [], note: null },
    });
  });

  it('on Windows uses Get-NetTCPConnection and names the pids with tasklist', async () => {
    const { system, calls } = fakeSystem({
      [POWERSHELL]: { stdout: fixture('windows-get-nettcpconnection.csv.txt') },
      'netstat.exe -ano': { stdout: fixture('windows-netstat-ano.txt') },
      'tasklist.exe /fo csv /nh': { stdout: fixture('windows-tasklist.csv.txt') },
    });
    const outcome = complete(await windows.run(context(system)));
    expect(calls.map((c) => c[0])).toEqual(['powershell.exe', 'tasklist.exe']);
    expect(outcome.data.tool).toBe('PowerShell Get-NetTCPConnection');
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      '5 connections to 198.18.4.2:443: curl.exe (pid 7312): 1 ESTABLISHED, 1 SYN_SENT; chrome.exe (pid 10244): 2 CLOSE_WAIT; 1 without a process',
    );
    expect(outcome.data.processes).toEqual([
      { pid: 7312, name: 'curl.exe', connections: 2, states: { ESTABLISHED: 1, SYN_SENT: 1 } },
      { pid: 10244, name: 'chrome.exe', connections: 2, states: { CLOSE_WAIT: 2 } },
    ]);
    // The TIME_WAIT socket belongs to no process; that is no reason for a note.
    expect(outcome.data.note).toBeNull();
  });

  it('on Windows falls back to netstat -ano when PowerShell fails', async () => {
    const { system, calls } = fakeSystem({
      [POWERSHELL]: { code: 1, stderr: 'Get-NetTCPConnection : The term is not recognized\r\n' },
      'netstat.exe -ano': { stdout: fixture('windows-netstat-ano.txt') },
    });
    const outcome = complete(await windows.run(context(system, { port: 80 })));
    expect(calls.map((c) => c[0])).toEqual(['powershell.exe', 'netstat.exe']);
    expect(outcome.data.tool).toBe('netstat -ano');
    expect(outcome.summary).toBe('1 connection to 198.18.4.2:80: pid 7312: 1 ESTABLISHED');
    expect(outcome.assessment).toBe('ok');
  });

  it('on macOS reads lsof and notes what it cannot see', async () => {
    const { system } = fakeSystem({ 'lsof -nP -iTCP': { stdout: fixture('macos-lsof-itcp.txt') } });
    const outcome = complete(await mac.run(context(system)));
    expect(outcome.summary).toBe(
      '3 connections to 198.18.4.2:443: curl (pid 41234): 1 ESTABLISHED, 1 SYN_SENT; Code H (pid 5310): 1 CLOSE_WAIT',
    );
    expect(outcome.assessment).toBe('warn');
    expect(outcome.data.tool).toBe('lsof -nP -iTCP');
    expect(outcome.data.note).toBe(
      'lsof lists only the sockets of processes this user may inspect; run as root to see every process',
    );
  });

  it('on macOS takes an lsof that found nothing as an empty table', async () => {
    const { system, calls } = fakeSystem({ 'lsof -nP -iTCP': { code: 1 } });
    const outcome = complete(await mac.run(context(system)));
    expect(calls).toEqual([['lsof', '-nP', '-iTCP']]);
    expect(outcome.summary).toBe('No local connection to 198.18.4.2:443 at the moment');
  });

  it('on macOS falls back to netstat -anv when lsof is missing', async () => {
    const { system } = fakeSystem({ 'netstat -anv -p tcp': { stdout: fixture('macos26-netstat-anv.txt') } });
    const outcome = complete(
      await mac.run(context(system, { dns: { addresses: [{ address: '2001:db8:4::2', family: 6 }] } })),
    );
    expect(outcome.data.tool).toBe('netstat -anv -p tcp');
    expect(outcome.summary).toBe('1 connection to [2001:db8:4::2]:443: node (pid 92487): 1 ESTABLISHED');
    expect(outcome.data.sockets[0]).toMatchObject({ bytesReceived: 990, bytesSent: 310 });
  });

  it('is skipped with the reason when no tool is installed or none answers', async () => {
    const none = fakeSystem({});
    expect(await linux.run(context(none.system))).toEqual({
      status: 'skipped',
      reason: 'ss is needed to list the local connections and is not installed.',
    });
    expect(none.calls).toEqual([]);
    const broken = fakeSystem({
      [POWERSHELL]: new NetError({
        code: 'generic_timeout',
        message: 'powershell.exe did not answer in 8 s',
      }),
      'netstat.exe -ano': { stdout: 'garbage\r\n' },
    });
    expect(await windows.run(context(broken.system))).toEqual({
      status: 'skipped',
      reason:
        'The local connections could not be listed: PowerShell Get-NetTCPConnection failed: powershell.exe did not answer in 8 s; the output of netstat -ano could not be read.',
    });
  });

  it('is skipped without an address, and on other systems', async () => {
    const { system, calls } = fakeSystem({ 'ss -tanpie': { stdout: fixture('linux-ss-tanpie.txt') } });
    expect(await linux.run(context(system, { dns: null }))).toEqual({
      status: 'skipped',
      reason: 'no address to look for',
    });
    expect(await createLocalSocketsProbe({ platform: 'freebsd' }).run(context(system))).toEqual({
      status: 'skipped',
      reason: 'Listing local connections on freebsd is not supported; it works on Linux, Windows and macOS.',
    });
    expect(calls).toEqual([]);
  });

  it('passes cancellation on', async () => {
    const cancelled = new NetError({ code: 'cancelled', message: 'cancelled' });
    const { system } = fakeSystem({ 'ss -tanpie': cancelled });
    await expect(linux.run(context(system))).rejects.toBe(cancelled);
  });
});
