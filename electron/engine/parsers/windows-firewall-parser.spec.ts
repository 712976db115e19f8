import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchRules, type RuleMatchResult } from './rule-matcher.js';
import {
  countWindowsRules,
  parseNetFirewallJson,
  parseNetshRules,
  WINDOWS_FIREWALL_SCRIPT,
} from './windows-firewall-parser.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/firewall-os/${name}`, import.meta.url), 'utf8');
}

function lines(results: RuleMatchResult[]): string[] {
  return results.map((r) => `${r.certainty} ${r.direction} ${r.effect} ${r.rule.name ?? ''}: ${r.why}`);
}

describe('parseNetFirewallJson', () => {
  const rules = parseNetFirewallJson(fixture('get-netfirewallrule.json.txt'));

  it('turns each Block rule into drop rules, one per address family', () => {
    expect(countWindowsRules(rules)).toBe(4);
    expect(rules.map((r) => `${r.hook} ${r.action} ${r.matches.ipVersion ?? '-'} ${r.name ?? ''}`)).toEqual([
      'output drop 4 Block Telemetry',
      'output drop 6 Block Telemetry',
      'output drop - Block LAN SMB',
      'output drop 4 Contoso agent block',
      'input drop - Block inbound RDP',
    ]);
    expect(rules.every((r) => r.source === 'windows-firewall')).toBe(true);
    expect(rules[0]?.text).toBe('block out protocol TCP remote 198.18.4.2,2001:db8::/64 remote port 443');
    expect(rules[0]?.original).toContain('"DisplayName":"Block Telemetry"');
  });

  it('reads subnet masks and ranges, and leaves keywords, profiles and programs open', () => {
    const contoso = rules.find((r) => r.name === 'Contoso agent block');
    expect(contoso?.matches.destination).toEqual([
      {
        family: 4,
        negated: false,
        set: null,
        items: [
          { kind: 'prefix', address: '10.0.0.0', prefixLength: 8 },
          { kind: 'range', from: '192.168.1.10', to: '192.168.1.20' },
        ],
      },
    ]);
    expect(contoso?.matches.unknown).toEqual(['program %ProgramFiles%\\Contoso\\agent.exe']);
    const smb = rules.find((r) => r.name === 'Block LAN SMB');
    expect(smb?.matches.unknown).toEqual([
      'the active network profile Domain or Private',
      'remote address LocalSubnet',
    ]);
  });

  it('lets matchRules find the rule that drops traffic to the target', () => {
    expect(lines(matchRules(rules, { addresses: ['198.18.4.2'], port: 443 }))).toEqual([
      'exact outgoing drop Block Telemetry: matches destination 198.18.4.2 and tcp dport 443; drops the packets',
    ]);
    expect(lines(matchRules(rules, { addresses: ['10.1.2.3'], port: 80 }))).toEqual([
      'partial outgoing drop Contoso agent block: matches destination 10.1.2.3 (in { 10.0.0.0/8, 192.168.1.10-192.168.1.20 }); drops the packets, if program %ProgramFiles%\\Contoso\\agent.exe matches',
    ]);
    expect(matchRules(rules, { addresses: ['2001:db8::5'], port: 443 })).toHaveLength(1);
    expect(matchRules(rules, { addresses: ['198.51.100.1'], port: 443 })).toEqual([]);
  });

  it('reads enum numbers, single objects and an empty list', () => {
    const numeric = parseNetFirewallJson(fixture('get-netfirewallrule-numeric.json.txt'));
    expect(numeric.map((r) => `${r.hook} ${r.text}`)).toEqual([
      'output block out protocol TCP remote port 80',
    ]);
    expect(parseNetFirewallJson(fixture('get-netfirewallrule-empty.json.txt'))).toEqual([]);
    expect(parseNetFirewallJson('')).toEqual([]);
    expect(() => parseNetFirewallJson('Get-NetFirewallRule : Access is denied.')).toThrow();
  });

  it('asks PowerShell for the active store, enums as text, one JSON array', () => {
    expect(WINDOWS_FIREWALL_SCRIPT).toContain(
      'Get-NetFirewallRule -PolicyStore ActiveStore -Enabled True -Direction Outbound,Inbound -Action Block',
    );
    expect(WINDOWS_FIREWALL_SCRIPT).toContain('ConvertTo-Json -InputObject $rules -Depth 3 -Compress');
    expect(WINDOWS_FIREWALL_SCRIPT).toContain('Direction = [string]$_.Direction');
  });
});

describe('parseNetshRules', () => {
  it('keeps the enabled Block rules of netsh advfirewall verbose output', () => {
    const { rules, listed } = parseNetshRules(fixture('netsh-show-rule-verbose.txt'));
    expect(listed).toBe(4);
    expect(rules.map((r) => `${r.hook} ${r.name ?? ''}: ${r.text}`)).toEqual([
      'output Block lab server: block out protocol TCP remote 198.18.4.2/32,203.0.113.0/24 remote port 80,8080-8090',
      'input Block inbound SMB: block in protocol TCP local port 445 profile Public program System',
    ]);
    expect(rules[0]?.matches.destinationPort).toEqual([
      {
        negated: false,
        set: null,
        items: [
          { from: 80, to: 80 },
          { from: 8080, to: 8090 },
        ],
      },
    ]);
    expect(rules[0]?.original?.split('\n')[0]).toBe('Rule Name:                            Block lab server');
    expect(lines(matchRules(rules, { addresses: ['203.0.113.9'], port: 8085 }))).toEqual([
      'exact outgoing drop Block lab server: matches destination 203.0.113.9 (in { 198.18.4.2/32, 203.0.113.0/24 }) and tcp dport 8085 (in { 80, 8080-8090 }); drops the packets',
    ]);
  });

  it('lists nothing when netsh found no rule', () => {
    expect(parseNetshRules(fixture('netsh-no-rules.txt'))).toEqual({ rules: [], listed: 0 });
  });
});

// Minimal counter-examples the fuzz spec found.
describe('parseNetFirewallJson on JSON PowerShell would not print', () => {
  it('reads a field that is an object as empty instead of throwing (String() of {"toString": 1} throws)', () => {
    const rules = parseNetFirewallJson(
      '[{"DisplayName":{"toString":1},"Direction":"Outbound","Action":"Block","Protocol":"TCP","RemotePort":["70000"],"RemoteAddress":["198.18.4.2"]}]',
    );
    expect(rules.map((rule) => [rule.name, rule.text, rule.matches.unknown])).toEqual([
      ['', 'block out protocol TCP remote 198.18.4.2', ['remote port 70000']],
    ]);
  });

  it('says why text is not JSON on one line', () => {
    expect(() => parseNetFirewallJson('[\n\u0000')).toThrow(
      /^not valid JSON: Unexpected token [^\n]+ is not valid JSON$/,
    );
    // The NUL is spelled out, not printed.
    expect(() => parseNetFirewallJson('[\n\u0000')).toThrow('\\u0000');
  });
});
