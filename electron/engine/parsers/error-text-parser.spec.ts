import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  describeClient,
  errorTextSummary,
  MAX_ERROR_TEXT,
  parseErrorText,
  type ErrorTextInfo,
} from './error-text-parser.js';

const FIXTURES = new URL('./fixtures/error-texts/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES), 'utf8');

type Expected = Partial<ErrorTextInfo>;

/** Every fixture, with what must be read from it. */
const CASES: Record<string, Expected> = {
  // curl and git
  'curl-recv-failure.txt': {
    client: 'curl',
    clientDetail: 'curl exit 56',
    phase: 'response',
    target: 'https://api.lab.test/v1/orders',
    errno: null,
  },
  'curl-verbose-ssl-read.txt': {
    client: 'curl',
    clientDetail: 'curl exit 56, OpenSSL SSL_read errno 104',
    phase: 'response',
    target: 'api.lab.test:443',
    errno: '104',
  },
  'curl-ssl-connect.txt': {
    client: 'curl',
    clientDetail: 'curl exit 35, OpenSSL SSL_connect',
    phase: 'tls',
    target: 'api.lab.test:443',
  },
  'git-https-rpc-failed.txt': {
    client: 'git',
    clientDetail: 'git RPC failed, curl 56, OpenSSL SSL_read errno 104',
    phase: 'response',
    target: 'https://git.lab.test/platform/monorepo.git',
    errno: '104',
  },
  'git-unable-to-access.txt': {
    client: 'git',
    clientDetail: 'git unable to access, Recv failure',
    phase: 'response',
    target: 'https://git.lab.test/platform/monorepo.git/',
  },
  'git-ssh-kex.txt': {
    client: 'git',
    clientDetail: 'git over SSH, kex_exchange_identification: read: Connection reset by peer',
    phase: 'connect',
    target: '198.18.0.10:22',
  },
  // SSH
  'ssh-kex-verbose.txt': {
    client: 'SSH',
    clientDetail: 'ssh kex_exchange_identification: read: Connection reset by peer',
    phase: 'connect',
    target: '198.18.0.10:22',
  },
  'ssh-session-read.txt': {
    client: 'SSH',
    clientDetail: 'ssh Read from remote host: Connection reset by peer',
    phase: 'response',
  },
  // Node.js
  'node-read-econnreset.txt': {
    client: 'Node.js',
    clientDetail: 'Node.js read ECONNRESET',
    phase: 'response',
    errno: 'ECONNRESET',
    target: null,
  },
  'node-socket-hang-up.txt': { client: 'Node.js', clientDetail: 'Node.js socket hang up', phase: 'response' },
  'node-connect-econnreset.txt': {
    client: 'Node.js',
    clientDetail: 'Node.js connect ECONNRESET',
    phase: 'connect',
    target: '198.18.0.10:443',
    errno: 'ECONNRESET',
  },
  'node-fetch-failed.txt': {
    client: 'Node.js',
    clientDetail: 'Node.js fetch (undici): read ECONNRESET',
    phase: 'response',
    target: null,
  },
  'node-axios.txt': {
    client: 'Node.js',
    clientDetail: 'Node.js axios: read ECONNRESET',
    phase: 'response',
    target: 'https://api.lab.test/v1/orders',
  },
  // Python
  'python-connection-reset.txt': {
    client: 'Python',
    clientDetail: 'Python ConnectionResetError errno 104',
    phase: 'response',
    errno: '104',
  },
  'python-requests.txt': {
    client: 'Python',
    clientDetail: 'Python requests: Connection aborted, ConnectionResetError 104',
    phase: 'response',
    errno: '104',
    target: 'https://api.lab.test/v1/orders',
  },
  'python-remote-disconnected.txt': {
    client: 'Python',
    clientDetail: 'Python http.client RemoteDisconnected',
    phase: 'response',
    errno: null,
  },
  // Java
  'java-connection-reset.txt': {
    client: 'Java',
    clientDetail: 'Java SocketException: Connection reset',
    phase: 'response',
    target: null,
  },
  'java-write-failed.txt': {
    client: 'Java',
    clientDetail: 'Java Apache HttpClient: SocketException: Connection reset by peer (Write failed)',
    phase: 'request',
  },
  'java-ssl-connection-reset.txt': {
    client: 'Java',
    clientDetail: 'Java SSLException: Connection reset',
    phase: 'tls',
  },
  // Go
  'go-read-reset.txt': {
    client: 'Go',
    clientDetail: 'Go net/http: read tcp: read: connection reset by peer',
    phase: 'response',
    target: 'https://api.lab.test/v1/orders',
  },
  'go-wsarecv.txt': {
    client: 'Go',
    clientDetail: 'Go net/http: read tcp: wsarecv: forcibly closed by the remote host',
    phase: 'response',
    target: 'https://api.lab.test/healthz',
  },
  // Broken pipe is recognised but not read as a reset: this side wrote after the other had closed (the
  // labelled real-world set, shared/real-world/, says the same of rsync's and ssh's broken pipes).
  'go-broken-pipe.txt': {
    isReset: false,
    client: 'Go',
    clientDetail: 'Go write tcp: write: broken pipe',
    phase: 'request',
    target: '198.18.0.10:8443',
  },
  // .NET and Windows
  'dotnet-ssl.txt': {
    client: '.NET',
    clientDetail: '.NET HttpClient: HttpRequestException: the SSL connection could not be established',
    phase: 'tls',
    errno: '10054',
  },
  'dotnet-unable-to-read.txt': {
    client: '.NET',
    clientDetail: '.NET HttpClient: IOException: unable to read data from the transport connection',
    phase: 'response',
    errno: '10054',
  },
  'powershell-underlying-closed.txt': {
    client: '.NET',
    phase: 'response',
    target: 'https://api.lab.test/v1/orders',
  },
  // PostgreSQL
  'psql-server-closed.txt': {
    client: 'PostgreSQL client',
    clientDetail: 'PostgreSQL psql: server closed the connection unexpectedly',
    phase: 'connect',
    target: 'db.lab.test:5432',
  },
  'psql-during-query.txt': {
    client: 'PostgreSQL client',
    clientDetail: 'PostgreSQL server closed the connection unexpectedly',
    phase: 'response',
  },
  'psycopg2-receive.txt': {
    client: 'PostgreSQL client',
    clientDetail: 'PostgreSQL psycopg: could not receive data from server',
    phase: 'response',
  },
  'sqlalchemy-ssl-syscall.txt': {
    client: 'PostgreSQL client',
    clientDetail: 'PostgreSQL psycopg: SSL SYSCALL error: EOF detected',
    phase: 'response',
    target: null, // the sqlalche.me link is documentation, not the target
  },
  // MySQL
  // ProxySQL's backend connection, named as (hostgroup, address,port,thread).
  'proxysql-broken-backend.txt': {
    client: 'MySQL client',
    clientDetail: 'MySQL error 2013: Lost connection during query',
    phase: 'response',
    target: 'db.lab.test:3306',
  },
  'mysql-lost-during-query.txt': {
    client: 'MySQL client',
    clientDetail: 'MySQL error 2013: Lost connection during query',
    phase: 'response',
  },
  'mysql-gone-away.txt': {
    client: 'MySQL client',
    clientDetail: 'MySQL error 2006: server has gone away',
    phase: 'request',
  },
  'mysql-connectorj.txt': {
    client: 'MySQL client',
    clientDetail: 'MySQL Connector/J Communications link failure, last packet received 3,600,012 ms before',
    phase: 'response',
  },
  // Browsers
  'chrome-err-connection-reset.txt': {
    client: 'a browser (Chromium)',
    clientDetail: 'Chromium net::ERR_CONNECTION_RESET',
    phase: null,
  },
  'chrome-devtools.txt': {
    client: 'a browser (Chromium)',
    target: 'https://api.lab.test/v1/orders',
  },
  'firefox-connection-reset.txt': { client: 'a browser (Firefox)', phase: null },
  'firefox-console.txt': { client: 'a browser (Firefox)', clientDetail: 'Firefox NS_ERROR_NET_RESET' },
};

describe('parseErrorText on recorded client outputs', () => {
  it('has an expectation for every fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt') && !f.startsWith('unknown-'));
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('reads %s', (name, expected) => {
    const text = fixture(name);
    const info = parseErrorText(text);
    expect(info).toMatchObject({ known: true, isReset: true, ...expected });
    // The recognised fragment is really in the text (spaces folded), and short.
    expect(info.matched).toBeTruthy();
    expect(info.matched!.length).toBeLessThanOrEqual(200);
    expect(text.replace(/\s+/g, ' ')).toContain(info.matched!.replace(/…$/, ''));
    // One or two sentences, in words a support engineer reads.
    expect(info.explanation.match(/[.!?](?:\s|$)/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
    expect(info.explanation.match(/[.!?](?:\s|$)/g)!.length).toBeLessThanOrEqual(2);
    expect(info.explanation.length).toBeLessThan(400);
  });

  it('does not take a client for another wrapped inside it', () => {
    // git's libcurl, Python's Windows sockets, Go on Windows, psycopg under Python, Connector/J under Java.
    expect(parseErrorText(fixture('git-https-rpc-failed.txt')).client).toBe('git');
    expect(
      parseErrorText(
        'ConnectionResetError: [WinError 10054] An existing connection was forcibly closed by the remote host',
      ).client,
    ).toBe('Python');
    expect(parseErrorText(fixture('go-wsarecv.txt')).client).toBe('Go');
    expect(parseErrorText(fixture('psycopg2-receive.txt')).client).toBe('PostgreSQL client');
    expect(parseErrorText(fixture('mysql-connectorj.txt')).client).toBe('MySQL client');
  });

  it('tells a reset from a close where the wording allows it', () => {
    expect(parseErrorText(fixture('node-read-econnreset.txt')).explanation).toContain(
      'the peer reset the connection',
    );
    // Node gives "socket hang up" the code ECONNRESET even when the server simply closed the connection.
    expect(parseErrorText(fixture('node-socket-hang-up.txt')).explanation).toContain('closed the connection');
    expect(parseErrorText(fixture('python-remote-disconnected.txt')).explanation).toMatch(
      /without sending any response/,
    );
    // A reset further down ("Caused by: java.net.SocketException: Connection reset") counts.
    expect(parseErrorText(fixture('mysql-connectorj.txt')).explanation).toContain(
      'the peer reset the connection',
    );
  });
});

describe('parseErrorText on single messages', () => {
  it.each<[string, Expected]>([
    ['curl: (56) Recv failure: Connection reset by peer', { client: 'curl', phase: 'response', errno: null }],
    ['curl: (55) Send failure: Connection reset by peer', { client: 'curl', phase: 'request' }],
    [
      'OpenSSL SSL_read: Connection reset by peer, errno 104',
      { client: 'curl', clientDetail: 'curl OpenSSL SSL_read errno 104', phase: 'response', errno: '104' },
    ],
    [
      "fatal: unable to access 'https://github.com/org/repo.git/': OpenSSL SSL_connect: Connection reset by peer in connection to github.com:443",
      { client: 'git', phase: 'tls', target: 'https://github.com/org/repo.git/' },
    ],
    [
      'GuzzleHttp\\Exception\\ConnectException: cURL error 56: OpenSSL SSL_read: Connection reset by peer, errno 104 (see https://curl.haxx.se/libcurl/c/libcurl-errors.html) for https://api.lab.test/v1/orders',
      {
        client: 'PHP',
        clientDetail: 'PHP cURL error 56, OpenSSL SSL_read errno 104',
        target: 'https://api.lab.test/v1/orders',
      },
    ],
    ['Error: read ECONNRESET', { client: 'Node.js', phase: 'response', errno: 'ECONNRESET' }],
    [
      'Error: connect ECONNRESET 10.0.0.1:443',
      { client: 'Node.js', phase: 'connect', target: '10.0.0.1:443' },
    ],
    [
      'Error: Client network socket disconnected before secure TLS connection was established',
      { client: 'Node.js', phase: 'tls' },
    ],
    [
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      { client: 'Python', phase: null, errno: '104' },
    ],
    [
      "requests.exceptions.ConnectionError: ('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))",
      {
        client: 'Python',
        clientDetail: 'Python requests: Connection aborted, RemoteDisconnected',
        phase: 'response',
      },
    ],
    [
      "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.lab.test', port=443): Max retries exceeded with url: /v1/orders (Caused by ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))",
      // urllib3 says "Connection aborted" for a failure anywhere from sending to the status line.
      { client: 'Python', phase: null, errno: '104', target: 'https://api.lab.test:443/v1/orders' },
    ],
    ['httpx.ReadError: [Errno 104] Connection reset by peer', { client: 'Python', phase: 'response' }],
    ['java.net.SocketException: Connection reset', { client: 'Java', phase: 'response' }],
    [
      'java.net.SocketException: Connection reset by peer: socket write error',
      { client: 'Java', phase: 'request' },
    ],
    ['javax.net.ssl.SSLException: Connection reset', { client: 'Java', phase: 'tls' }],
    [
      'javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake',
      { client: 'Java', phase: 'tls', isReset: true },
    ],
    [
      'read tcp 10.0.0.2:51234->10.0.0.1:443: read: connection reset by peer',
      { client: 'Go', phase: 'response', target: '10.0.0.1:443' },
    ],
    [
      'read tcp [fd00:5e7::2]:51234->[fd00:5e7::10]:443: read: connection reset by peer',
      { client: 'Go', target: '[fd00:5e7::10]:443' },
    ],
    [
      'dial tcp 10.0.0.1:443: connect: connection reset by peer',
      { client: 'Go', phase: 'connect', target: '10.0.0.1:443' },
    ],
    [
      'An existing connection was forcibly closed by the remote host. (10054)',
      { client: 'Windows', clientDetail: 'Windows WSAECONNRESET (10054)', errno: '10054' },
    ],
    ['recv() failed: WSAECONNRESET', { client: 'Windows', errno: 'WSAECONNRESET' }],
    [
      'System.Net.Sockets.SocketException (10054): An existing connection was forcibly closed by the remote host.',
      { client: '.NET', clientDetail: '.NET SocketException 10054', errno: '10054' },
    ],
    [
      'System.IO.IOException: Unable to write data to the transport connection: Connection reset by peer.',
      { client: '.NET', phase: 'request' },
    ],
    [
      'could not send data to server: Connection reset by peer',
      { client: 'PostgreSQL client', phase: 'request' },
    ],
    [
      'connection to server at "db.lab.test" (10.0.0.5), port 5432 failed: SSL SYSCALL error: EOF detected',
      { client: 'PostgreSQL client', phase: 'tls', target: 'db.lab.test:5432' },
    ],
    [
      "ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 104",
      { client: 'MySQL client', phase: 'connect', errno: '104' },
    ],
    [
      "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query ([Errno 104] Connection reset by peer)')",
      {
        client: 'MySQL client',
        clientDetail: 'MySQL PyMySQL: error 2013: Lost connection during query',
        errno: '104',
      },
    ],
    [
      'Communications link failure\n\nThe last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.',
      { client: 'MySQL client', phase: 'connect' },
    ],
    ['kex_exchange_identification: read: Connection reset by peer', { client: 'SSH', phase: 'connect' }],
    ['ssh_exchange_identification: read: Connection reset by peer', { client: 'SSH', phase: 'connect' }],
    ['Connection reset by 10.0.0.1 port 22', { client: 'SSH', target: '10.0.0.1:22' }],
    ['Connection reset by fd00:5e7::10 port 22', { client: 'SSH', target: '[fd00:5e7::10]:22' }],
    ['client_loop: send disconnect: Connection reset by peer', { client: 'SSH', phase: 'request' }],
    ['net::ERR_CONNECTION_RESET', { client: 'a browser (Chromium)', phase: null }],
    ['NS_ERROR_NET_RESET', { client: 'a browser (Firefox)' }],
    [
      'Secure Connection Failed\n\nAn error occurred during a connection to api.lab.test. PR_CONNECT_RESET_ERROR',
      { client: 'a browser (Firefox)', phase: 'tls' },
    ],
    // Firefox's error page title; Chrome's page says it only beside net::ERR_CONNECTION_RESET.
    [
      'The connection was reset',
      { client: 'a browser (Firefox)', clientDetail: 'Firefox The connection was reset' },
    ],
    ['Errno::ECONNRESET: Connection reset by peer', { client: 'Ruby', errno: 'ECONNRESET' }],
    ['upstream said: connection reset by peer', { client: null, clientDetail: null, known: true }],
  ])('reads %j', (text, expected) => {
    expect(parseErrorText(text)).toMatchObject({ known: true, isReset: true, ...expected });
  });

  it('knows a few errors that are not resets, and says so', () => {
    for (const [text, phase] of [
      ['curl: (7) Failed to connect to api.lab.test port 443 after 2 ms: Connection refused', 'connect'],
      ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'connect'],
      ['Error: getaddrinfo ENOTFOUND api.lab.test', 'dns'],
      ['curl: (28) Connection timed out after 10001 milliseconds', null],
      ['Error: write EPIPE', 'request'],
      ['write tcp 10.0.0.2:40622->10.0.0.1:443: write: broken pipe', 'request'],
      ['rsync: [generator] write error: Broken pipe (32)', 'request'],
    ] as const) {
      const info = parseErrorText(text);
      expect(info, text).toMatchObject({ known: true, isReset: false, phase });
      expect(info.explanation, text).toMatch(/not a (connection )?reset|diagnosis goes on/);
    }
  });

  it('says so when it does not recognise the text, and keeps going', () => {
    for (const text of [fixture('unknown-permission-denied.txt'), 'permission denied', '']) {
      const info = parseErrorText(text);
      expect(info).toMatchObject({
        known: false,
        isReset: false,
        client: null,
        clientDetail: null,
        matched: null,
      });
      expect(info.explanation).toMatch(/not recognised.*diagnosis goes on/);
    }
  });
});

describe('targets', () => {
  it('prefers a URL, skips documentation links, and ignores file:line in stack traces', () => {
    expect(parseErrorText('connect to api.lab.test:8443 failed: ECONNRESET').target).toBe(
      'api.lab.test:8443',
    );
    expect(
      parseErrorText(
        'at Foo.bar(OrderClient.java:44)\n  at main.go:12\n  at /srv/app/x.js:3:9\nread ECONNRESET',
      ).target,
    ).toBeNull();
    expect(
      parseErrorText('ECONNRESET (see https://nodejs.org/api/errors.html) talking to db.lab.test:5432')
        .target,
    ).toBe('db.lab.test:5432');
    expect(parseErrorText("Error: read ECONNRESET\n  address: '10.0.0.7',\n  port: 8080").target).toBe(
      '10.0.0.7:8080',
    );
  });
});

describe('robustness', () => {
  const curl = fixture('curl-verbose-ssl-read.txt');

  it('reads Windows line endings and lone carriage returns the same', () => {
    const expected = parseErrorText(curl);
    expect(parseErrorText(curl.replace(/\n/g, '\r\n'))).toEqual(expected);
    expect(parseErrorText(curl.replace(/\n/g, '\r'))).toEqual(expected);
    const psql = fixture('psql-server-closed.txt');
    expect(parseErrorText(psql.replace(/\n/g, '\r\n'))).toEqual(parseErrorText(psql));
  });

  it('strips terminal colours before reading', () => {
    const coloured =
      '\x1b[31m\x1b[1mError\x1b[22m: read \x1b[33mECONNRESET\x1b[39m\x1b[0m\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:218:20)\n\x1b]8;;https://nodejs.org\x07link\x1b]8;;\x07';
    const info = parseErrorText(coloured);
    expect(info).toMatchObject({
      client: 'Node.js',
      clientDetail: 'Node.js read ECONNRESET',
      phase: 'response',
    });
    expect(info.matched).toBe('read ECONNRESET');
    expect(JSON.stringify(info)).not.toContain('\\u001b');
    expect(
      parseErrorText(`\x1b[1;31mcurl: (56) Recv failure: Connection reset by peer\x1b[0m`).clientDetail,
    ).toBe('curl exit 56');
  });

  it('caps what it reads at 64 KB: the head and the tail of a long text', () => {
    const filler = 'x'.repeat(1024 * 1024);
    expect(parseErrorText(`curl: (56) Recv failure: Connection reset by peer\n${filler}`).client).toBe(
      'curl',
    );
    expect(parseErrorText(`${filler}\nError: read ECONNRESET`).client).toBe('Node.js');
    // The middle of a megabyte is not read.
    const middle = parseErrorText(`${filler}\nError: read ECONNRESET\n${filler}`);
    expect(middle.known).toBe(false);
    expect(MAX_ERROR_TEXT).toBe(64 * 1024);
  });

  // Near misses of every rule, each repeated over a megabyte on one line: a regular expression that
  // backtracks more than a bounded amount per position would take seconds here.
  it.each([
    ['read tcp ', 'read tcp 1.2.3.4:5->'],
    ['curl', 'curl: (56) '],
    ['git', "fatal: unable to access '"],
    ['urls', 'https://a'],
    ['host:port', 'a.b.c.d.e.f.g.h.i.j.example:'],
    ['host port', 'to "host" (x) '],
    ['python frames', '  File "x.py", line 1, in read\n'],
    ['java frames', '\tat x.implRead(X.java:1)\n'],
    ['ansi', '\x1b[' + '1;'.repeat(40)],
    ['osc', '\x1b]8;;'],
    ['spaces', ' \t '],
    ['carriage returns', '\r\r\n'],
    ['postgres', 'connection to server at '],
    ['errno', 'errno errno: '],
  ])('stays fast on a megabyte of near misses: %s', (_name, unit) => {
    const text = unit.repeat(Math.ceil((1024 * 1024) / unit.length)) + '\nError: read ECONNRESET';
    const started = performance.now();
    const info = parseErrorText(text);
    expect(performance.now() - started).toBeLessThan(250);
    expect(info.known).toBe(true);
  });
});

describe('summary', () => {
  it('names the client, what it said, the phase and the target', () => {
    expect(
      errorTextSummary(
        parseErrorText(
          'curl: (56) Recv failure: Connection reset by peer\n* Connected to api.lab.test (198.18.0.10) port 443 (#0)',
        ),
      ),
    ).toBe(
      'curl (exit 56): the peer reset the connection while receiving the response from api.lab.test:443',
    );
    expect(errorTextSummary(parseErrorText(fixture('node-socket-hang-up.txt')))).toBe(
      'Node.js (socket hang up): the peer dropped the connection while receiving the response',
    );
    expect(errorTextSummary(parseErrorText(fixture('chrome-err-connection-reset.txt')))).toBe(
      'a browser (Chromium, net::ERR_CONNECTION_RESET): the peer reset the connection',
    );
    expect(errorTextSummary(parseErrorText('Error: connect ECONNREFUSED 127.0.0.1:5432'))).toBe(
      'Node.js (connect ECONNREFUSED): not a connection reset; going on with the target',
    );
    expect(errorTextSummary(parseErrorText('permission denied'))).toBe(
      'error text not recognised; going on with the target',
    );
  });

  it('describes the client without repeating its name', () => {
    expect(describeClient({ client: 'curl', clientDetail: 'curl exit 56' })).toBe('curl (exit 56)');
    expect(
      describeClient({ client: 'PostgreSQL client', clientDetail: 'PostgreSQL psql: server closed' }),
    ).toBe('PostgreSQL client (psql: server closed)');
    expect(describeClient({ client: null, clientDetail: null })).toBeNull();
    expect(describeClient({ client: 'git', clientDetail: null })).toBe('git');
  });
});

/**
 * Collected from public issue threads for this work (not part of the labelled set), to check that the
 * families generalise beyond the texts they were built from. The source of each is beside it.
 */
describe('parseErrorText on texts collected from issue threads', () => {
  it.each([
    [
      // https://github.com/sewenew/redis-plus-plus/issues/300
      "terminate called after throwing an instance of 'sw::redis::IoError'\n  what():  Failed to get reply: Connection reset by peer",
      { client: 'Redis client', isReset: true, phase: 'response' },
    ],
    [
      // https://github.com/grpc/grpc/issues/9179
      'GRPC::BadStatus (14:{"created":"@1480919322.302156000","description":"OS Error","errno":54,"file":"src/core/lib/iomgr/tcp_posix.c","file_line":229,"grpc_status":14,"os_error":"Connection reset by peer","syscall":"recvmsg"})',
      { client: 'gRPC', isReset: true, phase: 'response' },
    ],
    [
      // https://github.com/GoogleChrome/chromium-dashboard/pull/2259
      "redis.exceptions.ConnectionError: Error while reading from 10.231.56.251:6379 : (104, 'Connection reset by peer')",
      { client: 'Redis client', isReset: true, phase: 'response', target: '10.231.56.251:6379' },
    ],
    [
      // https://github.com/milvus-io/pymilvus/issues/944
      'ERROR:milvus.client.grpc_handler:\ndebug_error_string = "{"created":"@1649208677.936740588","description":"Error received from peer ipv4:10.254.30.162:19530","file":"src/core/lib/surface/call.cc","file_line":1067,"grpc_message":"Connection reset by peer","grpc_status":14}"',
      { client: 'gRPC', isReset: true, target: '10.254.30.162:19530' },
    ],
    [
      // https://github.com/moby/moby/issues/18100 (redis-cli): no client in the words, so none is named.
      'Error: Connection reset by peer',
      { client: null, isReset: true, phase: null },
    ],
  ] as const)('reads %j', (text, expected) => {
    expect(parseErrorText(text)).toMatchObject({ known: true, ...expected });
  });
});
