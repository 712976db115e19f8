import { describe, expect, it } from 'vitest';
import { fixtureTexts, realWorldLogLines } from '../../../test/unit/fuzz-arbitraries.js';
import {
  accessLogFields,
  accessLogStatus,
  classifyLogLine,
  detectLogFormat,
  extractTimestamp,
  LOG_CANDIDATE_PATTERNS,
} from './log-line-parser.js';
import { LineCandidateAutomaton } from './line-candidate-automaton.js';

const NGINX_CONTEXT =
  'client: 10.0.0.1, server: shop.example.com, request: "GET /api/orders HTTP/1.1", upstream: "http://10.0.9.4:8080/api/orders", host: "shop.example.com"';

function access(status: number, request = 'GET /api/orders HTTP/1.1', bytes = 512): string {
  return `10.0.0.1 - - [05/Mar/2024:10:11:12 +0100] "${request}" ${status} ${bytes} "-" "curl/8.5.0"`;
}

describe('extractTimestamp', () => {
  it('reads RFC 3339 with Z and with a numeric offset', () => {
    expect(extractTimestamp('{"ts":"2024-03-05T10:11:12.123Z","msg":"hi"}')).toBe('2024-03-05T10:11:12.123Z');
    expect(extractTimestamp('2024-03-05T10:11:12-05:00 app started')).toBe('2024-03-05T10:11:12-05:00');
  });

  it('reads journalctl -o short-iso and writes its offset with a colon', () => {
    const line = '2024-03-05T10:11:12+0100 web1 systemd[1]: Started nginx.service.';
    expect(extractTimestamp(line)).toBe('2024-03-05T10:11:12+01:00');
  });

  it('reads an Envoy access-log timestamp in brackets', () => {
    const line = '[2024-03-05T10:11:12.310Z] "GET /api HTTP/2" 503 UC 0 95 2 - "-" "curl/8.5.0"';
    expect(extractTimestamp(line)).toBe('2024-03-05T10:11:12.310Z');
  });

  it('leaves the offset out when the line has none', () => {
    expect(extractTimestamp('2024-03-05T10:11:12 worker ready')).toBe('2024-03-05T10:11:12');
    expect(extractTimestamp('2024-03-05 10:11:12,345 INFO root: ready')).toBe('2024-03-05T10:11:12.345');
  });

  it('reads the nginx error log format without inventing a zone', () => {
    const line = `2024/03/05 10:11:12 [error] 29#29: *1 upstream timed out, ${NGINX_CONTEXT}`;
    expect(extractTimestamp(line)).toBe('2024-03-05T10:11:12');
  });

  it('reads the common/combined access log format with its offset', () => {
    expect(extractTimestamp(access(200))).toBe('2024-03-05T10:11:12+01:00');
    expect(extractTimestamp('1.2.3.4 - - [5/Dec/2023:23:59:59 -0800] "GET / HTTP/1.0" 200 1')).toBe(
      '2023-12-05T23:59:59-08:00',
    );
  });

  it('reads the HAProxy bracketed time, which has milliseconds and no offset', () => {
    const line =
      'haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"';
    expect(extractTimestamp(line)).toBe('2009-02-06T12:14:14.655');
  });

  it('reads the Apache error log format, with and without microseconds', () => {
    expect(extractTimestamp('[Tue Mar 05 10:11:12.123456 2024] [core:error] [pid 12] AH00037')).toBe(
      '2024-03-05T10:11:12.123456',
    );
    expect(extractTimestamp('[Tue Mar 05 10:11:12 2024] [error] [client 1.2.3.4] File does not exist')).toBe(
      '2024-03-05T10:11:12',
    );
  });

  it('gives syslog lines, which have no year, the current year', () => {
    const now = new Date(2025, 5, 20, 12, 0, 0);
    expect(extractTimestamp('Mar  5 10:11:12 web1 kernel: Out of memory', now)).toBe('2025-03-05T10:11:12');
    expect(extractTimestamp('Jun 20 11:59:00 web1 sshd[1]: ok', now)).toBe('2025-06-20T11:59:00');
    const thisYear = new Date().getFullYear();
    expect(extractTimestamp('Jan  1 00:00:01 web1 cron[1]: tick')).toBe(`${thisYear}-01-01T00:00:01`);
  });

  it('puts a December syslog line read in January in last year', () => {
    const now = new Date(2025, 0, 3, 9, 0, 0);
    expect(extractTimestamp('Dec 31 23:59:58 web1 app[7]: bye', now)).toBe('2024-12-31T23:59:58');
  });

  it('reads PostgreSQL timestamps: UTC becomes Z, a zone name is not guessed', () => {
    const utc =
      '2024-03-05 10:11:12.345 UTC [123] LOG:  could not receive data from client: Connection reset by peer';
    expect(extractTimestamp(utc)).toBe('2024-03-05T10:11:12.345Z');
    expect(extractTimestamp('2024-03-05 10:11:12 CET [123] FATAL:  terminating connection')).toBe(
      '2024-03-05T10:11:12',
    );
    expect(extractTimestamp('2024-03-05 10:11:12.345 +01 [123] LOG:  checkpoint')).toBe(
      '2024-03-05T10:11:12.345+01:00',
    );
  });

  it('takes the first timestamp of the line, not one quoted in the message', () => {
    const line = '2024/03/05 10:11:12 [error] 29#29: token expired at 2023-01-01T00:00:00Z';
    expect(extractTimestamp(line)).toBe('2024-03-05T10:11:12');
  });

  it('returns null for lines without a valid timestamp', () => {
    expect(extractTimestamp('    at Object.<anonymous> (/srv/app/index.js:10:5)')).toBeNull();
    expect(extractTimestamp('2024-13-45T10:11:12Z is not a date')).toBeNull();
    expect(extractTimestamp('2023-02-29T10:11:12Z is not a date either')).toBeNull();
    expect(extractTimestamp('')).toBeNull();
  });
});

describe('classifyLogLine', () => {
  describe('reset', () => {
    it.each([
      `2024/03/05 10:11:12 [error] 29#29: *5 recv() failed (104: Connection reset by peer) while reading response header from upstream, ${NGINX_CONTEXT}`,
      '{"level":"error","msg":"read tcp 10.0.0.2:443->10.0.0.9:51234: read: connection reset by peer"}',
      'Error: read ECONNRESET at TCP.onStreamRead (node:internal/stream_base_commons:217:20)',
      'java.net.SocketException: Connection reset',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      'writev() failed (32: Broken pipe) while sending to client',
      'System.IO.IOException: An existing connection was forcibly closed by the remote host.',
      'recv failed with error 10054',
      'socket error (10054) on connection 7',
      'proxy: sent RST to 10.0.0.9:443',
      'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
      'Error: socket hang up',
    ])('%s', (line) => {
      expect(classifyLogLine(line)).toBe('reset');
    });
  });

  describe('crash', () => {
    it.each([
      'Mar  5 10:11:12 web1 kernel: [12345.678] node[4242]: segfault at 0 ip 00007f sp 00007ffd error 4',
      '2024/03/05 10:11:12 [alert] 1#1: worker process 33 exited on signal 11 (core dumped)',
      '2024/03/05 10:11:12 [alert] 1#1: worker process 34 exited with fatal code 2 and cannot be respawned',
      'Mar  5 10:11:12 web1 kernel: Out of memory: Killed process 4242 (node) total-vm:2048000kB',
      'Mar  5 10:11:12 web1 kernel: java invoked oom-killer: gfp_mask=0x100cca',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '2024-03-05T10:11:12+0100 web1 systemd[1]: app.service: Main process exited, code=killed, status=9/KILL',
      '2024-03-05T10:11:12+0100 web1 systemd[1]: app.service: Scheduled restart job, restart counter is at 3.',
      'Mar  5 10:11:12 web1 systemd[1]: Started nginx.service - A high performance web server.',
      'Mar  5 10:11:12 web1 systemd[1]: Stopped nginx.service - A high performance web server.',
      '{"SYSLOG_IDENTIFIER":"systemd","MESSAGE":"Started app.service - Shop API.","_PID":"1"}',
      'Back-off restarting failed container app in pod shop-7d9f',
      '[Tue Mar 05 10:11:12.123456 2024] [core:notice] [pid 1] AH00052: child pid 4242 exit signal Segmentation fault (11)',
    ])('%s', (line) => {
      expect(classifyLogLine(line)).toBe('crash');
    });
  });

  describe('upstream', () => {
    it.each([
      `2024/03/05 10:11:12 [error] 29#29: *5 upstream prematurely closed connection while reading response header from upstream, ${NGINX_CONTEXT}`,
      `2024/03/05 10:11:12 [error] 29#29: *5 no live upstreams while connecting to upstream, ${NGINX_CONTEXT}`,
      `2024/03/05 10:11:12 [error] 29#29: *5 connect() failed (111: Connection refused) while connecting to upstream, ${NGINX_CONTEXT}`,
      `2024/03/05 10:11:12 [error] 29#29: *5 upstream sent too big header while reading response header from upstream, ${NGINX_CONTEXT}`,
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
    ])('%s', (line) => {
      expect(classifyLogLine(line)).toBe('upstream');
    });
  });

  describe('timeout', () => {
    it.each([
      `2024/03/05 10:11:12 [error] 29#29: *5 upstream timed out (110: Connection timed out) while reading response header from upstream, ${NGINX_CONTEXT}`,
      '2024/03/05 10:11:12 [info] 29#29: *9 client timed out (110: Connection timed out) while waiting for request',
      'Error: connect ETIMEDOUT 10.0.0.9:5432',
      'closing idle connection: keepalive timeout reached after 75s',
    ])('%s', (line) => {
      expect(classifyLogLine(line)).toBe('timeout');
    });
  });

  describe('the status field of access-log lines', () => {
    it('maps 502 and 503 to upstream and 504 to timeout', () => {
      expect(classifyLogLine(access(502))).toBe('upstream');
      expect(classifyLogLine(access(503))).toBe('upstream');
      expect(classifyLogLine(access(504))).toBe('timeout');
      expect(classifyLogLine(access(200))).toBeNull();
      expect(classifyLogLine(access(500))).toBeNull();
    });

    it('reads the number right after the quoted request, not any number', () => {
      expect(accessLogStatus(access(200, 'GET /api HTTP/1.1', 504))).toBe(200);
      expect(classifyLogLine(access(200, 'GET /api HTTP/1.1', 504))).toBeNull();
      expect(classifyLogLine(access(200, 'GET /errors/502.html HTTP/1.1', 502))).toBeNull();
      expect(classifyLogLine(access(304, 'GET /x HTTP/1.1', 10054))).toBeNull();
    });

    it('ignores the words in the request and user agent', () => {
      expect(classifyLogLine(access(200, 'POST /account/reset-password?timeout=30 HTTP/1.1'))).toBeNull();
      expect(classifyLogLine(access(200, 'GET /panic/upstream/Started HTTP/1.1'))).toBeNull();
      expect(classifyLogLine(access(504, 'GET /connection-reset-by-peer HTTP/1.1'))).toBe('timeout');
    });

    it('reads escaped quotes inside the request and the "-" request of a bad client', () => {
      expect(accessLogStatus(access(502, 'GET /q?s=\\"x\\" HTTP/1.1'))).toBe(502);
      expect(accessLogStatus('10.0.0.1 - - [05/Mar/2024:10:11:12 +0000] "-" 400 0 "-" "-"')).toBe(400);
    });

    it('reads HAProxy and JSON access logs', () => {
      const haproxy =
        'haproxy[1]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in app/srv1 10/0/30/-1/5001 503 212 - - sC-- 1/1/1/1/0 0/0 "GET / HTTP/1.1"';
      expect(accessLogStatus(haproxy)).toBe(503);
      // sC--: the server-side connect timeout expired; the termination state says more than the 503.
      expect(classifyLogLine(haproxy)).toBe('timeout');
      expect(classifyLogLine(haproxy.replace('sC--', '----'))).toBe('upstream');
      expect(classifyLogLine('{"time":"2024-03-05T10:11:12Z","status":504,"uri":"/reset"}')).toBe('timeout');
      expect(classifyLogLine('{"time":"2024-03-05T10:11:12Z","status":"200","uri":"/reset"}')).toBeNull();
    });

    it('does not take a number after a quoted request in an error line for a status', () => {
      expect(
        accessLogStatus(`2024/03/05 10:11:12 [error] 29#29: *1 open() failed, ${NGINX_CONTEXT}`),
      ).toBeNull();
    });
  });

  describe('priority', () => {
    it('reset beats crash, crash beats upstream, upstream beats timeout', () => {
      expect(classifyLogLine('worker process 7 exited on signal 11 after ECONNRESET')).toBe('reset');
      expect(classifyLogLine('panic: no live upstreams')).toBe('crash');
      expect(
        classifyLogLine(
          'connect() failed (110: Connection timed out) while connecting to upstream, client: 1.2.3.4',
        ),
      ).toBe('upstream');
    });

    it('keeps "upstream timed out" a timeout: a bare "upstream" is weaker than a timeout', () => {
      expect(classifyLogLine('upstream timed out (110: Connection timed out) while reading upstream')).toBe(
        'timeout',
      );
    });
  });

  describe('false positives', () => {
    it.each([
      ['"Started" in application text', 'Mar  5 10:11:12 web1 shop[99]: Started processing order 42'],
      ['"Started" in a Rails request log', 'Started GET "/orders" for 10.0.0.1 at 2024-03-05 10:11:12 +0100'],
      ['"Stopped" outside systemd', '2024-03-05T10:11:12Z scheduler: Stopped polling queue'],
      ['a password reset', '2024-03-05T10:11:12Z mailer: sent password reset email to user 42'],
      ['"rst" inside words', 'first request served; loaded ./docs/index.rst'],
      ['10054 as a byte count', '2024-03-05T10:11:12Z uploaded 10054 bytes to bucket'],
      [
        'a routine nginx buffering warning',
        `2024/03/05 10:11:12 [warn] 29#29: *1 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, ${NGINX_CONTEXT}`,
      ],
      [
        'an nginx error that names the upstream only as context',
        `2024/03/05 10:11:12 [error] 29#29: *1 open() "/srv/www/favicon.ico" failed (2: No such file or directory), ${NGINX_CONTEXT}`,
      ],
      ['an ordinary line', '2024-03-05T10:11:12Z api: GET /orders 200 in 12ms'],
      ['an empty line', ''],
    ])('%s', (_name, line) => {
      expect(classifyLogLine(line)).toBeNull();
    });
  });
});

describe('detectLogFormat', () => {
  it.each([
    ['nginx-error', [`2024/03/05 10:11:12 [error] 29#29: *1 upstream timed out, ${NGINX_CONTEXT}`]],
    ['access-log', [access(200), access(404)]],
    [
      'apache-error',
      ['[Tue Mar 05 10:11:12.123456 2024] [mpm_event:notice] [pid 1:tid 2] AH00489: resuming'],
    ],
    ['journald', ['-- Journal begins at Mon 2024-03-04 08:00:00 CET. --', 'Mar 05 10:11:12 web1 app[1]: hi']],
    ['journald', ['2024-03-05T10:11:12+0100 web1 systemd[1]: Started nginx.service.']],
    ['syslog', ['Mar  5 10:11:12 web1 kernel: eth0: link up', 'Mar  5 10:11:13 web1 sshd[42]: ok']],
    ['syslog', ['<34>1 2024-03-05T10:11:12.003Z web1 su - ID47 - failed for lonvick']],
    [
      'postgresql',
      ['2024-03-05 10:11:12.345 UTC [123] LOG:  database system is ready to accept connections'],
    ],
    ['json', ['{"level":"info","ts":"2024-03-05T10:11:12Z","msg":"listening"}']],
    ['plain', ['hello', 'world']],
    ['plain', []],
  ])('%s', (format, lines) => {
    expect(detectLogFormat(lines)).toBe(format);
  });

  it('goes with the majority of a mixed sample and ignores blank lines', () => {
    const lines = [
      '',
      access(200),
      access(200),
      `2024/03/05 10:11:12 [error] 29#29: *1 x, ${NGINX_CONTEXT}`,
      '  ',
    ];
    expect(detectLogFormat(lines)).toBe('access-log');
  });
});

describe('Windows Event Viewer dates', () => {
  it.each([
    [
      'US, with AM/PM',
      'Error,3/5/2024 10:11:12 AM,Service Control Manager,7031,None,"x"',
      '2024-03-05T10:11:12',
    ],
    ['US, afternoon', 'Warning,3/5/2024 1:15:00 PM,Schannel,36887,None,"x"', '2024-03-05T13:15:00'],
    ['US, midnight', 'Information,12/31/2023 12:00:05 AM,EventLog,6005,None,"x"', '2023-12-31T00:00:05'],
    [
      'en-GB, 24-hour',
      'Error,05/03/2024 10:11:12,Service Control Manager,7031,None,"x"',
      '2024-03-05T10:11:12',
    ],
    [
      'German, dots',
      'Fehler,05.03.2024 10:11:12,Service Control Manager,7031,Keine,"x"',
      '2024-03-05T10:11:12',
    ],
    [
      'a day above 12 decides the order',
      'Error,3/25/2024 10:11:12,Tcpip,4227,None,"x"',
      '2024-03-25T10:11:12',
    ],
    ['text export', 'Date:          3/5/2024 10:11:30 AM', '2024-03-05T10:11:30'],
    ['wevtutil', '  Date: 2024-03-05T10:11:30.1230000Z', '2024-03-05T10:11:30.1230000Z'],
  ])('%s', (_name, line, timestamp) => {
    expect(extractTimestamp(line)).toBe(timestamp);
  });

  it('refuses impossible dates and a 13 PM', () => {
    expect(extractTimestamp('Error,13/13/2024 10:11:12,x')).toBeNull();
    expect(extractTimestamp('Error,3/5/2024 13:11:12 PM,x')).toBeNull();
  });
});

describe('access-log fields that explain a reset', () => {
  const envoy = (status: number, flags: string): string =>
    `[2024-03-05T09:11:12.310Z] "GET /api/orders HTTP/1.1" ${status} ${flags} 0 95 412 - "198.18.1.2" "curl/8.5.0" "5b3e2074" "shop.example.com" "10.0.9.4:8080"`;
  const haproxy = (status: number, state: string): string =>
    `Mar  5 10:11:12 lb1 haproxy[1]: 198.18.1.2:40123 [05/Mar/2024:10:11:12.310] http-in app/srv1 0/0/1/-1/412 ${status} 204 - - ${state} 14/14/4/2/0 0/0 "GET /api/orders HTTP/1.1"`;

  it.each([
    ['UC', 503, 'reset'],
    ['DC', 0, 'reset'],
    ['UR', 503, 'reset'],
    ['LR', 503, 'reset'],
    ['UT', 504, 'timeout'],
    ['SI', 200, 'timeout'],
    ['UF,URX', 503, 'upstream'],
    ['UH', 503, 'upstream'],
    ['UO', 503, 'limit'],
    ['UT,URX', 504, 'timeout'],
    ['UC,URX', 503, 'reset'],
    ['-', 503, 'upstream'],
    ['-', 200, null],
    ['NR', 404, null],
    ['RL', 429, null],
  ])('Envoy %s with %i', (flags, status, category) => {
    expect(classifyLogLine(envoy(status, flags))).toBe(category);
  });

  it('reads the flags and a status of 0 (the client left before any response)', () => {
    expect(accessLogFields(envoy(0, 'DC'))).toEqual({
      status: null,
      terminationState: null,
      responseFlags: ['DC'],
    });
    expect(accessLogFields(envoy(503, 'UF,URX'))).toEqual({
      status: 503,
      terminationState: null,
      responseFlags: ['UF', 'URX'],
    });
    expect(
      classifyLogLine('[2024-03-05T09:11:23.000Z] "- - -" 0 UF 0 0 1001 - "-" "-" "-" "-" "10.0.9.7:5432"'),
    ).toBe('upstream');
  });

  it.each([
    ['SD--', 200, 'reset'],
    ['SH--', 502, 'reset'],
    ['SC--', 503, 'reset'],
    ['CD--', 200, 'reset'],
    ['CH--', 200, 'reset'],
    ['sH--', 504, 'timeout'],
    ['cD--', 200, 'timeout'],
    ['cR--', 408, 'timeout'],
    ['sQ--', 503, 'limit'],
    ['RC--', 503, 'limit'],
    ['KD--', 200, 'crash'],
    ['----', 502, 'upstream'],
    ['----', 200, null],
    ['PR--', 403, null],
  ])('HAProxy %s with %i', (state, status, category) => {
    expect(classifyLogLine(haproxy(status, state))).toBe(category);
  });

  it("reads HAProxy's TCP log state", () => {
    const tcp = (state: string): string =>
      `Mar  5 10:11:45 lb1 haproxy[1]: 198.18.1.2:40130 [05/Mar/2024:10:11:40.001] pg-in pg/db1 1/0/5007 212 ${state} 1/1/1/1/0 0/0`;
    expect(classifyLogLine(tcp('SD'))).toBe('reset');
    expect(classifyLogLine(tcp('cD'))).toBe('timeout');
    expect(classifyLogLine(tcp('--'))).toBeNull();
    expect(accessLogFields(tcp('SD'))).toEqual({ status: null, terminationState: 'SD', responseFlags: null });
  });

  it("takes nginx's 499 (the client closed the connection) for a reset", () => {
    expect(classifyLogLine(access(499, 'POST /api/upload HTTP/1.1', 0))).toBe('reset');
  });

  // log_format lines as operators write them: the status found by its shape, wherever it sits.
  it.each([
    [
      'status after the request time',
      '10.0.3.7 [05/Mar/2024:10:11:12 +0000] "GET /api HTTP/1.1" 0.002 499 0',
      'reset',
    ],
    [
      'status after the host',
      '[05/Mar/2024:10:11:12 +0000] "GET /api HTTP/1.1" shop.example.com 504 0.030',
      'timeout',
    ],
    [
      'status before the request, after other fields',
      '[05/Mar/2024:10:11:12 +0000] 10.0.3.7 502 0.120 "GET /api HTTP/2.0" 157',
      'upstream',
    ],
    [
      'status before the request, a byte count after it',
      '[05/Mar/2024:10:11:12 +0000] 200 "GET /api HTTP/1.1" 502 "-" "curl/8.5.0"',
      null,
    ],
    ['logfmt', 'time=2024-03-05T10:11:12Z method=GET path=/api status=502 duration=0.120', 'upstream'],
    ['logfmt, quoted', 'ts=2024-03-05T10:11:12Z status_code="499" path=/api', 'reset'],
    [
      'Envoy key=value with flags',
      '[2024-03-05T10:11:12+0000] method=GET response_flag=UC status=200',
      'reset',
    ],
    ['a healthy status', '10.0.3.7 [05/Mar/2024:10:11:12 +0000] "GET /api HTTP/1.1" 0.002 200 5120', null],
  ])('reads a custom log_format: %s', (_, line, category) => {
    expect(classifyLogLine(line)).toBe(category);
  });

  it('does not read a status out of prose that quotes a request', () => {
    for (const line of [
      'app: "GET /api HTTP/1.1" took 502 ms',
      '2024-03-05 10:11:12 INFO handled "GET /orders HTTP/1.1" for user 503',
      'upstream_status=200 body_bytes=502',
    ]) {
      expect(classifyLogLine(line), line).toBeNull();
    }
  });
});

describe('more server messages', () => {
  it.each([
    ['2024/03/05 10:11:31 [alert] 30#30: 1024 worker_connections are not enough', 'limit'],
    ['2024/03/05 10:11:31 [crit] 30#30: accept4() failed (24: Too many open files)', 'limit'],
    ['Error: accept EMFILE: too many open files', 'limit'],
    [
      "Mar  5 10:11:50 lb1 haproxy[1]: Proxy http-in reached process FD limit (maxsock=4096). Please check 'ulimit-n' and restart.",
      'limit',
    ],
    ['ERROR 1040 (HY000): Too many connections', 'limit'],
    ['2024-03-05 10:11:15 UTC [2210] FATAL:  sorry, too many clients already', 'limit'],
    ['kernel: nf_conntrack: nf_conntrack: table full, dropping packet', 'limit'],
    ['kernel: TCP: request_sock_TCP: Possible SYN flooding on port 8080. Sending cookies.', 'limit'],
    [
      'AH00484: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting',
      'limit',
    ],
    [
      '2024-03-05 10:11:12 UTC [1] LOG:  server process (PID 123) was terminated by signal 9: Killed',
      'crash',
    ],
    ['2024-03-05 10:11:12 UTC [2] FATAL:  terminating connection due to administrator command', 'crash'],
    [
      '2024-03-05 10:11:12 UTC [2] FATAL:  terminating connection because of crash of another server process',
      'crash',
    ],
    [
      '2024-03-05 10:11:12 UTC [2] FATAL:  terminating connection due to idle-in-transaction timeout',
      'timeout',
    ],
    [
      '2024-03-05 10:11:12 UTC [2] LOG:  could not receive data from client: Connection reset by peer',
      'reset',
    ],
    [
      '2024-03-05 10:11:12 UTC [2] LOG:  unexpected EOF on client connection with an open transaction',
      'reset',
    ],
    ['systemd[1]: app.service: A process of this unit has been killed by the OOM killer.', 'crash'],
    ['The ShopSync service terminated unexpectedly.  It has done this 1 time(s).', 'crash'],
    [
      "A process serving application pool 'ShopPool' failed to respond to a ping. The process id was '4400'.",
      'crash',
    ],
    [
      'A request to allocate an ephemeral port number from the global TCP port space has failed due to all such ports being in use.',
      'limit',
    ],
    ['Server app/srv3 is DOWN, reason: Layer4 connection problem, info: "Connection refused"', 'upstream'],
    ['AH00957: http: attempt to connect to 10.0.9.6:8080 (10.0.9.6:8080) failed', 'upstream'],
  ])('%s', (line, category) => {
    expect(classifyLogLine(line)).toBe(category);
  });

  it('ranks a connection limit above an upstream mention', () => {
    expect(
      classifyLogLine('worker_connections are not enough while connecting to upstream, client: 1.2.3.4'),
    ).toBe('limit');
  });
});

describe('detectLogFormat, the new formats', () => {
  it.each([
    [
      'haproxy',
      [
        'Mar  5 10:00:00 lb1 haproxy[14380]: Proxy http-in started.',
        'Mar  5 10:11:12 lb1 haproxy[1]: 10.0.1.2:33317 [05/Mar/2024:10:11:12.655] http-in app/srv1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      ],
    ],
    [
      'haproxy',
      [
        '2024-03-05T10:11:12+01:00 lb1 haproxy[14389]: 10.0.1.2:33317 [05/Mar/2024:10:11:12.655] http-in app/srv1 0/0/1/2/3 200 5 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
      ],
    ],
    [
      'envoy',
      [
        '[2024-03-05T09:11:12.310Z] "GET / HTTP/1.1" 200 - 0 5123 13 12 "1.2.3.4" "curl" "id" "host" "10.0.9.4:8080"',
      ],
    ],
    [
      'envoy',
      ['[2024-03-05 09:11:12.310][1][info][main] [source/server/server.cc:932] starting main dispatch loop'],
    ],
    [
      'windows-event-csv',
      [
        'Level,Date and Time,Source,Event ID,Task Category',
        'Error,3/5/2024 10:11:12 AM,Application Error,1000,(100),"x"',
      ],
    ],
    ['windows-event-csv', ['Warning,05.03.2024 10:11:25,Tcpip,4227,Keine,"x"']],
    [
      'windows-event-text',
      [
        'Log Name:      System',
        'Source:        Tcpip',
        'Date:          3/5/2024 10:11:26 AM',
        'Event ID:      4231',
      ],
    ],
    [
      'windows-event-text',
      [
        'Event[0]:',
        '  Log Name: System',
        '  Source: Service Control Manager',
        '  Date: 2024-03-05T10:11:30.000',
      ],
    ],
  ])('%s', (format, lines) => {
    expect(detectLogFormat(lines)).toBe(format);
  });

  it('looks at the first 50 non-empty lines only', () => {
    const lines = [
      ...Array.from({ length: 50 }, () => ['', access(200)]).flat(),
      ...Array.from({ length: 60 }, () => 'Log Name:      System'),
    ];
    expect(detectLogFormat(lines)).toBe('access-log');
  });
});

// Minimal counter-example the fuzz spec found: the correlation refused the offset extractTimestamp kept.
describe('extractTimestamp with an offset no zone has', () => {
  it('gives no time rather than one the correlation cannot place', () => {
    expect(extractTimestamp('2024-07-24 23:41:07-24 x')).toBeNull();
    expect(extractTimestamp('2024-07-24T23:41:07+0099')).toBeNull();
    expect(extractTimestamp('2024-07-24T23:41:07+14:00')).toBe('2024-07-24T23:41:07+14:00');
  });
});

describe('LOG_CANDIDATE_PATTERNS', () => {
  const candidates = new LineCandidateAutomaton(LOG_CANDIDATE_PATTERNS);
  /** As the block scan sees a line: its UTF-8 bytes. */
  function isCandidate(line: string): boolean {
    return candidates.matchesLine(Buffer.from(line));
  }

  it('finds every line of the fixtures and the real-world set that reports something', () => {
    const lines = [...fixtureTexts('logs').flatMap((text) => text.split('\n')), ...realWorldLogLines()];
    const flagged = lines.filter((line) => classifyLogLine(line) !== null);
    expect(flagged.length).toBeGreaterThan(100);
    expect(flagged.filter((line) => !isCandidate(line))).toEqual([]);
  });

  it('finds the access-log lines judged by their fields', () => {
    const haproxy =
      'haproxy[1]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in app/srv1 10/0/30/-1/5001 200 212 - - sC-- 1/1/1/1/0 0/0 "GET / HTTP/1.1"';
    const haproxyTcp =
      'haproxy[1]: 10.0.1.2:33320 [06/Feb/2009:12:14:14.655] tcp-in be/srv1 0/0/5007 212 cD 1/1/1/1/0 0/0';
    for (const line of [
      access(499),
      access(502),
      '[05/Mar/2024:10:11:12 +0000] 499 "GET / HTTP/1.1" 0',
      '[2024-03-05T10:11:12.000Z] "GET / HTTP/1.1" 200 UC 0 0 5 - "-" "curl" "id" "host" "10.0.9.4:80"',
      '[2024-03-05T10:11:12.000Z] "GET / HTTP/1.1" 0 - 0 0 5 - "-" "curl" "id" "host" "-"',
      haproxy,
      haproxyTcp,
      '{"time":"2024-03-05T10:11:12Z","termination_state":"CD--","status":200}',
      '{"time":"2024-03-05T10:11:12Z","status":"504"}',
      'ts=2024-03-05T10:11:12Z status=502 path=/api',
      '[2024-03-05T10:11:12+0000] method=GET response_flag=UC status=200',
      '10.0.3.7 [05/Mar/2024:10:11:12 +0000] "GET /api HTTP/1.1" 0.002 499 0',
    ]) {
      expect(classifyLogLine(line), line).not.toBeNull();
      expect(isCandidate(line), line).toBe(true);
    }
  });

  it('passes over the lines most of a busy, healthy log is made of', () => {
    for (const line of [
      access(200),
      access(304, 'GET /static/app.3f9a1c.js HTTP/1.1', 0),
      access(404, 'GET /favicon.ico HTTP/1.1', 153),
      `2024/03/05 10:11:12 [error] 29#29: *1 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), ${NGINX_CONTEXT}`,
      '2024/03/05 10:11:12 [info] 29#29: *7 client closed keepalive connection',
      `2024/03/05 10:11:12 [error] 29#29: *8 client intended to send too large body: 10485761 bytes, ${NGINX_CONTEXT}`,
      'haproxy[1]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in app/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1"',
    ]) {
      expect(isCandidate(line), line).toBe(false);
    }
  });
});
