import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetError, type CommandResult, type SystemIo } from '../net/engine-io.js';
import type { ProbeContext } from '../runner/probe-types.js';
import type { DnsData } from './dns-probe.js';
import { createLocalRulesProbe, localRulesProbe, type LocalRulesData } from './local-rules-probe.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../parsers/fixtures/${name}`, import.meta.url), 'utf8');
}

function osFixture(name: string): string {
  return fixture(`firewall-os/${name}`);
}

type Reply = Partial<CommandResult> | NetError | ((args: string[]) => Partial<CommandResult>);

interface Call {
  file: string;
  args: string[];
  timeoutMs: number;
}

/** Answers each tool with recorded output; tools without a reply are not installed. */
function fakeSystem(replies: Record<string, Reply>): { system: SystemIo; calls: Call[] } {
  const calls: Call[] = [];
  const system: SystemIo = {
    async which(file) {
      return file in replies ? `/usr/sbin/${file}` : null;
    },
    async run(file, args, options) {
      calls.push({ file, args, timeoutMs: options.timeoutMs });
      const reply = replies[file];
      // A tool run by its full path is not looked up first: like execFile, a missing one fails with ENOENT.
      if (reply === undefined && file.startsWith('/'))
        throw new NetError({ code: 'tool_missing', message: `${file} is not installed` });
      if (reply === undefined) throw new Error(`${file} was run without being installed`);
      if (reply instanceof NetError) throw reply;
      return { code: 0, stdout: '', stderr: '', ...(typeof reply === 'function' ? reply(args) : reply) };
    },
  };
  return { system, calls };
}

const DNS: DnsData = {
  host: 'web.lab.test',
  addresses: [{ address: '198.18.4.2', family: 4 }],
  durationMs: 2,
  literal: false,
  failure: null,
};

function context(system: SystemIo, options: { dns?: DnsData | null; port?: number } = {}): ProbeContext {
  const dns = options.dns === undefined ? DNS : options.dns;
  return probeContext(
    { io: { system }, target: { port: options.port ?? 80, hostAscii: 'web.lab.test' } },
    { dns },
  );
}

const linux = createLocalRulesProbe({ platform: 'linux' });

const complete = completed<LocalRulesData>;

const HOST = {
  nft: { stdout: fixture('host-combined.nft-json.txt') },
  'iptables-save': {
    stdout: fixture('host-combined.iptables-save.txt'),
    stderr: fixture('host-combined.iptables-save.stderr.txt'),
  },
  'ip6tables-save': { stdout: fixture('host-combined.ip6tables-save.txt') },
  'iptables-legacy-save': { stdout: fixture('host-combined.iptables-legacy-save.txt') },
};

describe('localRulesProbe', () => {
  it('is the probe named in the checklist', () => {
    expect(localRulesProbe.id).toBe('local-rules');
    expect(localRulesProbe.title).toBe('Local firewall rules');
  });

  it('reads nft, iptables and the legacy tables iptables-nft warns about, and fails on a certain reset', async () => {
    const { system, calls } = fakeSystem(HOST);
    const outcome = complete(await linux.run(context(system)));
    expect(calls).toEqual([
      { file: 'nft', args: ['-j', 'list', 'ruleset'], timeoutMs: 5000 },
      { file: 'iptables-save', args: [], timeoutMs: 5000 },
      { file: 'ip6tables-save', args: [], timeoutMs: 5000 },
      { file: 'iptables-legacy-save', args: [], timeoutMs: 5000 },
    ]);
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toBe(
      '24 rules match 198.18.4.2:80: output chain rejects with TCP reset (nftables inet filter output)',
    );
    expect(outcome.data.platform).toBe('linux');
    expect(outcome.data.sources).toEqual([
      {
        tool: 'nft',
        status: 'read',
        message:
          'ip filter, ip mangle, ip6 filter are managed by iptables-nft: their rules are taken from iptables-save, which shows the options nft -j leaves out',
        ruleCount: 43,
      },
      { tool: 'iptables-save', status: 'read', message: null, ruleCount: 21 },
      { tool: 'ip6tables-save', status: 'read', message: null, ruleCount: 3 },
      { tool: 'iptables-legacy-save', status: 'read', message: null, ruleCount: 1 },
    ]);
    const first = outcome.data.matches[0];
    expect(first).toMatchObject({ direction: 'outgoing', certainty: 'exact', effect: 'reset' });
    expect(first?.why).toBe('matches destination 198.18.4.2 and tcp dport 80; rejects with a TCP reset');
    const legacy = outcome.data.matches.filter((m) => m.rule.backend === 'legacy');
    expect(legacy.map((m) => m.rule.original)).toEqual([
      '-A OUTPUT -d 198.18.4.2/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset',
    ]);
    // Each iptables-nft rule comes once, from iptables-save: no xt expressions from the nft view.
    expect(outcome.data.matches.some((m) => m.rule.text.includes('xt target'))).toBe(false);
  });

  it('warns when only partial matches are found', async () => {
    const { system } = fakeSystem({ nft: { stdout: fixture('nft-mixed.nft-json.txt') } });
    const outcome = complete(await linux.run(context(system, { port: 8443 })));
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      '4 rules match 198.18.4.2:8443: output chain may drop the packets (nftables inet filter output)',
    );
    expect(outcome.data.matches.map((m) => m.rule.text)).toEqual([
      'ip daddr 198.18.4.2 numgen random mod 100 < 5 drop',
      'skuid 1000 ip daddr 198.18.4.2 drop',
      '@ih,0,32 0x47455420 ip daddr 198.18.4.2 drop',
      'policy drop',
    ]);
    expect(outcome.data.sources.map((s) => `${s.tool} ${s.status}`)).toEqual([
      'nft read',
      'iptables-save missing',
      'ip6tables-save missing',
    ]);
  });

  it('is ok when no rule is relevant', async () => {
    const { system } = fakeSystem({
      nft: { stdout: fixture('nft-unrelated.nft-json.txt') },
      'iptables-save': { stdout: '' },
      'ip6tables-save': { stdout: '' },
    });
    const outcome = complete(await linux.run(context(system)));
    expect(outcome).toMatchObject({
      assessment: 'ok',
      summary: 'No local firewall rule drops or rejects traffic to 198.18.4.2:80',
    });
    expect(outcome.data.matches).toEqual([]);
    expect(outcome.data.sources.map((s) => s.ruleCount)).toEqual([9, 0, 0]);
  });

  it('is skipped with the way to get root when every tool is denied', async () => {
    const { system } = fakeSystem({
      nft: { code: 1, stderr: fixture('nft-denied.stderr.txt') },
      'iptables-save': { code: 4, stderr: fixture('iptables-denied.stderr.txt') },
      'ip6tables-save': { code: 4, stderr: fixture('ip6tables-denied.stderr.txt') },
    });
    const outcome = await linux.run(context(system));
    expect(outcome).toMatchObject({
      status: 'skipped',
      reason: 'Reading the firewall rules needs root: run Reset Doctor as root or with CAP_NET_ADMIN.',
    });
    expect(outcome.data?.sources).toEqual([
      {
        tool: 'nft',
        status: 'denied',
        message:
          'nft needs root to list the rules: run Reset Doctor as root or with CAP_NET_ADMIN (Operation not permitted (you must be root))',
        ruleCount: 0,
      },
      {
        tool: 'iptables-save',
        status: 'denied',
        message:
          'iptables-save needs root to list the rules: run Reset Doctor as root or with CAP_NET_ADMIN (iptables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root))',
        ruleCount: 0,
      },
      {
        tool: 'ip6tables-save',
        status: 'denied',
        message:
          'ip6tables-save needs root to list the rules: run Reset Doctor as root or with CAP_NET_ADMIN (ip6tables-save v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root))',
        ruleCount: 0,
      },
    ]);
  });

  it('uses what it could read when one tool is denied and says what is missing', async () => {
    const { system } = fakeSystem({
      nft: { code: 1, stderr: fixture('nft-denied.stderr.txt') },
      'iptables-save': { stdout: fixture('iptables-legacy.save.txt') },
      'ip6tables-save': new NetError({
        code: 'generic_timeout',
        message: 'ip6tables-save did not answer in 5 s',
      }),
    });
    const outcome = complete(await linux.run(context(system)));
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toBe(
      '11 rules match 198.18.4.2:80: OUTPUT chain rejects with TCP reset (iptables-legacy filter OUTPUT); nft, ip6tables-save could not be read',
    );
    expect(outcome.data.sources.map((s) => [s.tool, s.status, s.message])).toEqual([
      ['nft', 'denied', expect.stringContaining('CAP_NET_ADMIN')],
      ['iptables-save', 'read', null],
      ['ip6tables-save', 'error', 'ip6tables-save failed: ip6tables-save did not answer in 5 s'],
    ]);
  });

  it('reports a tool that fails for another reason as an error', async () => {
    const { system } = fakeSystem({
      nft: { code: 1, stderr: 'Error: syntax error, unexpected junk\n' },
      'iptables-save': { stdout: '' },
    });
    const outcome = complete(await linux.run(context(system)));
    expect(outcome.data.sources[0]).toEqual({
      tool: 'nft',
      status: 'error',
      message: 'nft exited with code 1: Error: syntax error, unexpected junk',
      ruleCount: 0,
    });
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      'No local firewall rule drops or rejects traffic to 198.18.4.2:80; nft could not be read',
    );
  });

  it('is skipped when no tool is installed, and runs nothing', async () => {
    const { system, calls } = fakeSystem({});
    const outcome = await linux.run(context(system));
    expect(outcome).toMatchObject({
      status: 'skipped',
      reason: 'Neither nft nor iptables-save is installed: there are no rules to read.',
    });
    expect(outcome.data?.sources.map((s) => `${s.tool} ${s.status} ${s.message}`)).toEqual([
      'nft missing nft is not installed',
      'iptables-save missing iptables-save is not installed',
      'ip6tables-save missing ip6tables-save is not installed',
    ]);
    expect(calls).toEqual([]);
  });

  it('is skipped when DNS found no address', async () => {
    const { system, calls } = fakeSystem(HOST);
    const none = await linux.run(context(system, { dns: { ...DNS, addresses: [] } }));
    expect(none).toEqual({ status: 'skipped', reason: 'no address to compare the rules with' });
    expect(await linux.run(context(system, { dns: null }))).toEqual(none);
    expect(calls).toEqual([]);
  });

  it('is skipped on systems it cannot read', async () => {
    const { system, calls } = fakeSystem(HOST);
    const outcome = await createLocalRulesProbe({ platform: 'freebsd' }).run(context(system));
    expect(outcome).toEqual({
      status: 'skipped',
      reason:
        'Reading firewall rules on freebsd is not supported; Reset Doctor reads nftables and iptables on Linux, the Windows Firewall and pf on macOS.',
    });
    expect(calls).toEqual([]);
  });

  it('passes cancellation on', async () => {
    const cancelled = new NetError({ code: 'cancelled', message: 'cancelled' });
    const { system } = fakeSystem({ nft: cancelled });
    await expect(linux.run(context(system))).rejects.toBe(cancelled);
  });

  it('reports JSON nft could not have written as an error', async () => {
    const { system } = fakeSystem({ nft: { stdout: 'table inet filter {' } });
    const outcome = await linux.run(context(system));
    expect(outcome.status).toBe('skipped');
    expect(outcome.data?.sources[0]?.status).toBe('error');
    expect(outcome.data?.sources[0]?.message).toMatch(/^could not read the output of nft -j: /);
  });

  it('reports ufw and firewalld next to the nft rules, which stay what is matched', async () => {
    const { system, calls } = fakeSystem({
      nft: { stdout: fixture('nft-unrelated.nft-json.txt') },
      ufw: { stdout: osFixture('ufw-status-verbose.txt') },
      'firewall-cmd': (args) =>
        args[0] === '--state'
          ? { stdout: osFixture('firewalld-state-running.txt') }
          : { stdout: osFixture('firewalld-list-all.txt') },
    });
    const outcome = complete(await linux.run(context(system, { port: 443 })));
    expect(calls.slice(-3).map((c) => `${c.file} ${c.args.join(' ')}`)).toEqual([
      'ufw status verbose',
      'firewall-cmd --state',
      'firewall-cmd --list-all',
    ]);
    expect(outcome.assessment).toBe('ok');
    expect(outcome.summary).toBe(
      'No local firewall rule drops or rejects traffic to 198.18.4.2:443; ufw active, firewalld running',
    );
    expect(outcome.data.frontends.map((f) => [f.name, f.active, f.relevant.length])).toEqual([
      ['ufw', true, 3],
      ['firewalld', true, 3],
    ]);
    expect(outcome.data.frontends[0]?.relevant).toContain(
      '198.18.4.2 443/tcp  REJECT OUT  Anywhere  # block the lab server',
    );
  });

  it('says when ufw needs root and firewalld is not running', async () => {
    const { system, calls } = fakeSystem({
      nft: { stdout: fixture('nft-unrelated.nft-json.txt') },
      ufw: { code: 1, stderr: osFixture('ufw-not-root.stderr.txt') },
      'firewall-cmd': { code: 252, stdout: osFixture('firewalld-state-not-running.txt') },
    });
    const outcome = complete(await linux.run(context(system)));
    expect(calls.some((c) => c.args.includes('--list-all'))).toBe(false);
    expect(outcome.data.frontends).toEqual([
      {
        name: 'ufw',
        active: null,
        summary:
          'ufw status could not be read: ufw needs root to list the rules: run Reset Doctor as root or with CAP_NET_ADMIN (ERROR: You need to be root to run this script)',
        relevant: [],
      },
      { name: 'firewalld', active: false, summary: 'firewalld is not running', relevant: [] },
    ]);
    expect(outcome.summary).toBe(
      'No local firewall rule drops or rejects traffic to 198.18.4.2:80; ufw state unknown, firewalld not running',
    );
  });
});

describe('localRulesProbe on Windows', () => {
  const win32 = createLocalRulesProbe({ platform: 'win32' });

  it('reads the Block rules through PowerShell and fails on a certain drop', async () => {
    const { system, calls } = fakeSystem({
      'powershell.exe': { stdout: osFixture('get-netfirewallrule.json.txt') },
      'netsh.exe': { stdout: osFixture('netsh-show-rule-verbose.txt') },
    });
    const outcome = complete(await win32.run(context(system, { port: 443 })));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.file).toBe('powershell.exe');
    expect(calls[0]?.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(calls[0]?.args[3]).toContain('Get-NetFirewallRule -PolicyStore ActiveStore');
    expect(calls[0]?.timeoutMs).toBe(12_000);
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toBe(
      '1 rule matches 198.18.4.2:443: Windows Firewall rule "Block Telemetry" drops the packets (outbound)',
    );
    expect(outcome.data.sources).toEqual([
      { tool: 'Get-NetFirewallRule', status: 'read', message: null, ruleCount: 4 },
    ]);
    expect(outcome.data.frontends).toEqual([]);
  });

  it('leaves inbound rules out: the answers of an outgoing connection never meet them', async () => {
    const { system } = fakeSystem({
      'powershell.exe': { stdout: osFixture('get-netfirewallrule.json.txt') },
    });
    const outcome = complete(await win32.run(context(system, { port: 3389 })));
    expect(outcome.data.matches).toEqual([]);
    expect(outcome.assessment).toBe('ok');
  });

  it('falls back to netsh when PowerShell fails', async () => {
    const { system, calls } = fakeSystem({
      'powershell.exe': { code: 1, stderr: 'Get-NetFirewallRule : Access is denied.\r\n' },
      'netsh.exe': { stdout: osFixture('netsh-show-rule-verbose.txt') },
    });
    const outcome = complete(await win32.run(context(system)));
    expect(calls.map((c) => c.file)).toEqual(['powershell.exe', 'netsh.exe']);
    expect(calls[1]?.args).toEqual(['advfirewall', 'firewall', 'show', 'rule', 'name=all', 'verbose']);
    expect(outcome.data.sources.map((s) => `${s.tool} ${s.status} ${s.ruleCount}`)).toEqual([
      'Get-NetFirewallRule denied 0',
      'netsh advfirewall read 2',
    ]);
    expect(outcome.summary).toBe(
      '1 rule matches 198.18.4.2:80: Windows Firewall rule "Block lab server" drops the packets (outbound); Get-NetFirewallRule could not be read (run Reset Doctor as Administrator)',
    );
    expect(outcome.assessment).toBe('fail');
  });

  it('says netsh output in another language cannot be read', async () => {
    const { system } = fakeSystem({
      'netsh.exe': {
        stdout: 'Regelname:                            Test\r\nAktiviert:                            Ja\r\n',
      },
    });
    const outcome = await win32.run(context(system));
    expect(outcome.status).toBe('skipped');
    expect(outcome.status === 'skipped' && outcome.reason).toBe(
      'The firewall rules could not be read: netsh listed no "Rule Name:" line: its output is probably in another language than English.',
    );
  });

  it('is skipped when neither tool is there', async () => {
    const { system } = fakeSystem({});
    expect(await win32.run(context(system))).toMatchObject({
      status: 'skipped',
      reason: 'Neither PowerShell nor netsh is available: there are no Windows Firewall rules to read.',
    });
  });
});

describe('localRulesProbe on macOS', () => {
  const darwin = createLocalRulesProbe({ platform: 'darwin' });
  const pfctl = (info: string) => (args: string[]) =>
    args[0] === '-sr'
      ? { stdout: osFixture('pfctl-sr.txt'), stderr: osFixture('pfctl.stderr.txt') }
      : { stdout: osFixture(info), stderr: osFixture('pfctl.stderr.txt') };

  it('reads pf and the application firewall, and fails on a block return rule', async () => {
    const { system, calls } = fakeSystem({
      pfctl: pfctl('pfctl-si-enabled.txt'),
      '/usr/libexec/ApplicationFirewall/socketfilterfw': { stdout: osFixture('socketfilterfw.txt') },
    });
    const outcome = complete(await darwin.run(context(system)));
    // The three run at once; the order they start in does not matter.
    expect(calls.map((c) => `${c.file} ${c.args.join(' ')}`).sort()).toEqual([
      '/usr/libexec/ApplicationFirewall/socketfilterfw --getglobalstate --getblockall --getstealthmode',
      'pfctl -si',
      'pfctl -sr',
    ]);
    expect(outcome.assessment).toBe('fail');
    expect(outcome.summary).toBe(
      '2 rules match 198.18.4.2:80: pf rule "block return out quick inet proto tcp from any to 198.18.4.2 port = http" rejects with TCP reset; application firewall active',
    );
    expect(outcome.data.sources).toEqual([
      {
        tool: 'pfctl -sr',
        status: 'read',
        message: 'the rules inside anchor com.example.vpn are not listed by pfctl -sr',
        ruleCount: 8,
      },
    ]);
    expect(outcome.data.frontends.map((f) => f.name)).toEqual(['application-firewall']);
  });

  it('matches nothing when pf is disabled', async () => {
    const { system } = fakeSystem({ pfctl: pfctl('pfctl-si-disabled.txt') });
    const outcome = complete(await darwin.run(context(system)));
    expect(outcome.data.matches).toEqual([]);
    expect(outcome.data.frontends).toEqual([]);
    expect(outcome.summary).toBe(
      'No local firewall rule drops or rejects traffic to 198.18.4.2:80; pf is disabled',
    );
    expect(outcome.data.sources[0]?.message).toMatch(/^pf is disabled: its 8 rules are not enforced/);
  });

  it('is skipped with the way to get root when pfctl is denied', async () => {
    const { system } = fakeSystem({ pfctl: { code: 1, stderr: osFixture('pfctl-denied.stderr.txt') } });
    expect(await darwin.run(context(system))).toMatchObject({
      status: 'skipped',
      reason: 'Reading the firewall rules needs root: run Reset Doctor with sudo.',
    });
  });
});
