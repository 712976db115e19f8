import { describe, expect, it } from 'vitest';
import { codeParts } from './code-spans.js';

describe('codeParts', () => {
  it('splits a remedy into text and the code between backticks', () => {
    expect(codeParts('Set `keepalive_timeout 2s;` in nginx, or `sysctl -w a=1`.')).toEqual([
      { code: false, text: 'Set ' },
      { code: true, text: 'keepalive_timeout 2s;' },
      { code: false, text: ' in nginx, or ' },
      { code: true, text: 'sysctl -w a=1' },
      { code: false, text: '.' },
    ]);
  });

  it('keeps a lone backtick, and text without any, as text', () => {
    expect(codeParts('a ` b')).toEqual([{ code: false, text: 'a ` b' }]);
    expect(codeParts('plain')).toEqual([{ code: false, text: 'plain' }]);
    expect(codeParts('')).toEqual([]);
  });
});
