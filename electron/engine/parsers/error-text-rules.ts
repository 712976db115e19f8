import type { Phase } from '../../shared/cause-info.js';
import { framePhase, mysqlCode, prefix, pythonFramePhase, readWrite } from './error-text-evidence.js';

/*
 * The wordings the error-text parser knows, by client family. Every regular expression here runs in linear
 * time: no nested quantifiers, and every gap between two literals is bounded ([^\n]{0,200}), so even a 64 KB
 * line made of near-misses costs a bounded amount per position.
 */

/** reset: a reset in so many words; closed: the peer dropped the connection; other: recognised, not a drop. */
export type Kind = 'reset' | 'closed' | 'other';

export interface Rule {
  client: string | null;
  re: RegExp;
  /** What the client said, without the client's name: 'exit 56', 'read ECONNRESET'. */
  core?: string | ((m: RegExpExecArray, text: string) => string | null);
  /** undefined: no opinion, look further (other rules, stack frames, syscall names). */
  phase?: Phase | ((m: RegExpExecArray, text: string) => Phase | undefined);
  /**
   * Default: from the fragment's words. A fixed 'closed' turns into 'reset' when the text says reset further
   * on (a "Caused by" reset); a function's answer is final.
   */
  kind?: Kind | ((m: RegExpExecArray, text: string) => Kind);
  /** The second sentence of the explanation (for 'other', the first). */
  note?: string;
}

export const RESET_WORDS =
  /reset by peer|connection reset|connection was reset|ECONNRESET|WSAECONNRESET|\b10054\b|forcibly closed|ERR_CONNECTION_RESET|NS_ERROR_NET_RESET|PR_CONNECT_RESET_ERROR|\[Errno 104\]|ConnectionResetError|errno[ =:]{1,3}-?104\b|system error: 104\b/i;
const DROP_WORDS =
  /\bEOF\b|closed|Empty reply|SSL_ERROR_SYSCALL|broken pipe|EPIPE|hung up|hang up|aborted|gone away|Lost connection|terminated|disconnected|dropped/i;
export const BROKEN_PIPE = /broken pipe|\bEPIPE\b|BrokenPipeError/i;
const STREAM_RESET_NOTE =
  'One HTTP/2 stream (one request) was reset by the peer with RST_STREAM or ended by GOAWAY; the TCP connection itself was not reset. The server or a proxy refused or cancelled that request: look at its logs for the stream error.';
const TIMEOUT_NOTE =
  'The client gave up waiting: packets went unanswered, or the server took longer than the client allows. That is a timeout, not a reset.';
export const BROKEN_PIPE_NOTE =
  'Broken pipe: the program wrote to a connection that the other side (or a device on the path) had already closed, often one left idle, which by itself is not a reset.';
const REFUSED = /ECONNREFUSED|Connection refused|actively refused/i;
const TIMEOUT = /ETIMEDOUT|timed out|timeout/i;

export function kindOf(fragment: string): Kind {
  if (RESET_WORDS.test(fragment)) return 'reset';
  // EPIPE: this side wrote after the other had closed. The close came first, and whether a reset
  // followed the text does not say: recognised, but not read as a reset.
  if (BROKEN_PIPE.test(fragment)) return 'other';
  if (REFUSED.test(fragment) || TIMEOUT.test(fragment)) return 'other';
  return DROP_WORDS.test(fragment) ? 'closed' : 'other';
}

export const short = (s: string, n = 80) => {
  const t = s.trim().replace(/[\s.,;:"'\\]+$/, '');
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

// libcurl's own messages (curl, git over HTTPS, PHP's cURL) ------------------------------------------

interface Libcurl {
  label: string;
  phase: Phase | undefined;
  kind: Kind;
}

function libcurl(message: string): Libcurl {
  const ssl = /\b((?:OpenSSL|LibreSSL|BoringSSL|GnuTLS|wolfSSL) )?(SSL_(?:read|write|connect))\b/.exec(
    message,
  );
  const errno = /\berrno (\d{1,5})\b/.exec(message)?.[1];
  const kind = kindOf(message);
  if (ssl) {
    const fn = ssl[2]!;
    const phase = fn === 'SSL_connect' ? 'tls' : fn === 'SSL_write' ? 'request' : 'response';
    return { label: `${ssl[1] ?? ''}${fn}${errno ? ` errno ${errno}` : ''}`, phase, kind };
  }
  const simple: [RegExp, string, Phase | undefined][] = [
    [/Recv failure/, 'Recv failure', 'response'],
    [/Send failure/, 'Send failure', 'request'],
    [/schannel: [^\n]{0,80}handshake|SEC_E_|SSL\/TLS connection failed/i, 'schannel handshake', 'tls'],
    [/Empty reply from server/, 'Empty reply from server', 'response'],
    [/transfer closed with/, 'transfer closed', 'response'],
    [/Failed to connect to/, 'Failed to connect', 'connect'],
    [/Could not resolve host/, 'Could not resolve host', 'dns'],
  ];
  for (const [re, label, phase] of simple)
    if (re.test(message))
      return { label, phase, kind: label === 'Empty reply from server' ? 'closed' : kind };
  return { label: short(message, 60), phase: undefined, kind };
}

const CURL_EXIT_PHASE: Record<string, Phase> = {
  '6': 'dns',
  '7': 'connect',
  '35': 'tls',
  '52': 'response',
  '55': 'request',
  '56': 'response',
  '18': 'response',
};

function curlCore(prefix: string, message: string): string {
  const { label } = libcurl(message);
  return /^(Recv|Send) failure$/.test(label) ? prefix : `${prefix}, ${label}`;
}

/** psql's prompt and the statement it had sent ("orders=> SELECT …;"), just before the error. */
const PSQL_STATEMENT =
  /[=-][>#] {0,4}(?:SELECT|INSERT|UPDATE|DELETE|WITH|COPY|CALL|COMMIT|BEGIN|VACUUM|CREATE|ALTER)\b[^\n]{0,300}$|;\n$/i;

/** urllib3's wrapped exception with its errno: "ConnectionResetError 104", from "ConnectionResetError(104, …". */
function pythonError(name: string, args: string): string {
  const errno = /^(\d{1,5}),/.exec(args)?.[1];
  return errno ? `${name} ${errno}` : name;
}

// gRPC -----------------------------------------------------------------------------------------------

/** How far past the status line its details run (Python's debug_error_string, Go's nested desc). */
const GRPC_WINDOW = 1200;

function grpcStatus(text: string): string {
  const code =
    /code = (\w{1,30})|StatusCode\.([A-Z_]{3,30})|\b\d{1,2} ([A-Z_]{3,30}):|code=([A-Z_]{3,30})|StatusCode="(\w{1,30})"|"grpc_status":\s?(14)\b|GRPC::\w{1,30} \((14):/.exec(
      text,
    );
  const found = code?.slice(1).find((g) => g !== undefined);
  const name = found === '14' ? 'UNAVAILABLE' : found;
  if (/Connect failed/.test(text) && !name) return 'connect failed';
  return name ? `status ${name.toUpperCase()}` : 'status';
}

/** An HTTP/2 stream reset, a deadline or a failed connect is not the TCP connection being dropped. */
function grpcKind(text: string): Kind {
  if (RESET_WORDS.test(text) || /recvmsg:Connection reset/i.test(text)) return 'reset';
  if (
    /RST_STREAM|DEADLINE_EXCEEDED|Deadline Exceeded|failed to connect|Connect failed|connection refused|name resolution|DNS resolution|timed out|Timeout occurred|i\/o timeout|RESOURCE_EXHAUSTED/i.test(
      text,
    )
  )
    return 'other';
  if (BROKEN_PIPE.test(text)) return 'other';
  if (
    /\bEOF\b|transport is closing|Socket closed|Connection closed|connection closed|Stream removed|GOAWAY/i.test(
      text,
    )
  )
    return 'closed';
  return 'other';
}

function grpcPhase(text: string): Phase | undefined {
  if (/error reading from server|recvmsg|\bread: |"syscall":\s?"(?:read|recv)/.test(text)) return 'response';
  if (/error writing to server|sendmsg|\bwrite: |"syscall":\s?"(?:write|send)/.test(text)) return 'request';
  if (/Connect failed|failed to connect|\bdial(?:ing)? /i.test(text)) return 'connect';
  return undefined;
}

// The rules, most specific first: the first that matches names the client ----------------------------

const osKind = (m: RegExpExecArray): Kind => kindOf(m[0]);

export const RULES: Rule[] = [
  // git wraps libcurl (HTTPS remotes); over SSH see the SSH rules.
  {
    client: 'git',
    re: /error: RPC failed; curl (\d{1,3}) ([^\n]{0,200})/,
    core: (m) => curlCore(`RPC failed, curl ${m[1]}`, m[2]!),
    phase: (m) => libcurl(m[2]!).phase ?? CURL_EXIT_PHASE[m[1]!],
    kind: (m) => (libcurl(m[2]!).kind === 'other' ? 'closed' : libcurl(m[2]!).kind),
  },
  {
    client: 'git',
    re: /fatal: unable to access '[^'\n]{1,500}': ([^\n]{0,200})/,
    core: (m) => `unable to access, ${libcurl(m[1]!).label}`,
    phase: (m) => libcurl(m[1]!).phase,
    kind: (m) => libcurl(m[1]!).kind,
  },
  {
    client: 'PHP',
    re: /cURL error (\d{1,3}): ([^\n(]{0,200})/,
    core: (m) => curlCore(`cURL error ${m[1]}`, m[2]!),
    phase: (m) => libcurl(m[2]!).phase ?? CURL_EXIT_PHASE[m[1]!],
    kind: (m) => libcurl(m[2]!).kind,
  },
  {
    client: 'curl',
    re: /curl: \((\d{1,3})\) ([^\n]{0,200})/,
    core: (m) => curlCore(`exit ${m[1]}`, m[2]!),
    phase: (m) => libcurl(m[2]!).phase ?? CURL_EXIT_PHASE[m[1]!],
    kind: (m) => libcurl(m[2]!).kind,
  },
  {
    // curl -v, or libcurl's message pasted alone.
    client: 'curl',
    re: /(?:(?:Recv|Send) failure: |(?:OpenSSL|LibreSSL|BoringSSL|GnuTLS|wolfSSL) SSL_(?:read|write|connect): )[^\n]{0,200}/,
    core: (m) => libcurl(m[0]).label,
    phase: (m) => libcurl(m[0]).phase,
  },

  // PostgreSQL (libpq: psql, psycopg, most drivers; and the JDBC driver) before Python and Java.
  {
    client: 'PostgreSQL client',
    re: /could not (receive data from|send data to) server: ([^\n]{0,120})/,
    core: (m) => `could not ${m[1]} server`,
    phase: (m) => (m[1] === 'send data to' ? 'request' : 'response'),
  },
  {
    // Ruby pg names the failed operation in the exception class.
    client: 'PostgreSQL client',
    re: /\bPG::UnableToSend\b/,
    core: 'PG::UnableToSend',
    phase: 'request',
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    client: 'PostgreSQL client',
    re: /server closed the connection unexpectedly/,
    core: 'server closed the connection unexpectedly',
    // libpq says this for a read or a write alike: only the words around it tell which.
    phase: (m, text) =>
      /(?:connection to server (?:at|on)[^\n]{0,300}failed:|could not connect to server:)[ \n\t]{0,5}$/.test(
        prefix(text, m),
      )
        ? 'connect'
        : PSQL_STATEMENT.test(prefix(text, m))
          ? 'response'
          : pythonFramePhase(text, text.length),
    kind: 'closed',
    note: 'The server process serving this session ended (it crashed, was killed or restarted) or something on the path dropped the connection; libpq cannot tell which.',
  },
  {
    client: 'PostgreSQL client',
    re: /SSL SYSCALL error: ([^\n]{0,80})/,
    core: (m) => `SSL SYSCALL error: ${short(m[1]!, 40)}`,
    phase: (m, text) =>
      /connection to server (?:at|on)[^\n]{0,300}failed:[ \n\t]{0,5}$/.test(prefix(text, m))
        ? 'tls'
        : 'response',
    kind: (m) => (RESET_WORDS.test(m[0]) ? 'reset' : 'closed'),
    note: 'The TLS-protected connection ended without a TLS goodbye: the server went away, or a firewall or load balancer cut the connection (often one idle for long).',
  },
  {
    client: 'PostgreSQL client',
    re: /PSQLException: An I\/O error occurred while sending to the backend/,
    core: 'PSQLException: I/O error while sending to the backend',
    phase: 'request',
    kind: 'closed',
  },

  // MySQL and MariaDB clients and drivers.
  {
    client: 'MySQL client',
    re: /Lost connection to (?:MySQL|MariaDB) server (during query|at '([^'\n]{1,80})')(?:, system error: (\d{1,5}))?/,
    core: (m, text) =>
      `${mysqlCode(text, '2013')}Lost connection ${m[1]!.startsWith('at') ? `at '${m[2]}'` : 'during query'}`,
    phase: (m) => (m[1] === 'during query' ? 'response' : 'connect'),
    kind: (m) => (m[3] === '104' || m[3] === '10054' ? 'reset' : 'closed'),
  },
  {
    client: 'MySQL client',
    re: /(?:MySQL|MariaDB) server has gone away/,
    core: (_m, text) => `${mysqlCode(text, '2006')}server has gone away`,
    phase: 'request',
    kind: 'closed',
    note: 'Usually an idle connection that the server (wait_timeout) or a firewall, NAT or load balancer had already dropped, found out when the next query was sent; a query larger than max_allowed_packet does the same.',
  },
  {
    client: 'MySQL client',
    re: /Communications link failure/,
    core: (_m, text) => {
      const ago = /last packet successfully received from the server was ([\d,]{1,20}) milliseconds ago/.exec(
        text,
      )?.[1];
      return `Connector/J Communications link failure${ago ? `, last packet received ${ago} ms before` : ''}`;
    },
    phase: (_m, text) =>
      /driver has not received any packets from the server/.test(text) ? 'connect' : undefined,
    kind: 'closed',
  },

  // SSH (OpenSSH).
  {
    client: 'SSH',
    re: /(kex_exchange_identification|ssh_exchange_identification): ([^\n]{0,120})/,
    core: (m) => `${m[1]}: ${short(m[2]!, 60)}`,
    phase: 'connect',
    note: 'TCP had connected, but the reset came before the SSH greeting: sshd refusing the client (MaxStartups, TCP wrappers, fail2ban) or a firewall or IPS on the path.',
  },
  {
    client: 'SSH',
    re: /ssh: connect to host [^\s]{1,255} port \d{1,5}: ([^\n]{0,80})/,
    core: (m) => `connect to host: ${short(m[1]!, 60)}`,
    phase: 'connect',
    kind: osKind,
  },
  {
    client: 'SSH',
    re: /Read from remote host [^\s:]{1,255}: ([^\n]{0,80})/,
    core: (m) => `Read from remote host: ${short(m[1]!, 40)}`,
    phase: 'response',
  },
  {
    client: 'SSH',
    re: /\b(Write failed|packet_write_wait: Connection to [^\n]{1,300}?): (Broken pipe)/,
    core: (m) => `${m[1]!.startsWith('Write') ? 'Write failed' : 'packet_write_wait'}: Broken pipe`,
    phase: 'request',
    kind: 'other',
    note: BROKEN_PIPE_NOTE,
  },
  {
    client: 'SSH',
    re: /client_loop: send disconnect: ([^\n]{0,80})/,
    core: (m) => `client_loop: send disconnect: ${short(m[1]!, 40)}`,
    phase: 'request',
  },
  {
    client: 'SSH',
    re: /Connection (reset|closed) by (?:authenticating user [^\s]{1,64} )?[^\s]{1,255} port \d{1,5}/,
    core: (m) => `Connection ${m[1]} by host`,
  },

  // rsync: "rsync: [receiver] read error: Connection reset by peer (104)".
  {
    client: 'rsync',
    re: /\brsync: (?:\[(?:receiver|sender|generator)\] )?(read|write) error: ([^\n]{0,80})/,
    core: (m) => `${m[1]} error: ${short(m[2]!, 40)}`,
    phase: (m) => readWrite(m[1]),
    kind: (m) => kindOf(m[2]!),
  },
  {
    client: 'rsync',
    re: /\brsync: connection unexpectedly closed|\brsync error: error in socket IO/,
    core: (m) =>
      m[0].includes('socket IO') ? 'error in socket IO (code 10)' : 'connection unexpectedly closed',
    kind: 'closed',
  },

  // libgit2 (pygit2, LibGit2Sharp, git2-rs, and the tools built on them).
  {
    client: 'libgit2',
    re: /\bError (receiving|sending) (?:socket )?data: ?([^\n]{0,80})/,
    core: (m) => `error ${m[1]} data`,
    phase: (m) => (m[1] === 'sending' ? 'request' : 'response'),
    kind: (m) => (kindOf(m[2]!) === 'other' ? 'closed' : kindOf(m[2]!)),
  },

  // Redis clients.
  {
    // redis-py: "Error 104 while writing to socket. Connection reset by peer."
    client: 'Redis client',
    // redis-py: "Error 104 while writing to socket", "Error while reading from 10.0.0.5:6379 : (104, …)".
    re: /\bError (?:(\d{1,5}) )?while (writing to|reading from) (?:socket|[^\s:]{1,255}:\d{1,5})\.? ?([^\n]{0,100})/,
    core: (m) =>
      `Error${m[1] ? ` ${m[1]}` : ''} while ${m[2]} ${m[0].includes('socket') ? 'socket' : 'the server'}`,
    phase: (m) => (m[2] === 'writing to' ? 'request' : 'response'),
    kind: (m) => (m[1] === '104' || m[1] === '10054' ? 'reset' : kindOf(m[0])),
  },
  {
    // hiredis and redis-plus-plus: "Failed to get reply: Connection reset by peer".
    client: 'Redis client',
    re: /\bFailed to (get reply|send command)s?: ([^\n]{0,100})/,
    core: (m) => `Failed to ${m[1]}`,
    phase: (m) => (m[1] === 'get reply' ? 'response' : 'request'),
    kind: (m) => (kindOf(m[2]!) === 'other' ? 'closed' : kindOf(m[2]!)),
  },
  {
    client: 'Redis client',
    re: /\bError while reading from socket: \(?'?Connection closed by server|\bConnection closed by server\.(?=[^\n]{0,200}redis)/i,
    core: 'connection closed by server',
    phase: 'response',
    kind: 'closed',
  },
  {
    // phpredis: "Redis::exec(): send of 8192 bytes failed with errno=104 Connection reset by peer".
    client: 'Redis client',
    re: /\bRedis(?:Cluster)?::\w{1,40}\(\): send of \d{1,10} bytes failed with errno=(\d{1,5})([^\n]{0,80})/,
    core: (m) => `phpredis: send failed, errno ${m[1]}`,
    phase: 'request',
    kind: (m) => (m[1] === '104' || m[1] === '10054' ? 'reset' : kindOf(m[0])),
  },
  {
    client: 'Redis client',
    re: /\bread error on connection to ([^\s]{1,255})/,
    core: 'phpredis: read error on connection',
    phase: 'response',
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    // StackExchange.Redis: "SocketFailure (ReadSocketError/ConnectionReset, …)".
    client: 'Redis client',
    re: /\bSocketFailure \((Read|Write)SocketError\/(\w{1,40})/,
    core: (m) => `StackExchange.Redis SocketFailure (${m[1]}SocketError/${m[2]})`,
    phase: (m) => (m[1] === 'Write' ? 'request' : 'response'),
    kind: (m, text) => (/Reset/.test(m[2]!) || RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },

  // Go's net package: "read tcp 10.0.0.2:51234->10.0.0.1:443: read: connection reset by peer".
  {
    client: 'Go',
    re: /\b(read|write|dial) (tcp[46]?|udp[46]?|unix) [^\n]{1,160}?: (read|write|connect|connectex|wsarecv|wsasend|wsarecvfrom): ([^\n]{0,160})/,
    core: (m) =>
      `${m[1]} ${m[2]}: ${m[3]}: ${short(m[4]!.replace(/^An existing connection was forcibly closed by the remote host/, 'forcibly closed by the remote host'), 48)}`,
    phase: (m) => readWrite(m[3]) ?? readWrite(m[1]),
    kind: (m) => kindOf(m[4]!),
  },

  // Go's net/http when the server hung up without a word: `Get "https://…": EOF`.
  {
    client: 'Go',
    re: /\b(?:Get|Post|Put|Patch|Delete|Head|Options)\s{1,8}\\?"?(?:https?:\/\/[^"\s]{1,500}?)\\?"?:\s{1,8}(unexpected EOF|EOF)\b/,
    core: (m) => `net/http: ${m[1]}`,
    phase: 'response',
    kind: 'closed',
    note: 'The server (or a proxy or load balancer in front of it) closed the connection without sending a response: often a kept-alive connection it had already closed, or a backend that went away.',
  },
  {
    client: 'Go',
    re: /\bnet\/http: HTTP\/1\.x transport connection broken: ([^\n]{0,120})|\bhttp: server closed idle connection\b/,
    core: (m) => (m[1] ? 'net/http: transport connection broken' : 'net/http: server closed idle connection'),
    kind: (m) => (m[1] && kindOf(m[1]) === 'reset' ? 'reset' : 'closed'),
  },

  // .NET.
  {
    client: '.NET',
    re: /The SSL connection could not be established|Authentication failed because the remote party has closed the transport stream/,
    core: (m) =>
      m[0].startsWith('The SSL')
        ? 'HttpRequestException: the SSL connection could not be established'
        : 'AuthenticationException: remote party closed the transport stream',
    phase: 'tls',
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    client: '.NET',
    re: /Unable to (read|write) data (?:from|to) the transport connection: ?([^\n]{0,160})/,
    core: (m) =>
      `IOException: unable to ${m[1]} data ${m[1] === 'read' ? 'from' : 'to'} the transport connection`,
    phase: (m) => (m[1] === 'read' ? 'response' : 'request'),
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    client: '.NET',
    re: /The underlying connection was closed: ([^\n]{0,120})/,
    core: (m) => `WebException: the underlying connection was closed: ${short(m[1]!, 60)}`,
    phase: (m) => (/on a send/.test(m[1]!) ? 'request' : /on a receive/.test(m[1]!) ? 'response' : undefined),
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    client: '.NET',
    re: /System\.Net\.Sockets\.SocketException(?: \((\d{1,5})\))?: ([^\n]{0,160})/,
    core: (m) => `SocketException${m[1] ? ` ${m[1]}` : ''}`,
    phase: (m, text) => framePhase(text, m.index),
    kind: osKind,
  },

  // Python.
  {
    // urllib3 while reading a response body: "Connection broken: ConnectionResetError(104, …)".
    client: 'Python',
    re: /\bConnection broken: ([A-Za-z]{1,40})\(([^\n]{0,160})/,
    core: (m) => `Connection broken, ${pythonError(m[1]!, m[2]!)}`,
    phase: 'response',
    kind: (m) =>
      m[1] === 'ConnectionResetError' ? 'reset' : kindOf(m[0]) === 'other' ? 'closed' : kindOf(m[0]),
  },
  {
    client: 'Python',
    re: /\bConnection was closed before we received a valid response from endpoint URL/,
    core: 'botocore ConnectionClosedError',
    kind: 'closed',
    note: 'The AWS endpoint (or a proxy in between) closed the connection before answering: often a kept-alive connection it had already dropped.',
  },
  {
    client: 'Python',
    re: /\baiohttp\.client_exceptions\.(ClientOSError|ClientPayloadError|ClientConnectorError)(?:: ([^\n]{0,160}))?/,
    core: (m) => `aiohttp ${m[1]}`,
    phase: (m) =>
      m[1] === 'ClientPayloadError' ? 'response' : m[1] === 'ClientConnectorError' ? 'connect' : undefined,
    kind: (m) => (m[1] === 'ClientPayloadError' && kindOf(m[0]) === 'other' ? 'closed' : kindOf(m[0])),
  },
  {
    // httpx and httpcore: the server closed before or during its response.
    client: 'Python',
    re: /\b(ReadError|WriteError|RemoteProtocolError): Server disconnected(?: while attempting read| without sending a response)?/,
    core: (m) => `httpx ${m[1]}: server disconnected`,
    phase: (m) => (m[1] === 'WriteError' ? 'request' : 'response'),
    kind: 'closed',
  },
  {
    client: 'Python',
    re: /\('Connection aborted\.', ([A-Za-z]{1,40})\(([^\n]{0,160})/,
    core: (m) => `Connection aborted, ${pythonError(m[1]!, m[2]!)}`,
    // urllib3 raises it for a failure anywhere from sending the request to reading the status line.
    phase: (m, text) => (m[1] === 'BrokenPipeError' ? 'request' : pythonFramePhase(text, m.index)),
    kind: (m) =>
      m[1] === 'ConnectionResetError' ? 'reset' : m[1] === 'BrokenPipeError' ? 'other' : 'closed',
    note: 'The connection was dropped before a response came back: the server or a proxy gave up on the request, or a device on the path cut the connection.',
  },
  {
    client: 'Python',
    re: /\bRemoteDisconnected(?:: |\(')[^\n]{0,120}/,
    core: 'http.client RemoteDisconnected',
    phase: 'response',
    kind: 'closed',
    note: 'The server closed the connection without sending any response: often a kept-alive connection it had already dropped, a crash, or a proxy in between closing it.',
  },
  {
    client: 'Python',
    re: /\bhttpx\.(Read|Write|Connect)Error: ([^\n]{0,120})/,
    core: (m) => `httpx ${m[1]}Error`,
    phase: (m) => readWrite(m[1]),
    kind: osKind,
  },
  {
    client: 'Python',
    re: /\bServerDisconnectedError\b[^\n]{0,120}/,
    core: 'aiohttp ServerDisconnectedError',
    phase: 'response',
    kind: 'closed',
  },
  {
    client: 'Python',
    re: /\bssl\.SSLEOFError: ([^\n]{0,120})/,
    core: 'ssl.SSLEOFError',
    phase: (m, text) => pythonFramePhase(text, m.index) ?? 'tls',
    kind: 'closed',
  },
  {
    client: 'Python',
    re: /\b(ConnectionResetError|BrokenPipeError|ConnectionAbortedError|ConnectionRefusedError|TimeoutError)(?:: \[(?:Errno|WinError) |\()(\d{1,5})[^\n]{0,120}/,
    core: (m) => `${m[1]} errno ${m[2]}`,
    phase: (m, text) =>
      pythonFramePhase(text, m.index) ?? (m[1] === 'BrokenPipeError' ? 'request' : undefined),
  },

  // Java: the TLS layer first (its message wraps the socket's).
  {
    client: 'Java',
    re: /javax\.net\.ssl\.(SSL(?:Handshake|Protocol)?Exception): (Connection reset(?: by peer)?|Remote host (?:terminated the handshake|closed connection during handshake)|Broken pipe)/,
    core: (m) => `${m[1]}: ${m[2]}`,
    phase: (m, text) => {
      const frames = framePhase(text, m.index);
      return frames === 'response' || frames === 'request' ? frames : 'tls';
    },
  },
  {
    // Netty's native transport (Reactor Netty, Spring WebClient, gRPC Java): "recvAddress(..) failed",
    // "readAddress(..) failed", "syscall:read(..) failed", with or without the exception's name.
    client: 'Java',
    re: /\b(?:syscall:)?(recvAddress|readAddress|recvmsg|read|writeAddress|sendAddress|sendmsg|writev|write|sendfile|splice)\(\.\.\) failed: ([^\n]{0,80})/,
    core: (m) => `Netty ${m[1]}(..) failed: ${short(m[2]!, 40)}`,
    phase: (m) => readWrite(m[1]),
    kind: (m) => kindOf(m[2]!),
  },
  {
    client: 'Java',
    re: /\bPrematureCloseException: Connection prematurely closed (BEFORE|DURING) response/,
    core: (m) => `Reactor Netty: connection prematurely closed ${m[1]!.toLowerCase()} response`,
    phase: 'response',
    kind: 'closed',
  },
  {
    // Apache HttpClient on a kept-alive connection the server had already dropped.
    client: 'Java',
    re: /\bNoHttpResponseException: ([^\s]{1,255}) failed to respond/,
    core: 'Apache HttpClient NoHttpResponseException',
    phase: 'response',
    kind: 'closed',
    note: 'The server closed the connection without answering: almost always a kept-alive connection it (or a load balancer) had already closed, reused by the client. Validate or evict idle pooled connections sooner than the server closes them.',
  },
  {
    client: 'Java',
    re: /java\.(?:net\.SocketException|io\.IOException): (Connection reset(?: by peer)?|Broken pipe|Software caused connection abort)([^\n]{0,60})/,
    core: (m) =>
      `${m[0].includes('SocketException') ? 'SocketException' : 'IOException'}: ${m[1]}${short(m[2]!, 30) ? ` ${short(m[2]!, 30)}` : ''}`,
    phase: (m, text) => {
      if (/Write failed|write error/i.test(m[2]!) || m[1] === 'Broken pipe') return 'request';
      return framePhase(text, m.index) ?? (m[1] === 'Connection reset' ? 'response' : undefined);
    },
  },

  // Ruby and PHP streams.
  {
    client: 'Ruby',
    re: /Errno::(ECONNRESET|EPIPE|ECONNABORTED)\b[^\n]{0,120}/,
    core: (m) => `Errno::${m[1]}`,
    phase: (m) => (m[1] === 'EPIPE' ? 'request' : undefined),
  },
  {
    client: 'PHP',
    re: /\b(fwrite|fread|fgets|stream_socket_client|fsockopen|file_get_contents)\(\): ([^\n]{0,160})/,
    core: (m) => `${m[1]}()`,
    phase: (m) => readWrite(m[1]!.replace(/^f/, '')) ?? (m[1] === 'fgets' ? 'response' : undefined),
    kind: (m) => kindOf(m[2]!),
  },

  // Node.js (libuv codes with the system call in front), and its HTTP clients.
  {
    client: 'Node.js',
    re: /Client network socket disconnected before secure TLS connection was established/,
    core: 'TLS socket disconnected before the handshake finished',
    phase: 'tls',
    kind: (_m, text) => (RESET_WORDS.test(text) ? 'reset' : 'closed'),
  },
  {
    client: 'Node.js',
    re: /\b(read|write|connect) (ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/,
    core: (m) => `${m[1]} ${m[2]}`,
    phase: (m) => readWrite(m[1]),
  },
  {
    client: 'Node.js',
    re: /\bsocket hang up\b/,
    core: 'socket hang up',
    phase: 'response',
    // Node gives it the code ECONNRESET whatever ended the connection: do not read that as a reset.
    kind: () => 'closed',
    note: 'The server (or a proxy) closed the connection before answering: a kept-alive connection it had already dropped, a crash, or a request it would not answer.',
  },
  {
    client: 'Node.js',
    re: /\bother side closed\b|\bUND_ERR_SOCKET\b/,
    core: 'undici: other side closed',
    phase: 'response',
    kind: 'closed',
  },

  // Windows sockets, whatever the language.
  {
    client: 'Windows',
    re: /\bWSAECONNRESET\b|An existing connection was forcibly closed by the remote host/,
    core: 'WSAECONNRESET (10054)',
    phase: (m, text) => framePhase(text, m.index),
  },
  {
    client: 'Windows',
    re: /\bWSAECONNABORTED\b|An established connection was aborted by the software in your host machine/,
    core: 'WSAECONNABORTED (10053)',
    kind: 'closed',
    note: 'Windows itself gave up on the connection (error 10053): often after its retransmissions went unanswered, or security software cut it.',
  },

  // Browsers.
  {
    client: 'a browser (Chromium)',
    re: /\b(?:net::)?ERR_CONNECTION_RESET\b/,
    core: 'net::ERR_CONNECTION_RESET',
    note: 'Chrome and Edge give this one error for a reset at any point; the next steps find out who sent it, and when.',
  },
  {
    client: 'a browser (Chromium)',
    re: /\b(?:net::)?ERR_(EMPTY_RESPONSE|CONNECTION_CLOSED|CONNECTION_ABORTED)\b/,
    core: (m) => `net::ERR_${m[1]}`,
    phase: (m) => (m[1] === 'EMPTY_RESPONSE' ? 'response' : undefined),
    kind: 'closed',
  },
  {
    client: 'a browser (Firefox)',
    re: /\bPR_CONNECT_RESET_ERROR\b|\bPR_END_OF_FILE_ERROR\b/,
    core: (m) => m[0],
    phase: 'tls',
    note: 'Firefox shows this when the connection is dropped during the secure (TLS) handshake: often a filtering firewall or proxy, or a server that rejects the TLS version.',
  },
  {
    client: 'a browser (Firefox)',
    re: /\bNS_ERROR_NET_(RESET|INTERRUPT)\b|The connection to the server was reset while the page was loading/,
    core: (m) => (m[1] ? `NS_ERROR_NET_${m[1]}` : 'The connection was reset'),
    kind: (m) => (m[1] === 'INTERRUPT' ? 'closed' : 'reset'),
  },
  {
    client: 'a browser (Safari)',
    re: /the server unexpectedly dropped the connection|NSURLErrorDomain[^\n]{0,40}-1005\b|The network connection was lost/,
    core: 'NSURLErrorNetworkConnectionLost (-1005)',
    kind: 'closed',
  },
  {
    // Firefox's error page is titled so; Chrome's page says it only beside ERR_CONNECTION_RESET (above).
    client: 'a browser (Firefox)',
    re: /\bThe connection was reset\b/,
    core: 'The connection was reset',
  },

  // gRPC, whatever the language: its status line, then what the transport said (the rule that matched
  // the transport's own words, above, keeps its phase; the client becomes gRPC, see CLIENT_OVERRIDES).
  {
    client: 'gRPC',
    re: /\bGRPC::\w{1,30} \(\d{1,2}:|"grpc_status":\s?\d{1,2}\b|\brpc error: code = \w{1,30} desc = |\bStatusCode\.[A-Z_]{3,30}\b|\b\d{1,2} (?:UNAVAILABLE|INTERNAL|CANCELLED|UNKNOWN|RESOURCE_EXHAUSTED): |\bStatus\{code=[A-Z_]{3,30}|\bStatusCode="\w{1,30}", Detail="|subchannel\.cc?:\d{1,6}\] Connect failed: /,
    core: (m, text) => `${grpcStatus(text.slice(m.index, m.index + 400))}`,
    // gRPC core's JSON puts grpc_status last, after the message it describes: look both ways.
    phase: (m, text) => grpcPhase(text.slice(Math.max(0, m.index - GRPC_WINDOW), m.index + GRPC_WINDOW)),
    kind: (m, text) => grpcKind(text.slice(Math.max(0, m.index - GRPC_WINDOW), m.index + GRPC_WINDOW)),
  },

  // Said in so many words, by someone we do not recognise.
  {
    client: null,
    re: /\bconnection reset by peer\b|\bECONNRESET\b|\bconnection reset\b|\bconnection was reset\b/i,
  },
  { client: null, re: /\bbroken pipe\b|\bEPIPE\b/i, phase: 'request', kind: 'other', note: BROKEN_PIPE_NOTE },

  // HTTP/2 and HTTP/3 streams reset one at a time: the TCP connection itself stayed up.
  {
    client: 'Python',
    re: /\bStream \d{1,10} was reset by remote peer\b[^\n]{0,60}|\bStreamReset(?:Error)?\b[^\n]{0,60}/,
    core: 'h2: stream reset by the peer',
    kind: 'other',
    note: STREAM_RESET_NOTE,
  },
  {
    client: 'Go',
    re: /\bstream error: stream ID \d{1,10}; ([A-Z_]{3,30})|\bhttp2: server sent GOAWAY and closed the connection[^\n]{0,80}/,
    core: (m) => (m[1] ? `http2: stream error ${m[1]}` : 'http2: server sent GOAWAY'),
    kind: 'other',
    note: STREAM_RESET_NOTE,
  },
  {
    client: 'curl',
    re: /\bHTTP\/2 stream \d{1,10} was (?:not closed cleanly|reset)[^\n]{0,80}/,
    core: 'HTTP/2 stream not closed cleanly',
    phase: 'response',
    kind: 'other',
    note: STREAM_RESET_NOTE,
  },
  {
    client: 'Node.js',
    re: /\bERR_HTTP2_STREAM_(?:ERROR|CANCEL)\b[^\n]{0,80}/,
    core: (m) => short(m[0], 60),
    kind: 'other',
    note: STREAM_RESET_NOTE,
  },

  // Timeouts, in each client's words: not a reset, and which phase timed out matters.
  {
    client: 'Python',
    re: /\b(?:requests\.exceptions\.|urllib3\.exceptions\.|httpx\.|httpcore\.)?(ReadTimeout|ReadTimeoutError|ConnectTimeout|ConnectTimeoutError|WriteTimeout|PoolTimeout)\b(?=[:(])/,
    core: (m) => m[1]!,
    phase: (m) => (m[1]!.startsWith('Read') ? 'response' : m[1]!.startsWith('Write') ? 'request' : 'connect'),
    kind: 'other',
    note: TIMEOUT_NOTE,
  },
  {
    client: 'Java',
    re: /\bjava\.net\.SocketTimeoutException: (Read timed out|connect timed out|Connect timed out|timeout)/,
    core: (m) => `SocketTimeoutException: ${m[1]}`,
    phase: (m) => (/connect/i.test(m[1]!) ? 'connect' : /Read/.test(m[1]!) ? 'response' : undefined),
    kind: 'other',
    note: TIMEOUT_NOTE,
  },
  {
    client: 'Go',
    re: /\bcontext deadline exceeded \(Client\.Timeout exceeded while (awaiting headers|reading body)\)|\bnet\/http: (?:request canceled|timeout awaiting response headers)[^\n]{0,60}/,
    core: (m) => short(m[0], 70),
    phase: 'response',
    kind: 'other',
    note: TIMEOUT_NOTE,
  },
  {
    client: '.NET',
    re: /\bThe request was canceled due to the configured HttpClient\.Timeout of ([\d.]{1,12}) seconds elapsing/,
    core: (m) => `HttpClient.Timeout (${m[1]} s) elapsed`,
    kind: 'other',
    note: TIMEOUT_NOTE,
  },

  // Refusals in each client's words.
  {
    client: 'Java',
    re: /\bjava\.net\.ConnectException: (Connection refused|Connection timed out)[^\n]{0,60}/,
    core: (m) => `ConnectException: ${m[1]}`,
    phase: 'connect',
    kind: 'other',
  },

  // Recognised, but not a drop: worth saying what they are.
  {
    client: null,
    re: /\bECONNREFUSED\b|\bConnection refused\b|actively refused it|\bERR_CONNECTION_REFUSED\b/i,
    phase: 'connect',
    kind: 'other',
    note: 'The connection was refused: nothing listens on the port, or a firewall answered the connection attempt with a reset.',
  },
  {
    client: null,
    re: /\bENOTFOUND\b|\bEAI_AGAIN\b|Could not resolve host|Name or service not known|nodename nor servname|No such host is known|\bno such host\b|Temporary failure in name resolution|ERR_NAME_NOT_RESOLVED/i,
    phase: 'dns',
    kind: 'other',
    note: 'The name did not resolve: this is a DNS failure, not a reset.',
  },
  {
    client: null,
    re: /\bETIMEDOUT\b|\btimed out\b|\bi\/o timeout\b|ERR_CONNECTION_TIMED_OUT/i,
    kind: 'other',
    note: 'The connection timed out: packets went unanswered (dropped on the path or by a firewall), which is not a reset.',
  },
];

/** Library names, for the detail: the first whose wording is in the text. */
export const LIBRARIES: [string, RegExp, string][] = [
  ['Node.js', /TypeError: fetch failed|\bundici\b|UND_ERR_/, 'fetch (undici)'],
  ['Node.js', /AxiosError|\baxios\b/, 'axios'],
  ['Node.js', /FetchError: request to/, 'node-fetch'],
  ['Node.js', /\bRequestError\b[^\n]{0,100}\bgot\b|node_modules\/got\//, 'got'],
  ['Python', /\brequests\.exceptions\./, 'requests'],
  ['Python', /\burllib3\.exceptions\./, 'urllib3'],
  ['Python', /\baiohttp\./, 'aiohttp'],
  ['Python', /\burllib\.error\./, 'urllib'],
  ['Java', /org\.apache\.(?:http|hc)\./, 'Apache HttpClient'],
  ['Java', /\bokhttp3\./, 'OkHttp'],
  ['Java', /jdk\.internal\.net\.http|java\.net\.http\./, 'java.net.http'],
  ['Java', /\breactor\.netty\./, 'Reactor Netty'],
  ['.NET', /System\.Net\.Http\.HttpRequestException/, 'HttpClient'],
  ['.NET', /System\.Net\.WebException/, 'WebRequest'],
  ['PostgreSQL client', /\bpsycopg2?\b/, 'psycopg'],
  ['PostgreSQL client', /org\.postgresql\./, 'JDBC'],
  ['PostgreSQL client', /\bpsql: /, 'psql'],
  ['MySQL client', /\bpymysql\b/i, 'PyMySQL'],
  ['MySQL client', /mysqli/, 'mysqli'],
  ['Go', /\b(?:Get|Post|Put|Patch|Delete|Head|Options) \\?"https?:\/\//, 'net/http'],
];

/** How the detail names the client, and how the explanation speaks of it. */
export const CLIENTS: Record<string, { label: string; subject: string }> = {
  curl: { label: 'curl', subject: 'curl' },
  git: { label: 'git', subject: 'git' },
  PHP: { label: 'PHP', subject: 'The PHP application' },
  'Node.js': { label: 'Node.js', subject: 'The Node.js application' },
  Python: { label: 'Python', subject: 'The Python program' },
  Java: { label: 'Java', subject: 'The Java application' },
  Go: { label: 'Go', subject: 'The Go program' },
  Ruby: { label: 'Ruby', subject: 'The Ruby program' },
  '.NET': { label: '.NET', subject: 'The .NET application' },
  Windows: { label: 'Windows', subject: 'The Windows application' },
  SSH: { label: 'ssh', subject: 'ssh' },
  'PostgreSQL client': { label: 'PostgreSQL', subject: 'The PostgreSQL client' },
  'MySQL client': { label: 'MySQL', subject: 'The MySQL client' },
  'Redis client': { label: 'Redis', subject: 'The Redis client' },
  gRPC: { label: 'gRPC', subject: 'The gRPC client' },
  rsync: { label: 'rsync', subject: 'rsync' },
  libgit2: { label: 'libgit2', subject: 'The libgit2 client' },
  'a browser (Chromium)': { label: 'Chromium', subject: 'The browser' },
  'a browser (Firefox)': { label: 'Firefox', subject: 'The browser' },
  'a browser (Safari)': { label: 'Safari', subject: 'The browser' },
  'a browser': { label: '', subject: 'The browser' },
};

/**
 * A protocol's client named by its own words, whichever language's socket error the text also carries:
 * the gRPC or Redis client is what the person knows, and what they will search for. Applies when the rule
 * that matched named only a language or runtime.
 */
export const CLIENT_OVERRIDES: [string, RegExp][] = [
  [
    'gRPC',
    /\bGRPC::\w|"grpc_status":\s?\d|\bdebug_error_string\b|\brpc error: code = \w|\bStatusCode\.[A-Z_]{3,}|\b\d{1,2} (?:UNAVAILABLE|INTERNAL|CANCELLED|UNKNOWN|RESOURCE_EXHAUSTED):|\bStatus\{code=[A-Z_]{3,}|\bStatusCode="\w{1,30}", Detail=|\bio\.grpc\.|\bgrpc\._channel\b|@grpc\/grpc-js|\bgrpc-go\b/,
  ],
  [
    'Redis client',
    /\bsw::redis::|\bhiredis\b|\bredis\.exceptions\.|\bRedis(?:Cluster)?::|StackExchange\.Redis|JedisConnectionException|\bio\.lettuce\.|\bioredis\b|\bdjango_redis\b|\bRedis ConnectionError\b|RedisConnectionException|\bPredis\\/,
  ],
];
export const RUNTIME_CLIENTS = new Set(['Go', 'Python', 'Java', 'Node.js', '.NET', 'Windows', 'PHP', 'Ruby']);
