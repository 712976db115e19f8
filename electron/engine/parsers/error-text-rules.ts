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
const REFUSED = /ECONNREFUSED|Connection refused|actively refused/i;
const TIMEOUT = /ETIMEDOUT|timed out|timeout/i;

export function kindOf(fragment: string): Kind {
  if (RESET_WORDS.test(fragment)) return 'reset';
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
    client: 'PostgreSQL client',
    re: /server closed the connection unexpectedly/,
    core: 'server closed the connection unexpectedly',
    phase: (m, text) =>
      /connection to server (?:at|on)[^\n]{0,300}failed:[ \n\t]{0,5}$/.test(prefix(text, m))
        ? 'connect'
        : 'response',
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
    re: /client_loop: send disconnect: ([^\n]{0,80})/,
    core: (m) => `client_loop: send disconnect: ${short(m[1]!, 40)}`,
    phase: 'request',
  },
  {
    client: 'SSH',
    re: /Connection (reset|closed) by (?:authenticating user [^\s]{1,64} )?[^\s]{1,255} port \d{1,5}/,
    core: (m) => `Connection ${m[1]} by host`,
  },

  // Go's net package: "read tcp 10.0.0.2:51234->10.0.0.1:443: read: connection reset by peer".
  {
    client: 'Go',
    re: /\b(read|write|dial) (tcp[46]?|udp[46]?) [^\s]{1,120}: (read|write|connect|connectex|wsarecv|wsasend|wsarecvfrom): ([^\n]{0,160})/,
    core: (m) =>
      `${m[1]} ${m[2]}: ${m[3]}: ${short(m[4]!.replace(/^An existing connection was forcibly closed by the remote host/, 'forcibly closed by the remote host'), 48)}`,
    phase: (m) => readWrite(m[3]) ?? readWrite(m[1]),
    kind: (m) => kindOf(m[4]!),
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
    client: 'Python',
    re: /\('Connection aborted\.', ([A-Za-z]{1,40})\(([^\n]{0,160})/,
    core: (m) =>
      `Connection aborted, ${m[1]}${/^(\d{1,5}),/.exec(m[2]!) ? ` ${/^(\d{1,5}),/.exec(m[2]!)![1]}` : ''}`,
    phase: (m) => (m[1] === 'BrokenPipeError' ? 'request' : 'response'),
    kind: (m) => (m[1] === 'ConnectionResetError' ? 'reset' : 'closed'),
    note: 'The request was sent or being sent and no answer had come back when the connection was dropped: the server or a proxy gave up on it, or a device on the path cut the connection.',
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
    re: /\b(ConnectionResetError|BrokenPipeError|ConnectionAbortedError)(?:: \[(?:Errno|WinError) |\()(\d{1,5})[^\n]{0,120}/,
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
    client: 'Java',
    re: /\bio\.netty\.channel\.unix\.Errors\$NativeIoException: (\w{1,30})\(\.\.\) failed: ([^\n]{0,80})/,
    core: (m) => `Netty ${m[1]}(..) failed: ${short(m[2]!, 40)}`,
    phase: (m) => readWrite(m[1]),
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
    re: /\b(read|write|connect) (ECONNRESET|EPIPE)\b/,
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
    re: /SocketError: other side closed|\bUND_ERR_SOCKET\b/,
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
    client: 'a browser',
    re: /\bThe connection was reset\b/,
    core: 'The connection was reset',
  },

  // Said in so many words, by someone we do not recognise.
  {
    client: null,
    re: /\bconnection reset by peer\b|\bECONNRESET\b|\bconnection reset\b|\bconnection was reset\b/i,
  },
  { client: null, re: /\bbroken pipe\b|\bEPIPE\b/i, phase: 'request', kind: 'closed' },

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
  'a browser (Chromium)': { label: 'Chromium', subject: 'The browser' },
  'a browser (Firefox)': { label: 'Firefox', subject: 'The browser' },
  'a browser (Safari)': { label: 'Safari', subject: 'The browser' },
  'a browser': { label: '', subject: 'The browser' },
};
