import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { RunEvent } from '../shared/run-event-info.js';
import { TOKEN_PARAM, WS_PATH, type WsServerMessage } from '../shared/ws-protocol.js';
import { RunService } from '../engine/service/run-service.js';
import { allowedHosts, bracket } from './serve-hosts.js';
import { answerMessage, CLOSE_UNACCEPTABLE } from '../engine/service/call-messages.js';
import { startFaceEngine, type FaceEngine } from '../helper/face-engine.js';
import { RunEventLog } from '../engine/service/run-event-log.js';

export interface ServeOptions {
  port: number;
  host: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Tests pass their own service (recorded I/O); by default the real network is used. */
  service?: (emit: (event: RunEvent) => void) => RunService;
  /**
   * Run the engine in a helper process instead (reset-doctor-helper, which alone holds capabilities, or
   * `node …/engine-helper-main.js`). When it cannot start, the engine runs in this process.
   */
  helper?: { command: string; args: string[] };
  /**
   * How long the runs of a page whose WebSocket closed keep going, waiting for the page to come back (a
   * reload, a dropped SSH tunnel opened again); a page that connects within it takes them over.
   */
  reconnectGraceMs?: number;
  /** Where finished runs are kept (history:*); absent or null: none are kept. */
  historyDir?: string | null;
}

export interface ServeHandle {
  url: string;
  port: number;
  /** What the engine helper said when it started, or why the engine runs in this process instead. */
  helper: FaceEngine['helper'];
  close(): Promise<void>;
}

const COOKIE = 'rd_token';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** A reload takes a second or two; a dropped tunnel a little longer to open again. */
const RECONNECT_GRACE_MS = 30_000;

/** Browser mode's one definition of the largest message a client may send (a call is far smaller). */
const MAX_PAYLOAD = 1024 * 1024;

/**
 * Browser mode: the renderer over HTTP and the engine API over a WebSocket, for a server reached over
 * SSH. A random token, carried by the printed URL (then a same-site cookie), guards every request;
 * requests from another Origin or for another Host are refused. Whatever a client sends, the answer
 * is an HTTP error or a closed WebSocket, never a crash: the server goes on serving the others.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const token = randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const log = new RunEventLog();
  // The owners of closed pages, waiting out the grace before their runs are cancelled.
  const orphans = new Map<AbortController, NodeJS.Timeout>();
  const broadcast = (event: RunEvent) => {
    log.record(event);
    const message = JSON.stringify({ type: 'event', event } satisfies WsServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  };
  const engine = await startFaceEngine(options, broadcast);
  let port = options.port;

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const host = req.headers.host?.toLowerCase() ?? '';
    if (!allowedHosts(options.host, port).has(host)) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) return false;
    const given = url.searchParams.get(TOKEN_PARAM) || cookie(req.headers.cookie, COOKIE);
    return given !== null && same(given, token);
  };

  const server = createServer((req, res) => {
    const url = requestUrl(req.url);
    if (!url) return refuse(res, 400, 'bad request: the request target is not a URL');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (!authorized(req, url))
      return refuse(res, 403, 'forbidden: open the URL Reset Doctor printed (it carries the token)');
    const file = rendererFile(options.rendererDir, url.pathname);
    if (file === null) return refuse(res, 400, 'bad request: the path is not valid percent-encoded text');
    if (file === undefined) return refuse(res, 403, 'forbidden');
    serveFile(file, res, url.searchParams.has(TOKEN_PARAM) ? token : null).catch(() => res.destroy());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  // With noServer nothing should reach these, but an unhandled 'error' would end the process.
  wss.on('error', () => undefined);
  server.on('upgrade', (req, socket: Duplex, head) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req.url);
    if (!url) return abortUpgrade(socket, 400, 'Bad Request');
    if (url.pathname !== WS_PATH || !authorized(req, url) || req.headers.origin === undefined)
      return abortUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  const accept = (ws: WebSocket) => {
    // Ends when the socket closes and no page comes back within the grace: the runs it started are then
    // cancelled and their sessions released. A page that connects meanwhile takes the orphans over.
    const owner = new AbortController();
    for (const [orphan, timer] of orphans) {
      clearTimeout(timer);
      owner.signal.addEventListener('abort', () => orphan.abort(), { once: true });
    }
    orphans.clear();
    sockets.add(ws);
    // A protocol error (oversize, invalid UTF-8, reserved opcode): ws closes this socket with the code.
    ws.on('error', () => undefined);
    ws.on('close', () => {
      sockets.delete(ws);
      const grace = options.reconnectGraceMs ?? RECONNECT_GRACE_MS;
      if (grace <= 0) return owner.abort();
      orphans.set(
        owner,
        setTimeout(() => {
          orphans.delete(owner);
          owner.abort();
        }, grace),
      );
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(CLOSE_UNACCEPTABLE, 'text messages only');
      void answerMessage(engine.calls, text(data), {
        mode: 'browser',
        owner: owner.signal,
        latestRun: () => log.latest(),
      }).then((answer) => {
        if ('close' in answer) ws.close(answer.close, answer.reason);
        else if (ws.readyState === ws.OPEN) ws.send(answer.send);
      });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://${bracket(options.host)}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    helper: engine.helper,
    async close() {
      for (const [orphan, timer] of orphans) {
        clearTimeout(timer);
        orphan.abort();
      }
      orphans.clear();
      await engine.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The request target as a URL, or null when it is none (`//[x/`, `//a:99999/`). */
function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/**
 * The file a path names inside the renderer: null when the path is not valid percent-encoded UTF-8 or
 * holds control characters (NUL), undefined when it leads outside.
 */
function rendererFile(root: string, pathname: string): string | null | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return null;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(decoded)) return null;
  const file = join(root, normalize(decoded).replace(/^([/\\])+/, ''));
  return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : undefined;
}

function abortUpgrade(socket: Duplex, status: number, text: string) {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

async function serveFile(file: string, res: ServerResponse, setToken: string | null) {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return refuse(res, 404, 'not found');
  }
  const headers: Record<string, string> = {
    ...HEADERS,
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
  };
  // Assets the page loads carry no token in their URL: a same-site, script-proof cookie carries it.
  if (setToken) headers['Set-Cookie'] = `${COOKIE}=${setToken}; HttpOnly; SameSite=Strict; Path=/`;
  res.writeHead(200, headers);
  res.end(body);
}

function refuse(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

function cookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
