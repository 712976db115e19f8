import { describe, expect, it } from 'vitest';
import { networkInterfaces, platform } from 'node:os';
import { parseHost, parseTarget, TargetError } from './target-parser.js';

describe('parseTarget', () => {
  it.each([
    ['api.internal', { scheme: 'https', hostAscii: 'api.internal', port: 443, ipVersion: null }],
    ['api.internal:8080', { scheme: 'tcp', hostAscii: 'api.internal', port: 8080 }],
    ['db.lab.test:80', { scheme: 'http', port: 80 }],
    ['198.18.4.2:5432', { scheme: 'tcp', hostAscii: '198.18.4.2', port: 5432, ipVersion: 4 }],
    ['[::1]:443', { scheme: 'https', host: '::1', port: 443, ipVersion: 6 }],
    ['fd00:5e7:4::2', { host: 'fd00:5e7:4::2', port: 443, ipVersion: 6 }],
    ['http://web.lab.test', { scheme: 'http', port: 80, path: '/' }],
    ['https://web.lab.test:8443/a/b?x=1', { scheme: 'https', port: 8443, path: '/a/b?x=1' }],
    ['http://[fd00:5e7:4::2]:8080/', { host: 'fd00:5e7:4::2', port: 8080, ipVersion: 6 }],
    ['HTTPS://Web.Lab.Test/', { scheme: 'https', hostAscii: 'web.lab.test' }],
  ])('parses %s', (input, expected) => {
    expect(parseTarget(input)).toMatchObject(expected);
  });

  it('keeps an internationalized name for display and punycodes it for the network', () => {
    expect(parseTarget('bücher.example:443')).toMatchObject({
      host: 'bücher.example',
      hostAscii: 'xn--bcher-kva.example',
    });
    expect(parseTarget('https://bücher.example/')).toMatchObject({
      host: 'bücher.example',
      hostAscii: 'xn--bcher-kva.example',
    });
  });

  it.each([
    ['', /empty/],
    ['  ', /empty/],
    ['host name', /spaces/],
    ['ftp://files.example', /not supported/],
    ['host:0', /out of range/],
    ['host:99999', /out of range/],
    ['host:http', /not a port/],
    ['fd00::1:443x', /IPv6 address with a port/],
    ['[fd00::zz]:443', /not a valid IPv6/],
    ['256.1.1.1', /not a valid IPv4/],
    ['-bad-.example', /not a valid host name/],
    ['a..b', /not a valid host name/],
    ['https://user:pw@host/', /passwords/],
    [`${'a'.repeat(64)}.example`, /not a valid host name/],
    ['web\u001b[2J.example', /contains control characters/],
    ['web.example\u0000', /contains control characters/],
    ['http://web.example/\u0007', /contains control characters/],
    ['fe80::1%nonexistent0', /no network interface "nonexistent0" with an IPv6 address/],
    ['[fe80::1%nonexistent0]:443', /no network interface "nonexistent0"/],
  ])('rejects %j with a one-line message', (input, message) => {
    expect(() => parseTarget(input)).toThrow(message);
    try {
      parseTarget(input);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  // Found by the fuzz spec: the input was echoed as it came, line breaks and all.
  it('echoes a target with line breaks escaped, and a long one cut', () => {
    expect(() => parseTarget('pi.internal\napi.internal')).toThrow(
      new TargetError(
        '"pi.internal\\napi.internal" contains control characters: give a host, host:port or URL',
      ),
    );
    expect(() => parseTarget('host:1\u0000')).toThrow('"host:1\\u0000" contains control characters');
    expect(() => parseTarget('a'.repeat(50_000))).toThrow(`"${'a'.repeat(99)}…" is too long for a host name`);
  });
});

// The first interface of this machine with an IPv6 address, as a zone names it (Windows: its number).
const zone = Object.entries(networkInterfaces()).flatMap(([name, addresses]) =>
  (addresses ?? [])
    .filter((a) => a.family === 'IPv6')
    .map((a) => (platform() === 'win32' ? String(a.scopeid) : name)),
)[0];

describe('IPv6 zones', () => {
  it.skipIf(zone === undefined)('takes a zone that names an interface of this machine', () => {
    expect(parseTarget(`fe80::1%${zone}`)).toMatchObject({ host: `fe80::1%${zone}`, ipVersion: 6 });
    expect(parseTarget(`[fe80::1%${zone}]:80`)).toMatchObject({ port: 80, ipVersion: 6 });
  });
});

describe('parseHost', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['[::1]', '::1'],
    ['0.0.0.0', '0.0.0.0'],
    ['LocalHost', 'localhost'],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('takes %j as %j', (input, host) => {
    expect(parseHost(input)).toBe(host);
  });

  it.each([
    ['256.1.1.1', /"256.1.1.1" is not a valid IPv4 address/],
    ['', /the host is empty/],
    ['[]', /the host is empty/],
    ['bad_host!', /not a valid host name/],
    ['a b', /not an address or a host name/],
    ['host\u001b', /not an address or a host name/],
    ['fe80::1%nonexistent0', /no network interface/],
  ])('refuses %j in one line', (input, message) => {
    expect(() => parseHost(input)).toThrow(message);
  });
});
