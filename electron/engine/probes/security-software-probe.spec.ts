import { completed, probeContext } from '../../../test/unit/probe-context.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetError, type CommandResult, type SystemIo } from '../net/engine-io.js';
import type { ProbeContext } from '../runner/probe-types.js';
import type { DnsData } from './dns-probe.js';
import {
  createSecuritySoftwareProbe,
  securitySoftwareProbe,
  type SecuritySoftwareData,
} from './security-software-probe.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../parsers/fixtures/security/${name}`, import.meta.url), 'utf8');
}

type Reply = Partial<CommandResult> | NetError | ((args: string[]) => Partial<CommandResult>);

function fakeSystem(replies: Record<string, Reply>): { system: SystemIo; calls: string[] } {
  const calls: string[] = [];
  const system: SystemIo = {
    async which(file) {
      return file in replies ? `/usr/bin/${file}` : null;
    },
    async run(file, args) {
      calls.push([file, ...args].join(' '));
      const reply = replies[file];
      if (reply === undefined) throw new Error(`${file} was run without being installed`);
      if (reply instanceof NetError) throw reply;
      return { code: 0, stdout: '', stderr: '', ...(typeof reply === 'function' ? reply(args) : reply) };
    },
  };
  return { system, calls };
}

const DNS: DnsData = {
  host: 'api.example.com',
  addresses: [{ address: '198.51.100.20', family: 4 }],
  durationMs: 2,
  literal: false,
  failure: null,
};

function context(system: SystemIo, scheme: 'http' | 'https' | 'tcp' = 'https'): ProbeContext {
  const target = { port: scheme === 'http' ? 80 : 443, hostAscii: 'api.example.com', scheme };
  return probeContext({ io: { system }, target }, { dns: DNS });
}

const complete = completed<SecuritySoftwareData>;

const REG: Record<string, string> = {
  ProxyEnable: 'reg-proxyenable.txt',
  ProxyServer: 'reg-proxyserver.txt',
  ProxyOverride: 'reg-proxyoverride.txt',
  AutoConfigURL: 'reg-autoconfigurl.txt',
};

describe('securitySoftwareProbe', () => {
  it('is the probe named in the checklist', () => {
    expect(securitySoftwareProbe.id).toBe('security-software');
    expect(securitySoftwareProbe.title).toBe('Security software and proxies');
  });

  it('names the agents and the proxy on Linux, and warns', async () => {
    const { system, calls } = fakeSystem({
      ps: { stdout: fixture('ps-linux.txt') },
      gsettings: { stdout: fixture('gsettings-mode-none.txt') },
    });
    const probe = createSecuritySoftwareProbe({
      platform: 'linux',
      environment: () => ({ https_proxy: 'http://bob:hunter2@proxy.example:3128', NO_PROXY: 'localhost' }),
    });
    const outcome = complete(await probe.run(context(system)));
    expect(calls.sort()).toEqual(['gsettings get org.gnome.system.proxy mode', 'ps -eo pid,comm,args']);
    expect(outcome.assessment).toBe('warn');
    expect(outcome.summary).toBe(
      '3 agents that can reset connections: CrowdStrike Falcon (edr), Suricata (ids), Tailscale (vpn); env https_proxy sends traffic to api.example.com through a proxy',
    );
    expect(outcome.data.proxies).toEqual([
      { source: 'env https_proxy', value: 'http://***@proxy.example:3128', appliesToTarget: true },
      { source: 'env NO_PROXY', value: 'localhost', appliesToTarget: false },
    ]);
    expect(JSON.stringify(outcome.data)).not.toContain('hunter2');
    expect(outcome.data.pac).toBeNull();
    expect(outcome.data.errors).toEqual([]);
  });

  it('reads tasklist and the Internet Settings on Windows', async () => {
    const { system, calls } = fakeSystem({
      'tasklist.exe': { stdout: fixture('tasklist.csv.txt') },
      'reg.exe': (args) => ({ stdout: fixture(REG[args[3] ?? ''] ?? 'reg-missing.stderr.txt') }),
    });
    const outcome = complete(
      await createSecuritySoftwareProbe({ platform: 'win32', environment: () => ({}) }).run(context(system)),
    );
    expect(calls).toContain('tasklist.exe /fo csv /nh');
    expect(calls).toContain(
      'reg.exe query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings /v ProxyEnable',
    );
    expect(outcome.data.software.map((s) => s.name)).toEqual([
      'CrowdStrike Falcon',
      'Microsoft Defender for Endpoint',
      'Palo Alto GlobalProtect',
      'Zscaler Client Connector',
    ]);
    expect(outcome.data.pac).toBe('http://wpad.corp.example/proxy.pac');
    expect(outcome.data.proxies.map((p) => `${p.source} ${p.appliesToTarget}`)).toEqual([
      'windows ProxyServer http false',
      'windows ProxyServer https true',
      'windows ProxyOverride false',
    ]);
    expect(outcome.assessment).toBe('warn');
  });

  it('takes a registry value that is not set as no proxy', async () => {
    const { system } = fakeSystem({
      'tasklist.exe': { stdout: '"System","4","Services","0","2,412 K"\r\n' },
      'reg.exe': { code: 1, stderr: fixture('reg-missing.stderr.txt') },
    });
    const outcome = complete(
      await createSecuritySoftwareProbe({ platform: 'win32', environment: () => ({}) }).run(context(system)),
    );
    expect(outcome).toMatchObject({
      assessment: 'ok',
      summary: 'No known security agent, VPN or proxy between the application and the target',
      data: { software: [], proxies: [], pac: null, errors: [] },
    });
  });

  it('reads ps and scutil --proxy on macOS', async () => {
    const { system } = fakeSystem({
      ps: { stdout: fixture('ps-darwin.txt') },
      scutil: { stdout: fixture('scutil-proxy.txt') },
    });
    const outcome = complete(
      await createSecuritySoftwareProbe({ platform: 'darwin', environment: () => ({}) }).run(
        context(system, 'http'),
      ),
    );
    expect(outcome.data.software.map((s) => s.kind)).toEqual(['edr', 'vpn', 'firewall']);
    expect(outcome.data.proxies.map((p) => `${p.source} ${p.appliesToTarget}`)).toEqual([
      'macos HTTPProxy true',
      'macos HTTPSProxy false',
      'macos ExceptionsList false',
    ]);
    expect(outcome.data.pac).toBe('http://pac.example/proxy.pac');
  });

  it('is ok when proxies are set but do not apply, and reports what it could not read', async () => {
    const { system } = fakeSystem({
      ps: { code: 1, stderr: 'ps: permission denied\n' },
      gsettings: (args) => ({
        stdout:
          args[2] === 'mode' ? fixture('gsettings-mode-auto.txt') : fixture('gsettings-autoconfig-url.txt'),
      }),
    });
    const outcome = complete(
      await createSecuritySoftwareProbe({
        platform: 'linux',
        environment: () => ({ HTTP_PROXY: 'http://proxy.example:3128' }),
      }).run(context(system)),
    );
    expect(outcome.data.pac).toBe('http://wpad.example/wpad.dat');
    expect(outcome.data.errors).toEqual([
      expect.stringMatching(/^ps needs root to answer: run Reset Doctor .* \(ps: permission denied\)$/),
    ]);
    expect(outcome.assessment).toBe('warn');

    const plain = fakeSystem({
      ps: { stdout: '    PID COMMAND         COMMAND\n      1 systemd         /sbin/init\n' },
    });
    const ok = complete(
      await createSecuritySoftwareProbe({
        platform: 'linux',
        environment: () => ({ HTTP_PROXY: 'http://proxy.example:3128' }),
      }).run(context(plain.system)),
    );
    expect(ok.assessment).toBe('ok');
    expect(ok.summary).toBe(
      'No security agent found; the proxies set (env HTTP_PROXY) do not apply to api.example.com',
    );
  });

  it('is skipped on systems it does not know', async () => {
    const { system, calls } = fakeSystem({});
    expect(await createSecuritySoftwareProbe({ platform: 'aix' }).run(context(system))).toEqual({
      status: 'skipped',
      reason: 'Looking for security software on aix is not supported.',
    });
    expect(calls).toEqual([]);
  });

  it('passes cancellation on', async () => {
    const cancelled = new NetError({ code: 'cancelled', message: 'cancelled' });
    const { system } = fakeSystem({ ps: cancelled });
    await expect(
      createSecuritySoftwareProbe({ platform: 'darwin', environment: () => ({}) }).run(context(system)),
    ).rejects.toBe(cancelled);
  });
});
