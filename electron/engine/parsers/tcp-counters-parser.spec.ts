import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diffCounters,
  parseLinuxTcpCounters,
  parseMacTcpStats,
  parseProcNetPairs,
  parseWindowsTcpStats,
  type TcpCounters,
} from './tcp-counters-parser.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/sockets/${name}`, import.meta.url), 'utf8');
}

function linux(snmp: string, netstat: string): TcpCounters {
  const counters = parseLinuxTcpCounters(fixture(snmp), fixture(netstat));
  if (!counters) throw new Error('no counters');
  return counters;
}

describe('Linux /proc/net counters (recorded in a namespace)', () => {
  it('reads the Tcp and TcpExt groups', () => {
    const after = linux('linux-snmp-after.txt', 'linux-netstat-after.txt');
    expect(after).toEqual({
      platform: 'linux',
      source: '/proc/net/snmp, /proc/net/netstat',
      counters: {
        activeOpens: 5,
        passiveOpens: 2,
        attemptFails: 3,
        estabResets: 2,
        outRsts: 4,
        retransSegs: 0,
        inErrs: 0,
        abortOnTimeout: 0,
        abortOnData: 1,
        abortOnClose: 0,
        abortOnLinger: 0,
        abortOnMemory: 0,
        timeouts: 0,
        synRetrans: 0,
        listenOverflows: 0,
        listenDrops: 0,
      },
      currentConnections: 0,
    });
  });

  it('reads the counters of the namespace whose connections retransmitted', () => {
    const counters = linux('linux-snmp-retrans.txt', 'linux-netstat-retrans.txt');
    expect(counters.counters).toMatchObject({
      activeOpens: 9,
      passiveOpens: 6,
      retransSegs: 14,
      timeouts: 13,
    });
    expect(counters.currentConnections).toBe(9);
  });

  it('diffs the readings before and after three refused connects and one abort', () => {
    const before = linux('linux-snmp-before.txt', 'linux-netstat-before.txt');
    const after = linux('linux-snmp-after.txt', 'linux-netstat-after.txt');
    expect(diffCounters(before, after)).toEqual({
      activeOpens: 5,
      passiveOpens: 2,
      attemptFails: 3,
      estabResets: 2,
      outRsts: 4,
      retransSegs: 0,
      inErrs: 0,
      abortOnTimeout: 0,
      abortOnData: 1,
      abortOnClose: 0,
      abortOnLinger: 0,
      abortOnMemory: 0,
      timeouts: 0,
      synRetrans: 0,
      listenOverflows: 0,
      listenDrops: 0,
    });
  });

  it('works without /proc/net/netstat and refuses a file without Tcp', () => {
    const counters = parseLinuxTcpCounters(fixture('linux-snmp-after.txt'), '');
    expect(counters?.source).toBe('/proc/net/snmp');
    expect(counters?.counters.abortOnData).toBeUndefined();
    expect(counters?.counters.outRsts).toBe(4);
    expect(parseLinuxTcpCounters(fixture('linux-netstat-after.txt'), '')).toBeNull();
    expect(parseLinuxTcpCounters('', '')).toBeNull();
  });

  it('pairs name and value lines by group, keeping negative values', () => {
    const groups = parseProcNetPairs(
      'Tcp: RtoMin MaxConn\nTcp: 200 -1\nstray line\nUdp: InDatagrams\nUdp: 7\n',
    );
    expect(groups.get('Tcp')).toEqual(
      new Map([
        ['RtoMin', 200],
        ['MaxConn', -1],
      ]),
    );
    expect(groups.get('Udp')).toEqual(new Map([['InDatagrams', 7]]));
  });
});

describe('Windows netstat -s', () => {
  const before = parseWindowsTcpStats(
    `${fixture('windows-netstat-s-before.txt')}\n${fixture('windows-netstat-s-v6-before.txt')}`,
  );
  const after = parseWindowsTcpStats(
    `${fixture('windows-netstat-s-after.txt')}\n${fixture('windows-netstat-s-v6-after.txt')}`,
  );

  it('adds up the IPv4 and IPv6 sections', () => {
    expect(before).toEqual({
      platform: 'win32',
      source: 'netstat -s -p tcp',
      counters: {
        activeOpens: 26653,
        passiveOpens: 1973,
        attemptFails: 1294,
        estabResets: 4150,
        retransSegs: 10077,
      },
      currentConnections: 43,
    });
  });

  it('diffs two readings', () => {
    if (!before || !after) throw new Error('no counters');
    expect(diffCounters(before, after)).toEqual({
      activeOpens: 14,
      passiveOpens: 0,
      attemptFails: 3,
      estabResets: 8,
      retransSegs: 18,
    });
    expect(after.currentConnections).toBe(46);
  });

  it('reads one section alone and nothing from other text', () => {
    expect(parseWindowsTcpStats(fixture('windows-netstat-s-v6-after.txt'))?.counters.estabResets).toBe(31);
    expect(parseWindowsTcpStats('  Aktive Öffnungen = 12\r\n')).toBeNull();
  });
});

describe('macOS netstat -s -p tcp', () => {
  const before = parseMacTcpStats(fixture('macos-netstat-s-before.txt'));
  const after = parseMacTcpStats(fixture('macos-netstat-s-after.txt'));

  it('reads the lines that bear on resets', () => {
    expect(before?.counters).toEqual({
      activeOpens: 3120,
      passiveOpens: 210,
      attemptFails: 92,
      drops: 181,
      retransSegs: 1204,
      timeouts: 640,
      abortOnTimeout: 11,
      keepaliveDrops: 2,
      badResets: 7,
      listenOverflows: 0,
    });
    expect(before?.currentConnections).toBeNull();
  });

  it('diffs two readings', () => {
    if (!before || !after) throw new Error('no counters');
    expect(diffCounters(before, after)).toEqual({
      activeOpens: 6,
      passiveOpens: 0,
      attemptFails: 1,
      drops: 3,
      retransSegs: 12,
      timeouts: 6,
      abortOnTimeout: 1,
      keepaliveDrops: 0,
      badResets: 0,
      listenOverflows: 0,
    });
  });

  it('reads singular lines and nothing from other text', () => {
    const one = parseMacTcpStats(
      'tcp:\n\t1 connection request\n\t\t1 connection dropped by rexmit timeout\n',
    );
    expect(one?.counters).toEqual({ activeOpens: 1, abortOnTimeout: 1 });
    expect(parseMacTcpStats('netstat: sysctl: net.inet.tcp.stats: No such file\n')).toBeNull();
  });
});

describe('diffCounters', () => {
  it('leaves out counters that went down or that one reading lacks', () => {
    const at = (counters: TcpCounters['counters']): TcpCounters => ({
      platform: 'win32',
      source: 'netstat -s -p tcp',
      counters,
      currentConnections: null,
    });
    expect(
      diffCounters(
        at({ activeOpens: 4294967290, estabResets: 5 }),
        at({ activeOpens: 3, estabResets: 9, retransSegs: 1 }),
      ),
    ).toEqual({ estabResets: 4 });
  });
});

// Minimal counter-examples the fuzz spec found.
describe('parseWindowsTcpStats on what netstat never prints', () => {
  it('takes no label from Object.prototype and no counter of 400 digits', () => {
    expect(
      parseWindowsTcpStats(
        `  Constructor = 5\n  Active Opens = 3\n  Reset Connections = ${'9'.repeat(400)}\n`,
      ),
    ).toEqual({
      platform: 'win32',
      source: 'netstat -s -p tcp',
      counters: { activeOpens: 3 },
      currentConnections: null,
    });
  });

  it('reads a label followed by 50,000 spaces in linear time (the lazy label regex was quadratic)', () => {
    const started = performance.now();
    expect(parseWindowsTcpStats(`a${' '.repeat(50_000)}b`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
