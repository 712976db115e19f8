import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bypassCovers,
  detectSecuritySoftware,
  macosProxies,
  parseGsettingsString,
  parsePsOutput,
  parseRegQueryValue,
  parseTasklistCsv,
  proxiesFromEnvironment,
  redactProxy,
  windowsProxies,
  type ProxyTarget,
} from './security-software-parser.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/security/${name}`, import.meta.url), 'utf8');
}

const https: ProxyTarget = {
  host: 'api.example.com',
  scheme: 'https',
  port: 443,
  addresses: ['198.51.100.20'],
};

describe('process lists', () => {
  it('finds agents in Linux ps -eo pid,comm,args, not in a grep for them', () => {
    const processes = parsePsOutput(fixture('ps-linux.txt'), true);
    expect(processes.find((p) => p.pid === 812)).toEqual({ pid: 812, name: 'falcon-sensor' });
    const found = detectSecuritySoftware(processes);
    expect(found.map((s) => `${s.name} ${s.kind} ${s.processes.join(',')}`)).toEqual([
      'CrowdStrike Falcon edr falcon-sensor,falcond',
      'Suricata ids suricata',
      'Tailscale vpn tailscaled',
    ]);
    expect(found[0]?.vendor).toBe('CrowdStrike');
    expect(found[0]?.why).toMatch(/reset/);
  });

  it('finds agents in Windows tasklist /fo csv /nh', () => {
    const processes = parseTasklistCsv(fixture('tasklist.csv.txt'));
    expect(processes).toHaveLength(9);
    expect(processes[3]).toEqual({ pid: 3876, name: 'CSFalconService.exe' });
    expect(detectSecuritySoftware(processes).map((s) => s.name)).toEqual([
      'CrowdStrike Falcon',
      'Microsoft Defender for Endpoint',
      'Palo Alto GlobalProtect',
      'Zscaler Client Connector',
    ]);
  });

  it('finds agents in macOS ps -axo pid,comm, whose names hold spaces', () => {
    const found = detectSecuritySoftware(parsePsOutput(fixture('ps-darwin.txt'), false));
    expect(found.map((s) => `${s.name}: ${s.processes.join(', ')}`)).toEqual([
      'CrowdStrike Falcon: com.crowdstrike.falcon.Agent',
      'Cloudflare WARP: Cloudflare WARP, CloudflareWARP',
      'Little Snitch: Little Snitch Daemon',
    ]);
  });
});

describe('proxies', () => {
  it('redacts credentials', () => {
    expect(redactProxy('http://jdoe:S3cret@proxy.example:3128')).toBe('http://***@proxy.example:3128');
    expect(redactProxy('jdoe:S3cret@proxy.example:3128')).toBe('***@proxy.example:3128');
    expect(redactProxy('http://proxy.example:3128/path@x')).toBe('http://proxy.example:3128/path@x');
  });

  it('reads the environment in any case and says whether NO_PROXY covers the target', () => {
    const env = {
      HTTPS_PROXY: 'http://jdoe:S3cret@proxy.example:3128',
      http_proxy: 'http://proxy.example:3128',
      NO_PROXY: 'localhost,.internal.example',
      PATH: '/usr/bin',
    };
    expect(proxiesFromEnvironment(env, https)).toEqual([
      { source: 'env http_proxy', value: 'http://proxy.example:3128', appliesToTarget: false },
      { source: 'env HTTPS_PROXY', value: 'http://***@proxy.example:3128', appliesToTarget: true },
      { source: 'env NO_PROXY', value: 'localhost,.internal.example', appliesToTarget: false },
    ]);
    const internal = { ...https, host: 'db.internal.example' };
    expect(proxiesFromEnvironment(env, internal).map((p) => p.appliesToTarget)).toEqual([false, false, true]);
    expect(proxiesFromEnvironment({ ALL_PROXY: 'socks5://p:1080' }, { ...https, scheme: 'tcp' })).toEqual([
      { source: 'env ALL_PROXY', value: 'socks5://p:1080', appliesToTarget: null },
    ]);
  });

  it('matches bypass entries: suffixes, wildcards, CIDR, ports, <local>', () => {
    expect(bypassCovers(['example.com'], https)).toBe(true);
    expect(bypassCovers(['*.example.com'], https)).toBe(true);
    expect(bypassCovers(['198.51.100.0/24'], https)).toBe(true);
    expect(bypassCovers(['api.example.com:8443'], https)).toBe(false);
    expect(bypassCovers(['ample.com'], https)).toBe(false);
    expect(bypassCovers(['<local>'], { ...https, host: 'intranet' })).toBe(true);
    expect(bypassCovers(['*'], https)).toBe(true);
  });

  it('reads the Windows Internet Settings through reg query', () => {
    const values = {
      enable: parseRegQueryValue(fixture('reg-proxyenable.txt'), 'ProxyEnable'),
      server: parseRegQueryValue(fixture('reg-proxyserver.txt'), 'ProxyServer'),
      override: parseRegQueryValue(fixture('reg-proxyoverride.txt'), 'ProxyOverride'),
      autoConfigUrl: parseRegQueryValue(fixture('reg-autoconfigurl.txt'), 'AutoConfigURL'),
    };
    expect(values.enable).toBe('0x1');
    expect(parseRegQueryValue(fixture('reg-missing.stderr.txt'), 'ProxyEnable')).toBeNull();
    expect(windowsProxies(values, https)).toEqual({
      proxies: [
        { source: 'windows ProxyServer http', value: 'corp-proxy.example:8080', appliesToTarget: false },
        { source: 'windows ProxyServer https', value: '***@corp-proxy.example:8443', appliesToTarget: true },
        { source: 'windows ProxyOverride', value: '*.corp.example;10.*;<local>', appliesToTarget: false },
      ],
      pac: 'http://wpad.corp.example/proxy.pac',
    });
    expect(windowsProxies({ ...values, enable: '0x0' }, https).proxies).toEqual([]);
  });

  it('reads scutil --proxy', () => {
    expect(macosProxies(fixture('scutil-proxy.txt'), https)).toEqual({
      proxies: [
        { source: 'macos HTTPProxy', value: 'proxy.example:8080', appliesToTarget: false },
        { source: 'macos HTTPSProxy', value: 'proxy.example:8443', appliesToTarget: true },
        {
          source: 'macos ExceptionsList',
          value: '*.local, 169.254/16, internal.example',
          appliesToTarget: false,
        },
      ],
      pac: 'http://pac.example/proxy.pac',
    });
    expect(macosProxies(fixture('scutil-proxy-none.txt'), https)).toEqual({ proxies: [], pac: null });
  });

  it('reads gsettings strings', () => {
    expect(parseGsettingsString(fixture('gsettings-mode-manual.txt'))).toBe('manual');
    expect(parseGsettingsString('No such schema “org.gnome.system.proxy”')).toBeNull();
  });
});

// Minimal counter-examples the fuzz spec found.
describe('security-software readers on hostile input', () => {
  const target: ProxyTarget = { host: `${'a'.repeat(60)}`, scheme: 'https', port: 443, addresses: [] };

  it('match a bypass entry of many wildcards in linear time (the regular expression backtracked for minutes)', () => {
    const started = performance.now();
    expect(bypassCovers([`${'*a'.repeat(30)}*b`], target)).toBe(false);
    expect(bypassCovers([`${'*a'.repeat(30)}*`], target)).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('ignore a bypass subnet with a prefix longer than the address instead of throwing', () => {
    const t: ProxyTarget = { host: 'api.lab.test', scheme: 'http', port: 80, addresses: ['10.0.0.1'] };
    expect(bypassCovers(['10.0.0.0/42', '10.0.0.0/8'], t)).toBe(true);
    expect(bypassCovers(['10.0.0.0/42'], t)).toBe(false);
  });

  it('hide a password that follows a stray first line', () => {
    expect(redactProxy('!\nhttp://user:S3cr3t@proxy.corp:3128')).toBe('!\nhttp://***@proxy.corp:3128');
    expect(redactProxy('http=u:p@a:80;https=u:p@b:443')).toBe('http=***@a:80;https=***@b:443');
  });

  it('read ps and reg output with long runs of spaces or CRs in linear time', () => {
    const started = performance.now();
    expect(parsePsOutput(`1 a${'\t '.repeat(25_000)}b`, true).map((p) => p.name)).toEqual(['a', 'b']);
    expect(parseRegQueryValue('\r'.repeat(50_000), 'ProxyServer')).toBeNull();
    expect(performance.now() - started).toBeLessThan(500);
    expect(parseRegQueryValue('    ProxyServer    REG_SZ    proxy.corp:3128  \r\n', 'ProxyServer')).toBe(
      'proxy.corp:3128',
    );
  });
});
