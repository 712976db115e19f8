import type { Phase } from '../../shared/cause-info.js';

/** Only this much of the text is read (the first 48 KB and the last 16 KB of a longer one). */
export const MAX_ERROR_TEXT = 64 * 1024;
const HEAD = 48 * 1024;

/*
 * What the whole text says besides the rule that recognised it: the phase its stack frames and system
 * calls show, the target its own request names, the error number. Every regular expression runs in linear
 * time (bounded gaps between literals).
 */

// Stack frames and syscall names, for messages that do not say the phase themselves ----------------

const PY_FRAME_PHASE: [RegExp, Phase][] = [
  [/^(do_handshake|wrap_socket|_create|load_verify_locations)$/, 'tls'],
  [/^(connect|create_connection|_new_conn|connect_ex|_connect)$/, 'connect'],
  [/^(send|sendall|write|_send_output|putrequest|endheaders|request|flush|_write)$/, 'request'],
  [
    /^(read|recv|recv_into|readinto|readline|_read_status|begin|getresponse|_safe_read|_read|read_chunked)$/,
    'response',
  ],
];

/** The last Python frame before `at` (where the exception was raised): its function, else what its line calls. */
export function pythonFramePhase(text: string, at: number): Phase | undefined {
  const frames = /, line \d{1,7}, in ([\w<>]{1,80})\n([^\n]{0,300})/g;
  let last: RegExpExecArray | undefined;
  const before = text.slice(Math.max(0, at - 16_384), at);
  for (let m = frames.exec(before); m; m = frames.exec(before)) last = m;
  if (!last) return undefined;
  const called = /\.(\w{1,40})\([^\n]{0,200}$/.exec(last[2]!)?.[1];
  for (const name of [last[1]!, called])
    if (name) {
      const phase = PY_FRAME_PHASE.find(([re]) => re.test(name))?.[1];
      if (phase) return phase;
    }
  return undefined;
}

/** Java and .NET frames just under the exception line (the innermost frames come first). */
export function framePhase(text: string, at: number): Phase | undefined {
  const frames = text.slice(at, at + 3000);
  if (
    /startHandshake|readHandshakeRecord|HandshakeContext|AuthenticateAsClient|ForceAuthentication/.test(
      frames,
    )
  )
    return 'tls';
  if (
    /\$AppOutputStream\.write|implWrite|socketWrite|SocketOutputStream|SocketDispatcher\.write|\.write0\(/.test(
      frames,
    )
  )
    return 'request';
  if (
    /\$AppInputStream\.read|implRead|socketRead|SocketInputStream|SocketDispatcher\.read|\.read0\(|\.Receive\(/.test(
      frames,
    )
  )
    return 'response';
  if (/implConnect|Net\.connect|\.connect0\(|finishConnect|ConnectAsync|ConnectToTcpHostAsync/.test(frames))
    return 'connect';
  return undefined;
}

export const HINTS: [RegExp, Phase][] = [
  [/\bsyscall: '(?:connect)'/, 'connect'],
  [/\bsyscall: '(?:write|writev|send)'/, 'request'],
  [/\bsyscall: '(?:read|recv)'/, 'response'],
  // gRPC core's JSON: "syscall":"recvmsg".
  [/"syscall":\s?"(?:recvmsg|read|recv)"/, 'response'],
  [/"syscall":\s?"(?:sendmsg|write|send)"/, 'request'],
  [/SSL_connect|SSL_do_handshake|do_handshake|startHandshake|TLS handshake|SSL handshake/i, 'tls'],
  [/\bwsasend\b|\bsend failure\b|write_nonblock|syswrite/i, 'request'],
  [/\bwsarecv\b|\brecv failure\b|read_nonblock|sysread|recv_into/i, 'response'],
];

export const readWrite = (op: string | undefined): Phase | undefined =>
  op === undefined
    ? undefined
    : /^(read|recv|receive|wsarecv|recvAddress|readAddress)/i.test(op)
      ? 'response'
      : /^(write|send|wsasend|writev|sendAddress|writeAddress)/i.test(op)
        ? 'request'
        : /^(connect|dial|connectex)/i.test(op)
          ? 'connect'
          : undefined;

const ERRNO: RegExp[] = [
  /\b(WSAE[A-Z]{4,20})\b/,
  /\b(ECONNRESET|EPIPE|ECONNABORTED|ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b/,
  /\[(?:Errno|WinError) (\d{1,5})\]/,
  /\b(?:ConnectionResetError|BrokenPipeError|ConnectionAbortedError)\((\d{1,5}),/,
  /\bSocketException \((\d{1,5})\)/,
  /\bsystem error: (\d{1,5})\b/,
  /\berrno[ =:]{1,3}-?(\d{1,5})\b/i,
  /(?:\(|\berror:? |\bcode:? )(1005[34])\b/i,
];

/** Terminal escapes: colours (CSI), window titles and links (OSC), two-character escapes. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]{0,32}[ -/]{0,8}[@-~]|\x1b\][^\x07\x1b\n]{0,512}(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** Caps the text, then drops terminal colours and control characters and unifies line endings. */
export function prepare(input: string): string {
  const capped =
    input.length > MAX_ERROR_TEXT
      ? `${input.slice(0, HEAD)}\n${input.slice(input.length - (MAX_ERROR_TEXT - HEAD - 1))}`
      : input;
  return capped.replace(ANSI, '').replace(/\r\n?/g, '\n').replace(CONTROL, '');
}

export function prefix(text: string, m: RegExpExecArray): string {
  return text.slice(Math.max(0, m.index - 400), m.index);
}

export function mysqlCode(text: string, fallback: string): string {
  const code = /\bERROR (\d{4}) \(|\((\d{4}), ['"]/.exec(text);
  return `error ${code?.[1] ?? code?.[2] ?? fallback}: `;
}

/**
 * Other readings of the same text, for when the text as given defeats the rules: Terraform's boxed lines
 * ("│ " before each), newlines escaped inside a JSON string or a Docker build log (a literal \\n), and a
 * word a terminal wrapped mid-way ("Connect" / "ion was reset"). Tried only after the text as given.
 */
export function otherReadings(text: string): string[] {
  const unboxed = text.replace(/^[ \t]*[│┃║][ \t]?/gm, '');
  const escaped = (unboxed.match(/\\n/g) ?? []).length >= 2 || /\\u00[0-7][0-9a-fA-F]/.test(unboxed);
  const unescaped = escaped
    ? unboxed
        .replace(/\\r\\n|\\n/g, '\n')
        .replace(/\\t/g, '\t')
        .replace(/\\"/g, '"')
        .replace(/\\u00([0-7][0-9a-fA-F])/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    : unboxed;
  const unwrapped = unescaped.replace(/([A-Za-z])\n(?=[a-z])/g, '$1');
  return [...new Set([unescaped, unwrapped])].filter((t) => t !== text);
}

/**
 * What the connection was doing, from words that name the stage it was in: a read or write inside a TLS
 * handshake is the handshake's, one inside an SSH handshake or a proxy's CONNECT is part of connecting.
 * Stronger than the read or write a message names, so it is asked first.
 */
const STAGE: [RegExp, Phase][] = [
  [
    /\bssh: handshake failed|could not connect to server:|(?:from|to) proxy after CONNECT|Proxy CONNECT aborted|\bError dialing TCP\b/,
    'connect',
  ],
  [
    /AuthenticateAsClient|ForceAuthentication|\bstartHandshake\b|readHandshakeRecord|SSL_do_handshake|before secure TLS connection was established|\b(?:TLS|SSL) handshake (?:failed|error)|\bin SSL handshake|\bduring (?:the )?(?:TLS |SSL )?handshake|while SSL handshaking/i,
    'tls',
  ],
];

export function stagePhase(text: string): Phase | undefined {
  return STAGE.find(([re]) => re.test(text))?.[1];
}

export function findErrno(text: string): string | null {
  for (const re of ERRNO) {
    const m = re.exec(text);
    if (m) return m[1]!;
  }
  return null;
}

/** Hosts of documentation links that error messages carry: never the target. */
const DOC_HOSTS =
  /^(?:curl\.(?:haxx\.)?se|docs\.microsoft\.com|learn\.microsoft\.com|go\.microsoft\.com|aka\.ms|nodejs\.org|dev\.mysql\.com|www\.postgresql\.org|docs\.python\.org|errors\.pydantic\.dev|sqlalche\.me|stackoverflow\.com)$/i;
/** Looks like a host name but is a file in a stack trace (Foo.java:42, main.go:7, index.js:10:3). */
const FILE_TLDS = new Set([
  'java',
  'kt',
  'scala',
  'groovy',
  'js',
  'mjs',
  'cjs',
  'ts',
  'mts',
  'cts',
  'jsx',
  'tsx',
  'py',
  'go',
  'rb',
  'cs',
  'fs',
  'vb',
  'php',
  'rs',
  'cpp',
  'cc',
  'hpp',
  'swift',
  'dart',
  'ex',
  'exs',
  'erl',
  'clj',
  'lua',
  'pl',
  'pm',
  'sh',
  'txt',
  'log',
]);
const HOST = String.raw`(?:\[[0-9a-fA-F:.]{2,45}\]|\d{1,3}(?:\.\d{1,3}){3}|localhost|(?:[a-zA-Z0-9-]{1,63}\.){1,10}[a-zA-Z]{2,24})`;

/**
 * The URL the text's own request went to: Go's `Get "…"`, Spring's "Request to POST …", botocore's
 * "endpoint URL", git's "unable to access '…'", node-fetch's "request to … failed". These win over any
 * other URL in the text (a chart repository named in passing, a link to documentation).
 */
const REQUEST_URL =
  /(?:\b(?:Get|Post|Put|Patch|Delete|Head|Options)\s{1,8}\\?"?|\bRequest to [A-Z]{3,7} |endpoint URL: "|unable to access '|\brequest to |\burl: ')((?:https?|wss?):\/\/[^\s'"<>\\]{1,500})/;

/** A link to documentation: its host, its path, or the words around it ("see …", "… for documentation"). */
function isDocLink(text: string, m: RegExpExecArray): boolean {
  if (DOC_HOSTS.test(m[1]!)) return true;
  if (/^[^?#]*\/(?:docs?|documentation|manual|kb|help)\//i.test(m[0].slice(m[0].indexOf('//') + 2)))
    return true;
  const before = text.slice(Math.max(0, m.index - 24), m.index);
  const after = text.slice(m.index + m[0].length, m.index + m[0].length + 32);
  return (
    /(?:\bsee|\bvisit|\brefer to|\bdocumentation:?|\bdetails:?|\bmore info\w*:?)\s{1,3}\(?$/i.test(before) ||
    /^\)?\s{1,3}for (?:more )?(?:documentation|details|information|help)\b/i.test(after)
  );
}

/** Where a client names its peer in words or fields rather than in a URL, most specific first. */
const NAMED_PEER: RegExp[] = [
  // Go over a unix socket: "read unix @->/run/app.sock".
  /\b(?:read|write|dial) unix [^\s]{0,60}->(\/[^\s:"]{1,300})()/,
  // gRPC core: "ipv4:10.0.0.1:443", "target_address":"ipv6:[::1]:50051".
  /\bipv[46]:(\[[0-9a-fA-F:.]{2,45}\]|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/,
  // Netty: "R:gateway.svc.cluster.local/10.68.105.59:8080" or "R:/106.61.21.28:61361".
  /\bR:([A-Za-z0-9][A-Za-z0-9.-]{0,254})\/[0-9a-fA-F:.]{2,45}:(\d{1,5})\b/,
  /\bR:\/([0-9a-fA-F:.]{2,45}):(\d{1,5})\b/,
  // Node.js error and socket objects.
  /\bremoteAddress: '([^'\n]{1,255})',\s{1,20}remotePort: (\d{1,5})\b/,
  /\bhost: '([^'\n]{1,255})',\s{1,20}port: (\d{1,5})\b/,
  // Browsers: Chrome's "The connection to … was interrupted", Firefox's "during a connection to …".
  new RegExp(String.raw`\bconnection to (${HOST}) was interrupted()`),
  new RegExp(String.raw`\bduring a connection to (${HOST})\.?()`),
  // ssh's ControlMaster: "Shared connection to 10.0.0.5 closed."
  new RegExp(String.raw`\b[Cc]onnection to (${HOST}) closed()`),
  // ProxySQL names a backend as (hostgroup, address, port, thread): "on (10, db.example.com,3306,21817)".
  new RegExp(String.raw`\(\d{1,5}, ?(${HOST}), ?(\d{1,5})(?:, ?\d{1,10})?\)`),
  // Command lines: psql --host=db --port=5433, redis-cli -h cache -p 6380.
  new RegExp(String.raw`(?:--host[= ]|\s-h ?)(${HOST})\b[^\n]{0,60}?(?:--port[= ]|\s-[pP] ?)(\d{1,5})\b`),
];

export function findTarget(text: string): string | null {
  const request = REQUEST_URL.exec(text);
  if (request) return request[1]!.replace(/[.,;:]+$/, '');
  const urls = /\b(?:https?|wss?):\/\/([^\s'"<>)\]\\/:]{1,255})[^\s'"<>)\]\\]{0,500}/gi;
  for (let m = urls.exec(text); m; m = urls.exec(text))
    if (!isDocLink(text, m)) return m[0].replace(/[.,;:]+$/, '');

  for (const re of NAMED_PEER) {
    const m = re.exec(text);
    if (!m) continue;
    const host =
      m[1]!.includes(':') && !m[1]!.startsWith('[') && !m[1]!.startsWith('/') ? `[${m[1]}]` : m[1]!;
    return m[2] ? `${host}:${m[2]}` : host;
  }

  // Go: "read tcp 10.0.0.2:51234->10.0.0.1:443".
  const go = new RegExp(String.raw`->(${HOST}):(\d{1,5})\b`).exec(text);
  if (go) return `${go[1]}:${go[2]}`;

  // urllib3: "HTTPSConnectionPool(host='api.lab.test', port=443): … with url: /v1/orders".
  const pool =
    /\b(HTTPS?)ConnectionPool\(host='([^'\n]{1,255})', port=(\d{1,5})\)(?:[^\n]{0,120}? with url: ([^\s]{1,500}))?/.exec(
      text,
    );
  if (pool)
    return `${pool[1]!.toLowerCase()}://${pool[2]}:${pool[3]}${pool[4] ?? ''}`.replace(/[.,;:]+$/, '');

  // ssh "Connection reset by 10.0.0.1 port 22", curl -v "Connected to h (10.0.0.1) port 443",
  // libpq 'connection to server at "db" (10.0.0.5), port 5432'.
  const port =
    /\b(?:host|by|to|at) "?([a-zA-Z0-9][a-zA-Z0-9.:-]{0,254})"?(?: \([^)\n]{1,60}\))?,? port (\d{1,5})\b/.exec(
      text,
    );
  if (port) return `${port[1]!.includes(':') ? `[${port[1]}]` : port[1]}:${port[2]}`;

  // Node.js error objects: "address: '10.0.0.1',\n  port: 443".
  const node = /\baddress: '([^'\n]{1,255})',\s{1,20}port: (\d{1,5})\b/.exec(text);
  if (node) return `${node[1]!.includes(':') ? `[${node[1]}]` : node[1]}:${node[2]}`;

  const hostPort = new RegExp(String.raw`(?<![\w./-])(${HOST}):(\d{1,5})(?!\d|:\d)`, 'g');
  for (let m = hostPort.exec(text); m; m = hostPort.exec(text)) {
    const tld = /\.([a-zA-Z]{2,24})$/.exec(m[1]!)?.[1]?.toLowerCase();
    if (tld && FILE_TLDS.has(tld)) continue;
    return `${m[1]}:${m[2]}`;
  }
  return null;
}
