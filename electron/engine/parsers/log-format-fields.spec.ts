import { describe, expect, it } from 'vitest';
import { extractClientEndpoint, normalizeAddress } from './log-format-fields.js';

describe('extractClientEndpoint', () => {
  it.each([
    [
      'HAProxy, IPv4',
      'Mar  5 10:11:12 lb1 haproxy[1]: 10.0.1.2:33317 [05/Mar/2024:10:11:12.655] http-in app/srv1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      { address: '10.0.1.2', port: 33317 },
    ],
    [
      'HAProxy, IPv6 without brackets',
      'haproxy[1]: 2001:db8::1:33317 [05/Mar/2024:10:11:12.655] http-in app/srv1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      { address: '2001:db8::1', port: 33317 },
    ],
    [
      'HAProxy, IPv4-mapped IPv6',
      'haproxy[1]: ::ffff:10.0.1.2:33317 [05/Mar/2024:10:11:12.655] http-in app/srv1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      { address: '10.0.1.2', port: 33317 },
    ],
    [
      'PostgreSQL connection line',
      '2024-03-05 10:11:10.001 UTC [2201] LOG:  connection received: host=198.18.1.2 port=40123',
      { address: '198.18.1.2', port: 40123 },
    ],
    [
      "PostgreSQL's %r prefix",
      '2024-03-05 10:11:12.345 UTC [2201] shop@shop 198.18.1.2(40123) LOG:  could not receive data from client: Connection reset by peer',
      { address: '198.18.1.2', port: 40123 },
    ],
    [
      'Apache 2.4, IPv6 in brackets',
      '[Tue Mar 05 10:11:12.345678 2024] [proxy_http:error] [pid 1] (104)Connection reset by peer: [client [2001:db8::5]:40123] AH01102: error',
      { address: '2001:db8::5', port: 40123 },
    ],
    [
      'Apache 2.2, no port',
      '[Tue Mar 05 10:11:12 2024] [error] [client 10.0.0.5] File does not exist',
      { address: '10.0.0.5', port: null },
    ],
    [
      'nginx, the last field',
      '2024/03/05 10:11:12 [info] 29#29: *1 client timed out (110: Connection timed out) while waiting for request, client: 10.0.0.5',
      { address: '10.0.0.5', port: null },
    ],
    [
      'Go: the right side of local->remote',
      'error: read tcp 10.0.9.4:8080->198.18.1.2:40123: read: connection reset by peer',
      { address: '198.18.1.2', port: 40123 },
    ],
    [
      'access log with the port appended',
      '198.18.1.2:40123 - - [05/Mar/2024:10:11:12 +0100] "GET / HTTP/1.1" 499 0',
      { address: '198.18.1.2', port: 40123 },
    ],
    [
      'an application log',
      'WARN connection from 198.18.1.2 port 40123 closed: ECONNRESET',
      { address: '198.18.1.2', port: 40123 },
    ],
    [
      "Envoy's default format: X-Forwarded-For",
      '[2024-03-05T09:11:12.310Z] "GET /api HTTP/1.1" 503 UC 0 95 412 - "198.18.1.2,10.0.0.1" "curl/8.5.0" "id" "shop.example.com" "10.0.9.4:8080"',
      { address: '198.18.1.2', port: null },
    ],
    [
      "Istio's format: %DOWNSTREAM_REMOTE_ADDRESS%",
      '[2024-03-05T09:11:12.310Z] "GET /api HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} - "-" 0 95 412 - "-" "curl/8.5.0" "id" "shop.example.com" "10.0.9.4:8080" outbound|8080||shop.default.svc.cluster.local 10.0.1.7:51012 10.0.9.4:8080 198.18.1.2:40123 - default',
      { address: '198.18.1.2', port: 40123 },
    ],
  ])('%s', (_name, line, endpoint) => {
    expect(extractClientEndpoint(line)).toEqual(endpoint);
  });

  it('does not take a time or a version for an address, nor an out-of-range port', () => {
    expect(extractClientEndpoint('request from 10:11:12 onwards failed')).toBeNull();
    expect(extractClientEndpoint('upgraded from 1.24.0 to 1.25.3')).toBeNull();
    expect(extractClientEndpoint('client 10.0.0.5:99999 reset')).toEqual({ address: '10.0.0.5', port: null });
    expect(extractClientEndpoint('client 300.1.2.3 reset')).toBeNull();
    expect(extractClientEndpoint('')).toBeNull();
  });
});

describe('normalizeAddress', () => {
  it('drops brackets and the IPv4-mapped prefix, lowercases IPv6, refuses what is not an address', () => {
    expect(normalizeAddress('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(normalizeAddress('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(normalizeAddress('2001:db8:0:0:0:0:0:1')).toBe('2001:db8:0:0:0:0:0:1');
    expect(normalizeAddress('10:11:12')).toBeNull();
    expect(normalizeAddress('1::2::3')).toBeNull();
  });

  it('refuses what only looks like an address (found by the fuzz spec)', () => {
    expect(normalizeAddress('0.0')).toBeNull();
    expect(normalizeAddress(':::')).toBeNull();
    expect(
      extractClientEndpoint('2024/03/05 10:11:12 [error] 1#1: *1 recv() failed, client: :::, server: x'),
    ).toBeNull();
  });
});
