/**
 * Fuzz: what the security-software probe reads from outside: process lists (ps, tasklist), proxy settings
 * (environment variables, the Windows registry, scutil, gsettings) and bypass lists matched against the
 * target. Mutated fixtures, hostile text and long input; nothing may throw, hang, or leak a proxy password.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fixtureText,
  fuzzParams,
  hostileText,
  LONG_INPUT_MS,
  longInputs,
  textInput,
  timed,
} from '../../../test/unit/fuzz-arbitraries.js';
import {
  bypassCovers,
  detectSecuritySoftware,
  macosProxies,
  parseGsettingsString,
  parsePsOutput,
  parseRegQueryValue,
  parseScutilProxy,
  parseTasklistCsv,
  proxiesFromEnvironment,
  redactProxy,
  windowsProxies,
  type ProxyFindings,
  type ProxySetting,
  type ProxyTarget,
} from './security-software-parser.js';

const read = (name: string): string => fixtureText(`security/${name}`);
const PROCESS_SEEDS = ['ps-linux.txt', 'ps-darwin.txt', 'tasklist.csv.txt'].map(read);
const SETTING_SEEDS = [
  'reg-proxyenable.txt',
  'reg-proxyserver.txt',
  'reg-proxyoverride.txt',
  'reg-autoconfigurl.txt',
  'reg-missing.stderr.txt',
  'scutil-proxy.txt',
  'scutil-proxy-none.txt',
  'gsettings-mode-manual.txt',
  'gsettings-autoconfig-url.txt',
].map(read);
const BYPASS_SEEDS = [
  'localhost,127.0.0.1,.corp.example',
  '*.corp.example;10.*;<local>',
  '10.0.0.0/8,[::1]:8080,api.lab.test:443',
  '*',
];

const target: fc.Arbitrary<ProxyTarget> = fc.record({
  host: fc.oneof(fc.domain(), fc.constantFrom('api.lab.test', 'localhost', 'a'.repeat(253)), hostileText),
  scheme: fc.constantFrom('http' as const, 'https' as const, 'tcp' as const),
  port: fc.oneof(fc.constantFrom(80, 443, 8080), fc.integer()),
  addresses: fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 2 }),
});

/** A proxy URL with a password: the password must never show in what the probe reports. */
const SECRET = 'S3cr3tPa55';
const proxyValue = fc.oneof(
  textInput(['http://proxy.corp:3128', `http://user:${SECRET}@proxy.corp:3128`, 'socks5://10.0.0.1:1080']),
  fc.constant(`http://user:${SECRET}@proxy.corp:3128`),
);

function checkSettings(settings: ProxySetting[], secret?: string): void {
  for (const setting of settings) {
    expect(typeof setting.source).toBe('string');
    expect(setting.appliesToTarget === null || typeof setting.appliesToTarget === 'boolean').toBe(true);
    // A password is what stands before the "@" of the proxy's address, since the word's start or a "//",
    // with no "/" in it (RFC 3986). None may stand there in what is shown; elsewhere the text is no password.
    if (secret !== undefined && !/no_proxy/i.test(setting.source)) {
      expect(setting.value).not.toMatch(new RegExp(`(?:^|[\\s;,=]|//)[^@/\\s;,=]*${SECRET}[^@/\\s;,=]*@`));
    }
  }
}

function checkFindings(findings: ProxyFindings): void {
  checkSettings(findings.proxies);
  expect(findings.pac === null || typeof findings.pac === 'string').toBe(true);
}

describe('security-software readers (fuzz)', () => {
  it('read mutated process lists and find agents in shape', () => {
    fc.assert(
      fc.property(textInput(PROCESS_SEEDS), fc.boolean(), (text, withArgs) => {
        const processes = [
          ...timed(() => parsePsOutput(text, withArgs)),
          ...timed(() => parseTasklistCsv(text)),
        ];
        for (const p of processes) expect(Number.isInteger(p.pid) && typeof p.name === 'string').toBe(true);
        for (const agent of timed(() => detectSecuritySoftware(processes))) {
          expect(agent.processes.length).toBeGreaterThan(0);
        }
      }),
      fuzzParams(300),
    );
  });

  it('read mutated proxy settings in shape', () => {
    fc.assert(
      fc.property(textInput(SETTING_SEEDS), target, (text, t) => {
        for (const name of ['ProxyEnable', 'ProxyServer', 'ProxyOverride', 'AutoConfigURL']) {
          const value = timed(() => parseRegQueryValue(text, name));
          expect(value === null || typeof value === 'string').toBe(true);
        }
        const scutil = timed(() => parseScutilProxy(text));
        expect(scutil.exceptions.every((e) => typeof e === 'string')).toBe(true);
        checkFindings(timed(() => macosProxies(text, t)));
        const gsettings = timed(() => parseGsettingsString(text));
        expect(gsettings === null || typeof gsettings === 'string').toBe(true);
        checkFindings(
          timed(() =>
            windowsProxies({ enable: '0x1', server: text, override: text, autoConfigUrl: text }, t),
          ),
        );
      }),
      fuzzParams(300),
    );
  });

  it('match any bypass list against any target, quickly', () => {
    const list = fc.oneof(
      textInput(BYPASS_SEEDS).map((text) => text.split(/[,;]/)),
      fc.array(hostileText, { maxLength: 5 }),
    );
    fc.assert(
      fc.property(list, target, (entries, t) => {
        expect(typeof timed(() => bypassCovers(entries, t))).toBe('boolean');
      }),
      fuzzParams(500),
    );
  });

  it('match wildcard bypass entries like the regular expression they stand for, quickly', () => {
    // The reference: what the entry means, as a regular expression (fine on these short inputs).
    const star = fc.constantFrom('*', 'a', '.', 'b', '?', '[');
    fc.assert(
      fc.property(fc.array(star, { maxLength: 8 }), fc.stringMatching(/^[ab.]{0,12}$/), (parts, host) => {
        const entry = parts.join('');
        fc.pre(entry.includes('*') && !entry.includes('/') && !/^[[\]]/.test(entry));
        const escaped = entry.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
        const expected = new RegExp(`^${escaped}$`).test(host.toLowerCase());
        const t: ProxyTarget = { host, scheme: 'https', port: 443, addresses: [] };
        expect(bypassCovers([entry], t)).toBe(expected);
      }),
      fuzzParams(500),
    );
    const host = `${'a'.repeat(250)}.b`;
    for (const entry of ['*a'.repeat(30) + '*c', '*.'.repeat(30) + 'c', `${'*'.repeat(1000)}c`]) {
      timed(
        () => bypassCovers([entry], { host, scheme: 'https', port: 443, addresses: [] }),
        250,
        entry.slice(0, 20),
      );
    }
  });

  it('read any proxy environment, never showing a password', () => {
    const env = fc.dictionary(
      fc.constantFrom('HTTP_PROXY', 'https_proxy', 'ALL_PROXY', 'NO_PROXY', 'no_proxy', 'PATH', 'toString'),
      proxyValue,
    );
    fc.assert(
      fc.property(env, target, (vars, t) => {
        for (const setting of timed(() => proxiesFromEnvironment(vars, t))) {
          const [, given] = Object.entries(vars).find(([key]) => setting.source === `env ${key}`) ?? [];
          checkSettings([setting], given);
        }
        expect(redactProxy(`http://user:${SECRET}@host:1`)).not.toContain(SECRET);
      }),
      fuzzParams(300),
    );
  });

  it.each(longInputs([PROCESS_SEEDS[0] ?? '', SETTING_SEEDS[5] ?? '']))(
    'stays linear on $name',
    ({ text }) => {
      const t: ProxyTarget = { host: 'api.lab.test', scheme: 'https', port: 443, addresses: ['198.18.4.2'] };
      for (const [name, read] of Object.entries<() => unknown>({
        ps: () => parsePsOutput(text, true),
        tasklist: () => parseTasklistCsv(text),
        reg: () => parseRegQueryValue(text, 'ProxyServer'),
        scutil: () => macosProxies(text, t),
        bypass: () => bypassCovers(text.split(/[,;]/).slice(0, 1000), t),
        env: () => proxiesFromEnvironment({ HTTPS_PROXY: text, NO_PROXY: text }, t),
      })) {
        timed(read, LONG_INPUT_MS, name);
      }
    },
  );
});
