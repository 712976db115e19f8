import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RunEvent } from '../shared/run-event-info.js';
import { TOKEN_PARAM, WS_PATH, type WsServerMessage } from '../shared/ws-protocol.js';
import { dispatch } from '../engine/service/api-dispatch.js';
import { RunService } from '../engine/service/run-service.js';

export interface ServeOptions {
  port: number;
  host: string;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Tests pass their own service (recorded I/O); by default the real network is used. */
  service?: (emit: (event: RunEvent) => void) => RunService;
}

export interface ServeHandle {
  url: string;
  port: number;
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

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Browser mode: the renderer over HTTP and the engine API over a WebSocket, for a server reached over
 * SSH. A random token, carried by the printed URL (then a same-site cookie), guards every request;
 * requests from another Origin or for another Host are refused.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const token = randomBytes(24).toString('base64url');
  const sockets = new Set<WebSocket>();
  const broadcast = (event: RunEvent) => {
    const message = JSON.stringify({ type: 'event', event } satisfies WsServerMessage);
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(message);
  };
  const service = options.service ? options.service(broadcast) : new RunService(broadcast);
  let port = options.port;
  const allowedHosts = () =>
    new Set([`${bracket(options.host)}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]);

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!allowedHosts().has(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) return false;
    const given = url.searchParams.get(TOKEN_PARAM) || cookie(req.headers.cookie, COOKIE);
    return given !== null && same(given, token);
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (!authorized(req, url))
      return refuse(res, 403, 'forbidden: open the URL Reset Doctor printed (it carries the token)');
    void serveFile(options.rendererDir, url.pathname, res, url.searchParams.has(TOKEN_PARAM) ? token : null);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH || !authorized(req, url) || req.headers.origin === undefined) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => void onMessage(ws, data.toString()));
    });
  });

  const onMessage = async (ws: WebSocket, text: string) => {
    let message: { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return ws.close(1003, 'not JSON');
    }
    if (message.type !== 'call' || typeof message.id !== 'number') return ws.close(1003, 'not a call');
    const outcome = await dispatch(service, message.channel, message.args, { mode: 'browser' });
    const reply: WsServerMessage = outcome.ok
      ? { type: 'result', id: message.id, ok: true, result: outcome.result }
      : { type: 'result', id: message.id, ok: false, error: outcome.error };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    url: `http://${bracket(options.host)}:${port}/?${TOKEN_PARAM}=${token}`,
    port,
    async close() {
      service.dispose();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveFile(root: string, pathname: string, res: ServerResponse, setToken: string | null) {
  const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(
    /^([/\\])+/,
    '',
  );
  const file = join(root, relative);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return refuse(res, 403, 'forbidden');
  try {
    const body = await readFile(file);
    const headers: Record<string, string> = {
      ...HEADERS,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    };
    // Assets the page loads carry no token in their URL: a same-site, script-proof cookie carries it.
    if (setToken) headers['Set-Cookie'] = `${COOKIE}=${setToken}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    refuse(res, 404, 'not found');
  }
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

function bracket(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
