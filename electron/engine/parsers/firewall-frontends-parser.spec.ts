import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applicationFirewallFrontend,
  firewalldFrontend,
  mentionsPort,
  parseFirewalldListAll,
  parseFirewalldState,
  parseUfwStatus,
} from './firewall-frontends-parser.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/firewall-os/${name}`, import.meta.url), 'utf8');
}

const target = { addresses: ['198.18.4.2'], port: 443 };

describe('parseUfwStatus', () => {
  it('says whether ufw is active, its defaults and the rules naming the port', () => {
    expect(parseUfwStatus(fixture('ufw-status-verbose.txt'), target)).toEqual({
      name: 'ufw',
      active: true,
      summary:
        'ufw is active; default deny (incoming), allow (outgoing), disabled (routed); 7 rules, 3 naming port 443 or the target address',
      relevant: [
        '443  ALLOW IN  Anywhere',
        '198.18.4.2 443/tcp  REJECT OUT  Anywhere  # block the lab server',
        '443 (v6)  ALLOW IN  Anywhere (v6)',
      ],
    });
    expect(parseUfwStatus(fixture('ufw-status-verbose.txt'), { addresses: [], port: 8050 }).relevant).toEqual(
      ['8000:8100/tcp  ALLOW IN  Anywhere', '8000:8100/tcp (v6)  ALLOW IN  Anywhere (v6)'],
    );
  });

  it('reports an inactive ufw and output it does not know', () => {
    expect(parseUfwStatus(fixture('ufw-status-inactive.txt'), target)).toEqual({
      name: 'ufw',
      active: false,
      summary: 'ufw is inactive',
      relevant: [],
    });
    expect(parseUfwStatus(fixture('ufw-not-root.stderr.txt'), target).active).toBeNull();
  });
});

describe('firewalld', () => {
  it('reads the zone listing', () => {
    const zone = parseFirewalldListAll(fixture('firewalld-list-all.txt'));
    expect(zone?.name).toBe('public');
    expect(zone?.active).toBe(true);
    expect(zone?.fields.services).toBe('dhcpv6-client https ssh');
    expect(zone?.richRules).toHaveLength(3);
  });

  it('names the services, ports and reject/drop rich rules that bear on the target', () => {
    expect(
      firewalldFrontend(
        parseFirewalldState(fixture('firewalld-state-running.txt')),
        fixture('firewalld-list-all.txt'),
        target,
      ),
    ).toEqual({
      name: 'firewalld',
      active: true,
      summary:
        'firewalld is running; zone public (active), target default; services: dhcpv6-client https ssh; ports: 8443/tcp 9000-9100/tcp; 3 rich rules, 2 rejecting or dropping',
      relevant: [
        'services: https',
        'rule family="ipv4" source address="203.0.113.0/24" port port="443" protocol="tcp" reject',
        'rule family="ipv4" source address="192.0.2.10" drop',
      ],
    });
    expect(
      firewalldFrontend(true, fixture('firewalld-list-all.txt'), { addresses: [], port: 9050 }).relevant[0],
    ).toBe('ports: 9000-9100/tcp');
  });

  it('reports a firewalld that is not running', () => {
    expect(parseFirewalldState(fixture('firewalld-state-not-running.txt'))).toBe(false);
    expect(firewalldFrontend(false, null, target)).toEqual({
      name: 'firewalld',
      active: false,
      summary: 'firewalld is not running',
      relevant: [],
    });
  });
});

describe('mentionsPort and the application firewall', () => {
  it('finds a port alone, in a list or in a range, not inside an address', () => {
    expect(mentionsPort('80,443/tcp', 443)).toBe(true);
    expect(mentionsPort('port="443"', 443)).toBe(true);
    expect(mentionsPort('10.0.0.443', 443)).toBe(false);
    expect(mentionsPort('4430/tcp', 443)).toBe(false);
  });

  it('describes the macOS application firewall as incoming-only context', () => {
    expect(applicationFirewallFrontend({ enabled: true, blockAll: false, stealth: true })).toEqual({
      name: 'application-firewall',
      active: true,
      summary:
        'the application firewall is on (block all off, stealth mode on); it filters incoming connections only',
      relevant: ['stealth mode is on: closed ports do not answer (no reset, no ICMP)'],
    });
  });
});

// Minimal counter-examples the fuzz spec found: a CR left a line break in a summary or a rich rule.
describe('front ends on output with stray CRs', () => {
  it('quote the first line of an unreadable ufw answer without its CR', () => {
    expect(parseUfwStatus('!\r\nnull', { addresses: [], port: 80 }).summary).toBe(
      'ufw did not say whether it is active: !',
    );
  });

  it('end a firewalld line at a lone CR', () => {
    expect(
      parseFirewalldListAll('public (active)\n  rich rules: \n\tr\rule family="ipv4" drop\n')?.richRules,
    ).toEqual(['r']);
  });
});
