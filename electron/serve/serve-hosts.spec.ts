import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHosts, isLoopback, isWildcard } from './serve-hosts.js';

function info(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  const common = { address, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null };
  return family === 'IPv4' ? { ...common, family } : { ...common, family, scopeid: 0 };
}

const interfaces = {
  lo: [info('127.0.0.1', 'IPv4'), info('::1', 'IPv6')],
  eth0: [info('192.0.2.5', 'IPv4'), info('2001:db8::5', 'IPv6')],
  wlan0: [info('198.51.100.7', 'IPv4')],
};
const LOOPBACK = ['localhost:8750', '127.0.0.1:8750', '[::1]:8750'];

describe('allowedHosts', () => {
  it("bound to 0.0.0.0, answers the machine's own IPv4 addresses with the port, and loopback", () => {
    const hosts = allowedHosts('0.0.0.0', 8750, interfaces);
    for (const h of [...LOOPBACK, '192.0.2.5:8750', '198.51.100.7:8750']) expect(hosts).toContain(h);
    for (const h of ['[2001:db8::5]:8750', '192.0.2.5:8751', '192.0.2.5', 'evil.test:8750', 'evil.test'])
      expect(hosts).not.toContain(h);
  });

  it('bound to ::, answers every address of the machine (IPv4 too: the socket is dual-stack)', () => {
    const hosts = allowedHosts('::', 8750, interfaces);
    for (const h of [...LOOPBACK, '192.0.2.5:8750', '[2001:db8::5]:8750']) expect(hosts).toContain(h);
    expect(hosts).not.toContain('2001:db8::5:8750');
  });

  it('bound to one address, answers that one and loopback only', () => {
    const hosts = allowedHosts('192.0.2.5', 8750, interfaces);
    expect([...hosts].sort()).toEqual([...LOOPBACK, '192.0.2.5:8750'].sort());
    expect([...allowedHosts('2001:db8::5', 8750, interfaces)]).toContain('[2001:db8::5]:8750');
  });

  it('accepts the bare names on port 80, where a browser leaves the port out', () => {
    const hosts = allowedHosts('127.0.0.1', 80, interfaces);
    for (const h of ['localhost', '127.0.0.1:80', '[::1]']) expect(hosts).toContain(h);
  });

  it('tells loopback and wildcard addresses', () => {
    expect(['localhost', '127.0.0.1', '127.4.5.6', '::1'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '192.0.2.5', 'localhost.evil.test'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(['0.0.0.0', '::', '127.0.0.1'].map(isWildcard)).toEqual([true, true, false]);
  });
});
