import { describe, expect, it } from 'vitest';
import { printable } from './printable-text.js';

describe('printable', () => {
  it('leaves ordinary text alone, accents and IPv6 zones included', () => {
    for (const text of ['web.lab.test:443', 'bücher.example', 'fe80::1%eth0', '/var/log/nginx/error.log']) {
      expect(printable(text)).toBe(text);
    }
  });

  it('escapes terminal controls, newlines, DEL, C1 and bidirectional overrides', () => {
    expect(printable('web\u001b[2J.test')).toBe('web\\x1b[2J.test');
    expect(printable('a\nb\rc\td')).toBe('a\\x0ab\\x0dc\\x09d');
    expect(printable('x\u007fy\u009bz')).toBe('x\\x7fy\\x9bz');
    expect(printable('evil\u202egnp.exe')).toBe('evil\\u202egnp.exe');
    expect(printable('a\u2028b')).toBe('a\\u2028b');
  });

  it('always gives one line', () => {
    const all = Array.from({ length: 0x2070 }, (_, i) => String.fromCharCode(i)).join('');
    expect(printable(all)).not.toMatch(/[\n\r\u2028\u2029]/);
  });
});
