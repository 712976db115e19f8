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

export function findTarget(text: string): string | null {
  const urls = /\b(?:https?|wss?):\/\/([^\s'"<>)\]\\/:]{1,255})[^\s'"<>)\]\\]{0,500}/gi;
  for (let m = urls.exec(text); m; m = urls.exec(text))
    if (!DOC_HOSTS.test(m[1]!)) return m[0].replace(/[.,;:]+$/, '');

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
