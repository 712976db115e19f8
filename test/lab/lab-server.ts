/**
 * The lab's server program: one Node process that plays a healthy or a misbehaving server.
 *
 *   node --import tsx test/lab/lab-server.ts --mode M --port P [--tls] [--host ADDR]
 *        [--idle-seconds N] [--delay-seconds N] [--cutoff-seconds N] [--every N]
 *        [--percent P] [--seed S] [--supervise SECONDS] [--log FILE] [--cert-out FILE]
 *        [--tls-cert FILE --tls-key FILE]
 *
 * Prints `READY <port>` on stdout once listening (every time, when supervised: after each restart too),
 * and one line per event on stderr (`<ISO time> <event>`), also appended to --log FILE when given.
 * Started by Lab.startServer() inside the server namespace; it can also be run by hand.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const LAB_SERVER_MODES = [
  'http',
  'reset-on-accept',
  'reset-on-request',
  'reset-mid-response',
  'crash-on-request',
  'idle-close',
  'cutoff-reset',
  'cutoff-close',
  'reset-every-nth',
  'reset-random',
  'silent',
  'banner',
] as const;
export type LabServerMode = (typeof LAB_SERVER_MODES)[number];

interface ServerArgs {
  mode: LabServerMode;
  port: number;
  host: string | null;
  tls: boolean;
  idleSeconds: number;
  delaySeconds: number;
  cutoffSeconds: number;
  every: number;
  percent: number;
  seed: number;
  superviseSeconds: number | null;
  logFile: string | null;
  certOut: string | null;
  tlsCert: string | null;
  tlsKey: string | null;
}

const BANNER = 'SSH-2.0-LabServer\r\n';
const BIG_BODY_BYTES = 200 * 1024;
const MID_RESPONSE_TOTAL_BYTES = 100 * 1024;
const MID_RESPONSE_SENT_BYTES = 8 * 1024;

let logFile: string | null = null;

function log(message: string): void {
  const line = `${new Date().toISOString()} ${message}\n`;
  process.stderr.write(line);
  if (logFile) {
    try {
      appendFileSync(logFile, line);
    } catch {
      // A log file that cannot be written must not take the server down.
    }
  }
}

function usage(problem: string): never {
  process.stderr.write(
    `lab-server: ${problem}\nusage: lab-server --mode <${LAB_SERVER_MODES.join('|')}> --port <port> ` +
      `[--tls] [--host ADDR] [--idle-seconds N] [--delay-seconds N] [--cutoff-seconds N] [--every N] ` +
      `[--percent P] [--seed S] [--supervise SECONDS] [--log FILE] [--cert-out FILE]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: string[]): ServerArgs {
  const args: ServerArgs = {
    mode: 'http',
    port: -1,
    host: null,
    tls: false,
    idleSeconds: 5,
    delaySeconds: 0,
    cutoffSeconds: 1.5,
    every: 2,
    percent: 30,
    seed: 1,
    superviseSeconds: null,
    logFile: null,
    certOut: null,
    tlsCert: null,
    tlsKey: null,
  };
  let modeSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) usage(`${flag} needs a non-negative number`);
      return v;
    };
    switch (flag) {
      case '--mode': {
        const m = value();
        if (!(LAB_SERVER_MODES as readonly string[]).includes(m)) usage(`unknown mode ${m}`);
        args.mode = m as LabServerMode;
        modeSeen = true;
        break;
      }
      case '--port':
        args.port = number();
        break;
      case '--host':
        args.host = value();
        break;
      case '--tls':
        args.tls = true;
        break;
      case '--idle-seconds':
        args.idleSeconds = number();
        break;
      case '--delay-seconds':
        args.delaySeconds = number();
        break;
      case '--cutoff-seconds':
        args.cutoffSeconds = number();
        break;
      case '--every':
        args.every = number();
        if (!Number.isInteger(args.every) || args.every < 1)
          usage('--every needs a whole number of 1 or more');
        break;
      case '--percent':
        args.percent = number();
        if (args.percent > 100) usage('--percent needs 0..100');
        break;
      case '--seed':
        args.seed = number();
        break;
      case '--supervise':
        args.superviseSeconds = number();
        break;
      case '--log':
        args.logFile = value();
        break;
      case '--cert-out':
        args.certOut = value();
        break;
      case '--tls-cert':
        args.tlsCert = value();
        break;
      case '--tls-key':
        args.tlsKey = value();
        break;
      default:
        usage(`unknown argument ${flag}`);
    }
  }
  if (!modeSeen) usage('--mode is required');
  if (args.port < 0 || args.port > 65535 || !Number.isInteger(args.port))
    usage('--port is required (0..65535)');
  return args;
}

function peerOf(socket: net.Socket): string {
  const raw = socket.remoteAddress ?? '?';
  const address = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
  const port = socket.remotePort ?? 0;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The TCP socket under a TLS socket (resetAndDestroy only works on a TCP handle). */
function tcpOf(socket: net.Socket): net.Socket {
  const parent = (socket as net.Socket & { _parent?: unknown })._parent;
  return parent instanceof net.Socket ? parent : socket;
}

/** Sends an RST (SO_LINGER 0 close) instead of a FIN. */
function reset(socket: net.Socket, mode: string, peer = peerOf(tcpOf(socket))): void {
  const tcp = tcpOf(socket);
  if (tcp.destroyed) return;
  log(`connection reset: sent RST to client ${peer} (${mode})`);
  try {
    tcp.resetAndDestroy();
  } catch {
    tcp.destroy();
  }
  if (socket !== tcp) socket.destroy();
}

interface TlsMaterial {
  key: Buffer;
  cert: Buffer;
  certFile: string;
  keyFile: string;
}

/** Every address of this namespace's interfaces, for the certificate's subjectAltName. */
function localAddresses(): string[] {
  const out = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family === 'IPv6' && info.address.startsWith('fe80')) continue;
      out.add(info.address);
    }
  }
  return [...out];
}

async function generateCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const keyFile = join(dir, 'server.key');
  const certFile = join(dir, 'server.crt');
  const san = ['DNS:web.lab.test', 'DNS:localhost', ...localAddresses().map((a) => `IP:${a}`)].join(',');
  await execFileAsync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=web.lab.test',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { timeout: 20_000 },
  );
  return { certFile, keyFile };
}

async function loadTls(args: ServerArgs, tempDirs: string[]): Promise<TlsMaterial> {
  let certFile = args.tlsCert;
  let keyFile = args.tlsKey;
  if (!certFile || !keyFile) {
    const dir = mkdtempSync(join(tmpdir(), 'lab-server-tls-'));
    tempDirs.push(dir);
    ({ certFile, keyFile } = await generateCertificate(dir));
    log(`generated self-signed certificate ${certFile} for web.lab.test`);
  }
  if (args.certOut && args.certOut !== certFile) copyFileSync(certFile, args.certOut);
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile, keyFile };
}

function listen(server: net.Server, args: ServerArgs): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const host = args.host ?? '::';
    server.listen({ port: args.port, host, ipv6Only: false }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : args.port);
    });
  });
}

/** mulberry32: the same seed gives the same run of draws, so a "random" fault repeats from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sendBody(
  res: http.ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/plain',
): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function trackConnections(server: net.Server, mode: string, open: Set<net.Socket>): void {
  server.on('connection', (socket: net.Socket) => {
    const peer = peerOf(socket);
    open.add(socket);
    log(`accepted connection from ${peer} (${mode})`);
    socket.on('error', (err: NodeJS.ErrnoException) =>
      log(`connection error from ${peer}: ${err.code ?? err.message} (${mode})`),
    );
    socket.on('close', () => {
      open.delete(socket);
      log(`closed connection from ${peer} (${mode})`);
    });
  });
}

async function runServer(args: ServerArgs): Promise<void> {
  const { mode } = args;
  const tempDirs: string[] = [];
  const cleanup = (): void => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log(`stopping on ${signal} (${mode})`);
      process.exit(0);
    });
  }

  const tls = args.tls ? await loadTls(args, tempDirs) : null;
  const open = new Set<net.Socket>();
  let server: net.Server;

  if (mode === 'reset-on-accept' || mode === 'silent' || mode === 'banner') {
    // Plain TCP: these servers act before (or instead of) any TLS handshake.
    server = net.createServer((socket) => {
      const peer = peerOf(socket);
      if (mode === 'reset-on-accept') {
        reset(socket, mode, peer);
        return;
      }
      if (mode === 'banner') {
        socket.write(BANNER);
        log(`sent banner to ${peer} (${mode})`);
      }
      socket.on('data', (chunk: Buffer) =>
        log(`received ${chunk.length} bytes from ${peer}, ignored (${mode})`),
      );
    });
    trackConnections(server, mode, open);
  } else {
    // One count over every connection: a balancer's bad backend fails every Nth request, whoever sends it.
    let requests = 0;
    const draw = seededRandom(args.seed);
    const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const url = new URL(req.url ?? '/', 'http://lab');
      if (url.pathname === '/') {
        sendBody(res, 200, `hello from the reset-doctor lab (${mode})\n`);
      } else if (url.pathname === '/big') {
        sendBody(res, 200, Buffer.alloc(BIG_BODY_BYTES, 0x62), 'application/octet-stream');
      } else if (url.pathname === '/slow') {
        const ms = Math.max(0, Math.min(600_000, Number(url.searchParams.get('ms') ?? '1000') || 0));
        setTimeout(() => {
          if (!res.destroyed) sendBody(res, 200, `slept ${ms} ms\n`);
        }, ms);
      } else {
        sendBody(res, 404, 'not found\n');
      }
    };
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const socket = req.socket;
      const peer = peerOf(tcpOf(socket));
      const n = ++requests;
      log(`request ${req.method ?? '?'} ${req.url ?? '?'} from ${peer} (${mode})`);
      if (mode === 'reset-on-request') {
        reset(socket, mode, peer);
        return;
      }
      if (mode === 'crash-on-request') {
        log(`crashing on request from ${peer}: resetting ${open.size} open connection(s), exit code 1`);
        for (const s of open) reset(s, mode);
        // Let the RSTs leave before the process goes away.
        setTimeout(() => process.exit(1), 20);
        return;
      }
      if (mode === 'reset-mid-response') {
        res.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': MID_RESPONSE_TOTAL_BYTES,
        });
        res.write(Buffer.alloc(MID_RESPONSE_SENT_BYTES, 0x61), () => {
          // Give the kernel time to put the 8 KB on the wire: a linger-0 close discards unsent data.
          setTimeout(() => reset(socket, mode, peer), 150);
        });
        return;
      }
      if (mode === 'cutoff-reset' || mode === 'cutoff-close') {
        // A worker supervisor (gunicorn --timeout, uWSGI harakiri) kills the worker: RST; a server's own
        // request timeout closes politely: FIN. Either way nothing of an answer is sent.
        const timer = setTimeout(() => {
          log(`request from ${peer} unanswered after ${args.cutoffSeconds} s: cut off (${mode})`);
          if (mode === 'cutoff-reset') reset(socket, mode, peer);
          else socket.end();
        }, args.cutoffSeconds * 1000);
        socket.once('close', () => clearTimeout(timer));
        return;
      }
      const unlucky =
        (mode === 'reset-every-nth' && n % args.every === 0) ||
        (mode === 'reset-random' && draw() * 100 < args.percent);
      if (unlucky) {
        reset(socket, `${mode}, request ${n}`, peer);
        return;
      }
      if (args.delaySeconds > 0) {
        setTimeout(() => {
          if (!res.destroyed) answer(req, res);
        }, args.delaySeconds * 1000);
      } else {
        answer(req, res);
      }
    };
    const httpServer = tls
      ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
      : http.createServer(handler);
    if (mode === 'idle-close') {
      // Node's keep-alive timer would close idle connections politely (FIN) and override our timer.
      httpServer.keepAliveTimeout = 0;
      httpServer.timeout = args.idleSeconds * 1000;
      httpServer.on('timeout', (socket: net.Socket) => {
        log(`connection from ${peerOf(tcpOf(socket))} idle for ${args.idleSeconds} s`);
        reset(socket, mode);
      });
    } else {
      httpServer.keepAliveTimeout = 65_000;
    }
    httpServer.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
      log(`client error ${err.code ?? err.message} (${mode})`);
      socket.destroy();
    });
    if (tls) {
      httpServer.on('tlsClientError', (err: NodeJS.ErrnoException) =>
        log(`tls error ${err.code ?? err.message} (${mode})`),
      );
    }
    server = httpServer;
    trackConnections(server, mode, open);
  }

  const port = await listen(server, args);
  log(`listening on ${args.host ?? '[::]'}:${port} (${mode}${tls ? ', tls' : ''})`);
  process.stdout.write(`READY ${port}\n`);
}

/** --supervise: run the server in a child process and restart it SECONDS after it dies. */
async function supervise(args: ServerArgs, argv: string[], seconds: number): Promise<void> {
  const tempDirs: string[] = [];
  const passArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (['--supervise', '--port', '--tls-cert', '--tls-key', '--cert-out'].includes(a)) i++;
    else passArgs.push(a);
  }
  if (args.tls) {
    // One certificate for every incarnation, so clients can trust it across restarts.
    const tls = await loadTls(args, tempDirs);
    passArgs.push('--tls-cert', tls.certFile, '--tls-key', tls.keyFile);
  }
  let port = args.port;
  let child: ReturnType<typeof spawn> | null = null;
  let stopping = false;
  const script = fileURLToPath(import.meta.url);

  const start = (): void => {
    child = spawn(process.execPath, [...process.execArgv, script, ...passArgs, '--port', String(port)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^READY (\d+)$/.exec(line);
        if (m) port = Number(m[1]);
        process.stdout.write(`${line}\n`);
      }
    });
    child.on('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      log(`supervisor: server exited (${signal ?? `code ${code}`}), restarting in ${seconds} s`);
      setTimeout(() => {
        if (stopping) return;
        log(`supervisor: restarting server on port ${port}`);
        start();
      }, seconds * 1000);
    });
  };

  process.on('exit', () => {
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopping = true;
      log(`supervisor: stopping on ${signal}`);
      const c = child as ReturnType<typeof spawn> | null;
      if (c) {
        c.once('exit', () => process.exit(0));
        c.kill('SIGTERM');
        setTimeout(() => process.exit(0), 2000).unref();
      } else {
        process.exit(0);
      }
    });
  }
  log(`supervisor: starting ${args.mode} server, restart delay ${seconds} s`);
  start();
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  logFile = args.logFile;
  if (args.superviseSeconds !== null) await supervise(args, argv, args.superviseSeconds);
  else await runServer(args);
}

main().catch((err: unknown) => {
  log(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(3);
});
