import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AddressRedactor, canonical } from './report-redact-addresses.js';

const redact = (text: string): string => new AddressRedactor().redact(text);

describe('AddressRedactor', () => {
  it('reads a bracketed IPv6 address with a port as one address', () => {
    expect(redact('connect to [2001:db8::1]:80 failed')).toBe('connect to [<ip-1>]:80 failed');
    expect(redact('[2001:db8:0:0:1:0:0:1]:443, [::ffff:192.0.2.1]:80')).toBe('[<ip-1>]:443, [<ip-2>]:80');
  });

  it('gives one address one placeholder in any spelling', () => {
    const r = new AddressRedactor();
    const forms = [
      '2001:db8::1',
      '2001:DB8::1',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      '2001:db8:0:0:0:0:0:1',
      '2001:db8::0:1',
    ];
    expect(forms.map((f) => r.redact(f))).toEqual(forms.map(() => '<ip-1>'));
    // A v4-mapped address is its IPv4 address (dual-stack sockets report clients that way).
    expect(['192.0.2.7', '::ffff:192.0.2.7', '::FFFF:c000:207'].map((f) => r.redact(f))).toEqual([
      '<ip-2>',
      '<ip-2>',
      '<ip-2>',
    ]);
    expect(r.redact('2001:db8::2 fe80::1 64:ff9b::198.51.100.1 2001:db8::')).toBe(
      '<ip-3> <ip-4> <ip-5> <ip-6>',
    );
  });

  it('keeps zone ids, ports and prefix lengths beside the placeholder', () => {
    const r = new AddressRedactor();
    expect(r.redact('fe80::1%eth0 fe80::1%25en0: [fe80::1%wlp2s0.100]:22')).toBe(
      '<ip-1>%eth0 <ip-1>%25en0: [<ip-1>%wlp2s0.100]:22',
    );
    expect(r.redact('192.0.2.1:8443, 198.51.100.0/24 and 2001:db8::/32')).toBe(
      '<ip-2>:8443, <ip-3>/24 and <ip-4>/32',
    );
    expect(r.redact('::ffff:198.51.100.7:8080')).toBe('<ip-5>:8080');
    // Not a valid IPv6 address with nine groups: the last is a port.
    expect(r.redact('2001:db8:0:0:0:0:0:2:80')).toBe('<ip-6>:80');
  });

  it('does not take sentence punctuation or a word before a colon into the address', () => {
    expect(redact('from 192.0.2.1. Then 192.0.2.1: refused; ip:192.0.2.1 (192.0.2.1)')).toBe(
      'from <ip-1>. Then <ip-1>: refused; ip:<ip-1> (<ip-1>)',
    );
    expect(redact('cafe:192.0.2.1 add:192.0.2.2:80')).toBe('cafe:<ip-1> add:<ip-2>:80');
    expect(redact('Address.......192.0.2.1, ...2001:db8::1, port:443')).toBe(
      'Address.......<ip-1>, ...<ip-2>, port:443',
    );
    expect(redact('fe80::. and 2001:db8::1...')).toBe('<ip-1>. and <ip-2>...');
  });

  it('leaves section numbers, versions, times, dates and digests alone', () => {
    for (const text of [
      'RFC 9293 §3.10.7.1 says so',
      'RFC 9293 § 3.10.7.1, section 3.2.1.4, sec. 4.2.2.13',
      'version 3.10.7, v1.2.3.4, node v20.20.2, 1.2.3.4.5',
      'at 10:11:12, 12:34:56.789 and 2026-12-04T10:11:12Z, 2026-12-04T10:11:12.123+01:00',
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, std::io::Error, 0xdead:beef',
      'node:internal/stream_base_commons:218:20, 1.5 s, 0.064/0.351/2.882/0.583 ms, port 443, 10%',
      'fingerprint AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
    ])
      expect(redact(text)).toBe(text);
  });

  it('hides loopback and unspecified addresses too, like any other', () => {
    expect(redact('127.0.0.1:3128 ::1 [::]:443 0.0.0.0:80 ::ffff:127.0.0.1')).toBe(
      '<ip-1>:3128 <ip-2> [<ip-3>]:443 <ip-4>:80 <ip-1>',
    );
  });

  it('hides MAC addresses in either notation as one placeholder', () => {
    expect(redact('lladdr 00:1A:2B:3C:4D:5E, 00-1a-2b-3c-4d-5e, 00:1a:2b:3c:4d:5f')).toBe(
      'lladdr <mac-1>, <mac-1>, <mac-2>',
    );
  });

  it('stays linear and never throws on hostile text', () => {
    const long = `${'1.'.repeat(200_000)}${'a:'.repeat(200_000)}${'f'.repeat(200_000)}`;
    const started = performance.now();
    expect(redact(long)).toBe(long);
    expect(performance.now() - started).toBeLessThan(2_000);
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('1', 'f', ':', '.', '%', '[', ']', 'e', 'x', ' ', '§') }),
        (s) => {
          expect(typeof redact(s)).toBe('string');
        },
      ),
    );
  });

  it('never leaves an address that Node parses whole in the output', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(address, fc.constantFrom(' ', ', ', '. ', ' (', ') '), (ip, sep) => {
        expect(canonical(ip)).not.toBeNull();
        const out = redact(`seen${sep}${ip}${sep}end`);
        expect(out).toMatch(/<ip-1>/);
        expect(out).not.toContain(ip);
      }),
    );
  });
});
