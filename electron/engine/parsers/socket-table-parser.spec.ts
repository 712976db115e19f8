import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  normalizeState,
  parseDottedEndpoint,
  parseEndpoint,
  parseLsofOutput,
  parseMacNetstat,
  parseNetTcpConnectionCsv,
  parseProcessList,
  parseSsOutput,
  parseWindowsNetstat,
  plainAddress,
  splitCsvLine,
  type LocalSocket,
} from './socket-table-parser.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/sockets/${name}`, import.meta.url), 'utf8');
}

function brief(s: LocalSocket): string {
  const port = (p: number | null): string => (p === null ? '*' : String(p));
  return `${s.state} ${s.localAddress}:${port(s.localPort)} ${s.remoteAddress}:${port(s.remotePort)} ${s.process ?? '-'}/${s.pid ?? '-'}`;
}

const BLANK = {
  rttMs: null,
  retransmits: null,
  bytesSent: null,
  bytesReceived: null,
  bytesAcked: null,
  unacked: null,
};

describe('parseEndpoint', () => {
  it('reads every address form the tools print', () => {
    expect(parseEndpoint('127.0.0.1:9100')).toEqual({ address: '127.0.0.1', port: 9100 });
    expect(parseEndpoint('*:*')).toEqual({ address: '*', port: null });
    expect(parseEndpoint('0.0.0.0:*')).toEqual({ address: '0.0.0.0', port: null });
    expect(parseEndpoint('[::]:*')).toEqual({ address: '::', port: null });
    expect(parseEndpoint('[::ffff:1.2.3.4]:443')).toEqual({ address: '::ffff:1.2.3.4', port: 443 });
    expect(parseEndpoint('[fe80::1]%rd0:39814')).toEqual({ address: 'fe80::1%rd0', port: 39814 });
    expect(parseEndpoint('[fe80::1c2d:3e4f:5a6b:7c8d%12]:51610')).toEqual({
      address: 'fe80::1c2d:3e4f:5a6b:7c8d%12',
      port: 51610,
    });
    expect(parseEndpoint('::ffff:127.0.0.1:8080')).toEqual({ address: '::ffff:127.0.0.1', port: 8080 });
    expect(parseEndpoint('[::1')).toBeNull();
    expect(parseEndpoint('')).toBeNull();
  });

  it('reads the dotted form of macOS netstat', () => {
    expect(parseDottedEndpoint('192.168.1.20.58812')).toEqual({ address: '192.168.1.20', port: 58812 });
    expect(parseDottedEndpoint('fe80::1%lo0.1024')).toEqual({ address: 'fe80::1%lo0', port: 1024 });
    expect(parseDottedEndpoint('*.*')).toEqual({ address: '*', port: null });
    expect(parseDottedEndpoint('*.49152')).toEqual({ address: '*', port: 49152 });
  });

  it('compares addresses without scope, mapping or long forms', () => {
    expect(plainAddress('::ffff:198.18.4.2')).toBe('198.18.4.2');
    expect(plainAddress('FE80::1%eth0')).toBe('fe80::1');
    expect(plainAddress('2001:db8:0:0:0:0:0:2')).toBe('2001:db8::2');
    expect(plainAddress('198.18.4.2')).toBe('198.18.4.2');
  });

  it('normalizes the states of every tool', () => {
    expect(
      [
        'ESTAB',
        'FIN-WAIT-1',
        'FIN_WAIT_2',
        'FinWait2',
        'TimeWait',
        'CLOSE-WAIT',
        'LISTENING',
        'SYN-RECV',
      ].map(normalizeState),
    ).toEqual([
      'ESTABLISHED',
      'FIN_WAIT1',
      'FIN_WAIT2',
      'FIN_WAIT2',
      'TIME_WAIT',
      'CLOSE_WAIT',
      'LISTEN',
      'SYN_RECV',
    ]);
    expect(
      ['SYN_RECEIVED', 'LastAck', 'UNCONN', 'Bound', '5', 'HERGESTELLT', 'bogus'].map(normalizeState),
    ).toEqual(['SYN_RECV', 'LAST_ACK', 'CLOSED', 'CLOSED', 'ESTABLISHED', 'ESTABLISHED', 'UNKNOWN']);
  });
});

describe('parseSsOutput (recorded ss 6.1 output)', () => {
  const sockets = parseSsOutput(fixture('linux-ss-tanpie.txt'));

  it('reads every socket with its process', () => {
    expect(sockets).toHaveLength(19);
    expect(sockets.map(brief)).toEqual([
      'LISTEN 127.0.0.1:9100 0.0.0.0:* node/18363',
      'LISTEN 127.0.0.1:9000 0.0.0.0:* node/18363',
      'LISTEN 127.0.0.1:9001 0.0.0.0:* node/18363',
      'ESTABLISHED 127.0.0.1:9100 127.0.0.1:35214 node/18363',
      'FIN_WAIT2 127.0.0.1:40878 127.0.0.1:9000 node/18363',
      'TIME_WAIT 127.0.0.1:36008 127.0.0.1:9001 -/-',
      'ESTABLISHED 127.0.0.1:35214 127.0.0.1:9100 node/18363',
      'SYN_SENT 198.18.4.1:60786 198.18.4.2:80 node/18363',
      'SYN_SENT 198.18.4.1:44014 198.18.4.2:443 curl/18375',
      'ESTABLISHED 127.0.0.1:39338 127.0.0.1:8080 node/18363',
      'ESTABLISHED 127.0.0.1:39340 127.0.0.1:8080 node/18363',
      'CLOSE_WAIT 127.0.0.1:9000 127.0.0.1:40878 node/18363',
      'LISTEN ::1:9443 :::* node/18363',
      'LISTEN *:8080 *:* node/18363',
      'ESTABLISHED ::ffff:127.0.0.1:8080 ::ffff:127.0.0.1:39340 node/18363',
      'ESTABLISHED ::ffff:127.0.0.1:8080 ::ffff:127.0.0.1:39338 node/18363',
      'ESTABLISHED ::1:47412 ::1:9443 node/18363',
      'ESTABLISHED ::1:9443 ::1:47412 node/18363',
      'SYN_SENT fe80::1%rd0:46942 fe80::2:443 node/18363',
    ]);
  });

  it('reads rtt, retransmissions and bytes from the info line', () => {
    // The connection whose packets nft drops after the handshake.
    expect(sockets[6]).toMatchObject({ rttMs: 0.013, retransmits: 4, bytesSent: 15000, bytesReceived: null });
    // A SYN that is never answered: retrans:0/2.
    expect(sockets[8]).toMatchObject({ rttMs: null, retransmits: 2, bytesSent: null });
    expect(sockets[9]).toMatchObject({ rttMs: 0.035, retransmits: 0, bytesSent: 5, bytesReceived: null });
    expect(sockets[15]).toMatchObject({ rttMs: 0.025, retransmits: 0, bytesReceived: 5 });
    // TIME-WAIT has an empty info line: nothing is known.
    expect(sockets[5]).toMatchObject(BLANK);
  });

  it('reads ss -tanpi the same way', () => {
    const plain = parseSsOutput(fixture('linux-ss-tanpi.txt'));
    expect(plain.map((s) => `${s.state} ${s.remotePort} ${s.pid} ${s.retransmits}`)).toEqual(
      sockets.map((s) => `${s.state} ${s.remotePort} ${s.pid} ${s.retransmits}`),
    );
  });

  it('has no process when ss runs as another user', () => {
    const nobody = parseSsOutput(fixture('linux-ss-tanpie-nobody.txt'));
    expect(nobody).toHaveLength(19);
    expect(nobody.every((s) => s.pid === null && s.process === null)).toBe(true);
    expect(nobody[8]).toMatchObject({ remoteAddress: '198.18.4.2', remotePort: 443, retransmits: 2 });
  });

  it('reads several owners, quoted names and the Netid column', () => {
    const text = [
      'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process',
      'tcp   ESTAB 0      0      10.0.0.5:41000     198.18.4.2:443    users:(("Web Content",pid=4410,fd=88),("firefox",pid=4400,fd=90))',
      '\t cubic wscale:7,7 rto:204 rtt:0.05/0.025 ato:40 mss:1448 retrans:0/2 bytes_sent:1200 bytes_received:5400',
    ].join('\n');
    expect(parseSsOutput(text)).toEqual([
      {
        protocol: 'tcp',
        localAddress: '10.0.0.5',
        localPort: 41000,
        remoteAddress: '198.18.4.2',
        remotePort: 443,
        state: 'ESTABLISHED',
        pid: 4410,
        process: 'Web Content',
        rttMs: 0.05,
        retransmits: 2,
        bytesSent: 1200,
        bytesReceived: 5400,
        bytesAcked: null,
        unacked: 0,
        rtoMs: 204,
        backoff: 0,
        retransmitsOut: 0,
      },
    ]);
  });

  it('returns nothing for text that is not a socket table', () => {
    expect(parseSsOutput('')).toEqual([]);
    expect(parseSsOutput('Cannot open netlink socket: Protocol not supported\n')).toEqual([]);
  });
});

describe('Windows tables', () => {
  it('reads netstat -ano, IPv6 and scopes included, without UDP rows', () => {
    const sockets = parseWindowsNetstat(fixture('windows-netstat-ano.txt'));
    expect(sockets.map(brief)).toEqual([
      'LISTEN 0.0.0.0:135 0.0.0.0:0 -/1016',
      'LISTEN 0.0.0.0:445 0.0.0.0:0 -/4',
      'ESTABLISHED 127.0.0.1:49690 127.0.0.1:49691 -/5820',
      'ESTABLISHED 192.168.1.20:51544 198.18.4.2:443 -/7312',
      'CLOSE_WAIT 192.168.1.20:51546 198.18.4.2:443 -/10244',
      'CLOSE_WAIT 192.168.1.20:51547 198.18.4.2:443 -/10244',
      'TIME_WAIT 192.168.1.20:51550 198.18.4.2:443 -/-',
      'SYN_SENT 192.168.1.20:51552 198.18.4.2:443 -/7312',
      'ESTABLISHED 192.168.1.20:51560 198.18.4.2:80 -/7312',
      'ESTABLISHED 192.168.1.20:51570 20.42.65.92:443 -/3560',
      'LISTEN :::135 :::0 -/1016',
      'ESTABLISHED ::1:49700 ::1:5432 -/8800',
      'ESTABLISHED 2001:db8:10::20:51600 2001:db8:4::2:443 -/7312',
      'FIN_WAIT2 fe80::1c2d:3e4f:5a6b:7c8d%12:51610 fe80::aede:48ff:fe00:1122%12:445 -/4',
    ]);
    expect(sockets[3]).toMatchObject(BLANK);
  });

  it('reads the Get-NetTCPConnection CSV', () => {
    const sockets = parseNetTcpConnectionCsv(fixture('windows-get-nettcpconnection.csv.txt'));
    expect(sockets).toHaveLength(12);
    expect(sockets.map(brief).slice(1, 9)).toEqual([
      'ESTABLISHED 192.168.1.20:51544 198.18.4.2:443 -/7312',
      'CLOSE_WAIT 192.168.1.20:51546 198.18.4.2:443 -/10244',
      'CLOSE_WAIT 192.168.1.20:51547 198.18.4.2:443 -/10244',
      'TIME_WAIT 192.168.1.20:51550 198.18.4.2:443 -/-',
      'SYN_SENT 192.168.1.20:51552 198.18.4.2:443 -/7312',
      'ESTABLISHED 192.168.1.20:51560 198.18.4.2:80 -/7312',
      'ESTABLISHED 192.168.1.20:51570 20.42.65.92:443 -/3560',
      'CLOSED 0.0.0.0:51580 0.0.0.0:0 -/7312',
    ]);
    expect(sockets[11]).toMatchObject({ localAddress: '2001:db8:10::20', remoteAddress: '2001:db8:4::2' });
  });

  it('finds the CSV columns by name, skips a #TYPE line and refuses other CSV', () => {
    const reordered = [
      '#TYPE Selected.Microsoft.Management.Infrastructure.CimInstance',
      '"State","OwningProcess","RemotePort","RemoteAddress","LocalPort","LocalAddress"',
      '"Established","7312","443","::ffff:198.18.4.2","51544","::ffff:192.168.1.20"',
    ].join('\r\n');
    expect(parseNetTcpConnectionCsv(reordered).map(brief)).toEqual([
      'ESTABLISHED ::ffff:192.168.1.20:51544 ::ffff:198.18.4.2:443 -/7312',
    ]);
    expect(parseNetTcpConnectionCsv('"Id","ProcessName"\r\n"4","System"\r\n')).toEqual([]);
    expect(parseNetTcpConnectionCsv('')).toEqual([]);
  });

  it('names processes from tasklist and from Get-Process', () => {
    const tasklist = parseProcessList(fixture('windows-tasklist.csv.txt'));
    expect(tasklist.get(7312)).toBe('curl.exe');
    expect(tasklist.get(10244)).toBe('chrome.exe');
    expect(tasklist.has(0)).toBe(false);
    expect(tasklist.size).toBe(7);
    const ps = parseProcessList(fixture('windows-get-process.csv.txt'));
    expect([...ps]).toEqual([
      [4, 'System'],
      [1016, 'svchost'],
      [7312, 'curl'],
      [10244, 'chrome'],
      [8800, 'postgres'],
    ]);
  });

  it('splits quoted CSV cells', () => {
    expect(splitCsvLine('"a ""b""","12,480 K",,x')).toEqual(['a "b"', '12,480 K', '', 'x']);
  });
});

describe('macOS tables', () => {
  it('reads lsof -nP -iTCP, with escaped command names', () => {
    const sockets = parseLsofOutput(fixture('macos-lsof-itcp.txt'));
    expect(sockets.map(brief)).toEqual([
      'LISTEN *:49152 *:* rapportd/612',
      'LISTEN *:49152 *:* rapportd/612',
      'ESTABLISHED 192.168.1.20:58812 198.18.4.2:443 curl/41234',
      'SYN_SENT 192.168.1.20:58813 198.18.4.2:443 curl/41234',
      'CLOSE_WAIT 192.168.1.20:58790 198.18.4.2:443 Code H/5310',
      'ESTABLISHED 192.168.1.20:58795 198.18.4.2:80 Code H/5310',
      'LISTEN ::1:5432 *:* com.docke/1254',
      'ESTABLISHED 2001:db8:10::20:58900 2001:db8:4::2:443 node/92487',
      'CLOSED 192.168.1.20:58700 17.253.144.10:443 Safari/100',
    ]);
  });

  it('reads netstat -anv of macOS 15 and earlier (pid column)', () => {
    const sockets = parseMacNetstat(fixture('macos-netstat-anv.txt'));
    expect(sockets.map(brief)).toEqual([
      'ESTABLISHED 192.168.1.20:58812 198.18.4.2:443 -/41234',
      'SYN_SENT 192.168.1.20:58813 198.18.4.2:443 -/41234',
      'CLOSE_WAIT 192.168.1.20:58790 198.18.4.2:443 -/5310',
      'TIME_WAIT 192.168.1.20:58780 198.18.4.2:443 -/41200',
      'ESTABLISHED 192.168.1.20:58795 198.18.4.2:80 -/5310',
      'ESTABLISHED 2001:db8:10::20:58900 2001:db8:4::2:443 -/92487',
      'ESTABLISHED fe80::1%lo0:1024 fe80::1%lo0:49200 -/612',
      'LISTEN 127.0.0.1:5432 *:* -/901',
      'LISTEN *:49152 *:* -/612',
    ]);
    expect(sockets[0]).toMatchObject({
      bytesReceived: 18231,
      bytesSent: 842,
      rttMs: null,
      retransmits: null,
    });
  });

  it('reads netstat -anv of macOS 26 (process:pid column, names with spaces)', () => {
    const sockets = parseMacNetstat(fixture('macos26-netstat-anv.txt'));
    expect(sockets.map(brief)).toEqual([
      'ESTABLISHED 192.168.1.20:58812 198.18.4.2:443 curl/41234',
      'SYN_SENT 192.168.1.20:58813 198.18.4.2:443 curl/41234',
      'CLOSE_WAIT 192.168.1.20:58790 198.18.4.2:443 Code Helper (Plu/5310',
      'TIME_WAIT 192.168.1.20:58780 198.18.4.2:443 curl/41200',
      'ESTABLISHED 192.168.1.20:58795 198.18.4.2:80 Code Helper (Plu/5310',
      'ESTABLISHED 2001:db8:10::20:58900 2001:db8:4::2:443 node/92487',
      'ESTABLISHED fe80::1%lo0:1024 fe80::1%lo0:49200 rapportd/612',
      'LISTEN 127.0.0.1:5432 *:* postgres/901',
      'LISTEN *:49152 *:* rapportd/612',
    ]);
    expect(sockets[2]).toMatchObject({ bytesReceived: 5120, bytesSent: 2210 });
  });
});

// Minimal counter-examples the fuzz spec found.
describe('socket tables with words and numbers no tool prints', () => {
  it('reads a state named like an object property as unknown, not as Object.prototype.constructor', () => {
    expect(normalizeState('constructor')).toBe('UNKNOWN');
    expect(normalizeState('toString')).toBe('UNKNOWN');
    expect(normalizeState('__proto__')).toBe('UNKNOWN');
  });

  it('leaves a pid or a byte count of 400 digits out instead of reporting Infinity', () => {
    const [socket] = parseSsOutput(
      `ESTAB 0 0 10.0.0.1:1 10.0.0.2:443 users:(("curl",pid=${'9'.repeat(400)},fd=5))\n\t bytes_sent:${'9'.repeat(400)} rtt:1/1\n`,
    );
    expect(socket).toMatchObject({ pid: null, process: 'curl', bytesSent: null, rttMs: 1 });
  });
});
