import { describe, expect, it } from 'vitest';
import { parseTarget, TargetError } from './target-parser.js';

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
      new TargetError('"pi.internal\\napi.internal" contains spaces: give a host, host:port or URL'),
    );
    expect(() => parseTarget('host:1\u0000')).toThrow('"1\\u0000" is not a port number (1-65535)');
    expect(() => parseTarget('a'.repeat(50_000))).toThrow(`"${'a'.repeat(99)}…" is too long for a host name`);
  });
});
