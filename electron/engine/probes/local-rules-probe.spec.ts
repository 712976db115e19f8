import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetError, type CommandResult, type SystemIo } from '../net/engine-io.js';
import type { ProbeContext, ProbeDefinition, ProbeOutcome } from '../runner/probe-types.js';
import type { RunEnvironment } from '../runner/run-environment.js';
import type { DnsData } from './dns-probe.js';
import { createLocalRulesProbe, localRulesProbe, type LocalRulesData } from './local-rules-probe.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../parsers/fixtures/${name}`, import.meta.url), 'utf8');
}

type Reply = Partial<CommandResult> | NetError;

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
      if (reply === undefined) throw new Error(`${file} was run without being installed`);
      if (reply instanceof NetError) throw reply;
      return { code: 0, stdout: '', stderr: '', ...reply };
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
  const env = {
    io: { system },
    target: { port: options.port ?? 80, hostAscii: 'web.lab.test' },
  } as unknown as RunEnvironment;
  return {
    signal: new AbortController().signal,
    progress: () => undefined,
    env,
    results: {
      get: () => undefined,
      data: <D>(probe: ProbeDefinition<D>): D | null => (probe.id === 'dns' ? (dns as unknown as D) : null),
    },
  };
}

const linux = createLocalRulesProbe({ platform: 'linux' });

function complete(
  outcome: ProbeOutcome<LocalRulesData>,
): Extract<ProbeOutcome<LocalRulesData>, { status: 'complete' }> {
  if (outcome.status !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome;
}

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

  it('is skipped on other systems', async () => {
    const { system, calls } = fakeSystem(HOST);
    const outcome = await createLocalRulesProbe({ platform: 'darwin' }).run(context(system));
    expect(outcome).toEqual({
      status: 'skipped',
      reason:
        'Reading firewall rules on darwin comes in a later version; on Linux it reads nftables and iptables.',
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
});
