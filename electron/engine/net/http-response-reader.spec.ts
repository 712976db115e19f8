import { describe, expect, it } from 'vitest';
import { HttpResponseReader } from './http-response-reader.js';

describe('HttpResponseReader', () => {
  it('completes on Content-Length across chunks', () => {
    const reader = new HttpResponseReader();
    expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n'))).toBe(false);
    expect(reader.push(Buffer.from('\r\nhel'))).toBe(false);
    expect(reader.head?.statusCode).toBe(200);
    expect(reader.push(Buffer.from('lo'))).toBe(true);
  });

  it('completes on the last chunk of a chunked body', () => {
    const reader = new HttpResponseReader();
    expect(
      reader.push(Buffer.from('HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n')),
    ).toBe(false);
    expect(reader.push(Buffer.from('0\r\n\r\n'))).toBe(true);
    expect(reader.head?.statusLine).toBe('HTTP/1.1 502 Bad Gateway');
  });

  it('knows a body without length ends at close', () => {
    const reader = new HttpResponseReader();
    reader.push(Buffer.from('HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody'));
    expect(reader.endsAtClose).toBe(true);
    expect(reader.head?.headers.server).toBe('x');
  });
});
