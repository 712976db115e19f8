/**
 * Client-side helpers for lab tests: HTTP requests and raw TCP conversations run INSIDE the client
 * namespace (curl when installed, else a small `node -e` program), with results as plain data.
 */
import { spawnSync } from 'node:child_process';
import type { Lab } from './lab-topology.js';

export interface HttpResult {
  /** HTTP status, or null when no complete response arrived. */
  status: number | null;
  /** A Node-style error code when the request failed: ECONNRESET, ECONNREFUSED, ETIMEDOUT, … */
  error: string | null;
  /**
   * curl's exit code (0 fine; 56 recv failure, e.g. a reset; 7 could not connect - `error` then says why,
   * e.g. ECONNRESET when the RST beat connect(); 28 timeout), or null when Node made the request.
   */
  curlExit: number | null;
  bodyBytes: number;
  elapsedMs: number;
  tool: 'curl' | 'node';
  raw: string;
}

let curlPresent: boolean | undefined;

export function curlAvailable(): boolean {
  if (curlPresent === undefined) {
    const r = spawnSync('curl', ['--version'], { encoding: 'utf8' });
    curlPresent = !r.error && r.status === 0;
  }
  return curlPresent;
}

/** curl exit codes → the Node error code a Node client would have seen (when curl names no errno). */
const CURL_ERRORS: Record<number, string> = {
  6: 'ENOTFOUND',
  7: 'ECONNREFUSED',
  18: 'ECONNRESET',
  28: 'ETIMEDOUT',
  35: 'ECONNRESET',
  52: 'EEMPTYRESPONSE',
  55: 'ECONNRESET',
  56: 'ECONNRESET',
};

/** strerror texts in curl's messages ("connect to … failed: Connection reset by peer") → errno names. */
const STRERRORS: [RegExp, string][] = [
  [/Connection reset by peer/i, 'ECONNRESET'],
  [/Connection refused/i, 'ECONNREFUSED'],
  [/Network is unreachable/i, 'ENETUNREACH'],
  [/No route to host/i, 'EHOSTUNREACH'],
  [/Connection timed out|Operation timed out/i, 'ETIMEDOUT'],
  [/Broken pipe/i, 'EPIPE'],
];

function curlError(exit: number, stderr: string): string {
  // The last "* connect to … failed: <strerror>" / "Recv failure: <strerror>" line names the errno.
  const lines = stderr.split('\n').filter((l) => /failed: |failure: /.test(l));
  for (const line of lines.reverse()) {
    for (const [re, code] of STRERRORS) if (re.test(line)) return code;
  }
  return CURL_ERRORS[exit] ?? `curl exit ${exit}`;
}

const NODE_HTTP_GET = `
const [url, timeoutMs, caFile] = process.argv.slice(1);
const mod = url.startsWith('https:') ? require('node:https') : require('node:http');
const fs = require('node:fs');
const started = Date.now();
let bytes = 0, status = null, done = false;
const finish = (error) => {
  if (done) return; done = true;
  process.stdout.write(JSON.stringify({ status, error, bodyBytes: bytes, elapsedMs: Date.now() - started }));
  process.exit(0);
};
const req = mod.get(url, { agent: false, timeout: Number(timeoutMs), ca: caFile ? fs.readFileSync(caFile) : undefined }, (res) => {
  status = res.statusCode;
  res.on('data', (d) => (bytes += d.length));
  res.on('end', () => finish(res.complete ? null : 'ECONNRESET'));
  res.on('error', (e) => finish(e.code || e.message));
  res.on('aborted', () => finish('ECONNRESET'));
});
req.on('timeout', () => { req.destroy(); finish('ETIMEDOUT'); });
req.on('error', (e) => finish(e.code || e.message));
`;

export interface HttpGetOptions {
  timeoutMs?: number;
  /** CA certificate for https (the lab server's certFile). */
  caFile?: string;
  /** Force a tool (default: curl when installed). */
  tool?: 'curl' | 'node';
  /** Extra curl arguments (ignored by the node client). */
  curlArgs?: string[];
  /** Namespace to run in (default: the client). */
  ns?: string;
}

/** GET `url` from inside the client namespace. */
export async function httpGet(lab: Lab, url: string, opts: HttpGetOptions = {}): Promise<HttpResult> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const ns = opts.ns ?? lab.names.client;
  const tool = opts.tool ?? (curlAvailable() ? 'curl' : 'node');
  if (tool === 'curl') {
    const args = [
      '-sSv',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download} %{time_total}',
      '--max-time',
      String(timeoutMs / 1000),
      ...(opts.caFile ? ['--cacert', opts.caFile] : []),
      ...(opts.curlArgs ?? []),
      url,
    ];
    const r = await lab.exec(ns, 'curl', args, { timeoutMs: timeoutMs + 5000 });
    const [code, size, total] = r.stdout.trim().split(' ');
    const status = Number(code);
    const curlExit = r.code ?? -1;
    return {
      status: curlExit === 0 && status > 0 ? status : null,
      error: curlExit === 0 ? null : curlError(curlExit, r.stderr),
      curlExit,
      bodyBytes: Number(size ?? 0),
      elapsedMs: Math.round(Number(total ?? 0) * 1000),
      tool,
      raw: `${r.stdout}${r.stderr
        .split('\n')
        .filter((l) => !/^[<>{}] /.test(l))
        .join('\n')}`,
    };
  }
  const r = await lab.exec(
    ns,
    process.execPath,
    ['-e', NODE_HTTP_GET, url, String(timeoutMs), opts.caFile ?? ''],
    {
      timeoutMs: timeoutMs + 5000,
    },
  );
  try {
    const parsed = JSON.parse(r.stdout) as {
      status: number | null;
      error: string | null;
      bodyBytes: number;
      elapsedMs: number;
    };
    return {
      ...parsed,
      status: parsed.error ? null : parsed.status,
      curlExit: null,
      tool,
      raw: `${r.stdout}${r.stderr}`,
    };
  } catch {
    return {
      status: null,
      error: `node client failed: ${r.stderr.trim()}`,
      curlExit: null,
      bodyBytes: 0,
      elapsedMs: 0,
      tool,
      raw: r.stderr,
    };
  }
}

const NODE_HTTP_SEQUENCE = `
const http = require('node:http');
const [keepAlive, ...urls] = process.argv.slice(1);
// One socket at a time: with keep-alive every request after the first reuses it.
const agent = keepAlive === 'keep-alive' ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
const once = (url) => new Promise((resolve) => {
  const req = http.get(url, { agent, timeout: 5000 }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.complete ? res.statusCode : 'ECONNRESET'));
    res.on('error', (e) => resolve(e.code || e.message));
  });
  req.on('timeout', () => { req.destroy(); resolve('ETIMEDOUT'); });
  req.on('error', (e) => resolve(e.code || e.message));
});
(async () => {
  const outcomes = [];
  for (const url of urls) outcomes.push(await once(url));
  process.stdout.write(JSON.stringify(outcomes));
  process.exit(0);
})();
`;

/**
 * GETs of `urls` one after another from the client namespace, each on a connection of its own or, with
 * keepAlive, all on one: the HTTP status of each, or the error code (ECONNRESET, …). One process, so it
 * takes milliseconds a request.
 */
export async function httpSequence(
  lab: Lab,
  urls: string[],
  options: { keepAlive?: boolean } = {},
): Promise<(number | string)[]> {
  const mode = options.keepAlive ? 'keep-alive' : 'close';
  const r = await lab.exec(lab.names.client, process.execPath, ['-e', NODE_HTTP_SEQUENCE, mode, ...urls], {
    timeoutMs: urls.length * 5000 + 5000,
  });
  try {
    return JSON.parse(r.stdout) as (number | string)[];
  } catch {
    throw new Error(`http sequence client failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}

export interface TcpEvent {
  /** ms since the connect() call */
  t: number;
  type: 'connect' | 'data' | 'end' | 'error' | 'close';
  bytes?: number;
  text?: string;
  code?: string;
}

const NODE_TCP_SESSION = `
const net = require('node:net');
const [host, port, send, waitMs, idleBeforeSendMs] = process.argv.slice(1);
const started = Date.now();
const events = [];
const ev = (e) => events.push({ t: Date.now() - started, ...e });
const out = () => { process.stdout.write(JSON.stringify(events)); process.exit(0); };
const s = net.connect({ host, port: Number(port) }, () => {
  ev({ type: 'connect' });
  if (send) setTimeout(() => s.write(send.replace(/\\\\r\\\\n/g, '\\r\\n')), Number(idleBeforeSendMs));
});
s.on('data', (d) => ev({ type: 'data', bytes: d.length, text: d.toString('latin1').slice(0, 200) }));
s.on('end', () => ev({ type: 'end' }));
s.on('error', (e) => ev({ type: 'error', code: e.code || e.message }));
s.on('close', () => { ev({ type: 'close' }); setTimeout(out, 10); });
setTimeout(() => { s.destroy(); out(); }, Number(waitMs));
`;

export interface TcpSessionOptions {
  /** Text to send after connecting (`\r\n` may be written literally as the 4 characters). */
  send?: string;
  /** Wait this long after connecting before sending (default 0). */
  sendAfterMs?: number;
  /** Give up after this long (default 3000). */
  waitMs?: number;
  ns?: string;
}

/** Opens a TCP connection from the client namespace and records what happens on it. */
export async function tcpSession(
  lab: Lab,
  host: string,
  port: number,
  opts: TcpSessionOptions = {},
): Promise<TcpEvent[]> {
  const waitMs = opts.waitMs ?? 3000;
  const r = await lab.exec(
    opts.ns ?? lab.names.client,
    process.execPath,
    [
      '-e',
      NODE_TCP_SESSION,
      host,
      String(port),
      opts.send ?? '',
      String(waitMs),
      String(opts.sendAfterMs ?? 0),
    ],
    { timeoutMs: waitMs + 5000 },
  );
  try {
    return JSON.parse(r.stdout) as TcpEvent[];
  } catch {
    throw new Error(`tcp session client failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
}
