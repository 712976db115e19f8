/**
 * Dev only: look at the built wizard without running a diagnosis. Serves dist/renderer on 127.0.0.1 and
 * answers the browser-mode WebSocket protocol (electron/shared/ws-protocol.ts) with the canned run of
 * renderer/dev/sample-run.ts, paced like a real one. Nothing is measured and no packet leaves the machine.
 *
 *   npx vite build --config renderer/vite.config.ts
 *   npx tsx renderer/dev/preview-server.ts [--port 5179] [--speed 1] [--privileged] [--token TOKEN] [--dist DIR]
 *
 * --dist serves a build made elsewhere (`npx vite build --config renderer/vite.config.ts --outDir DIR`),
 * leaving dist/renderer alone.
 *
 * Then open the URL it prints (it carries the token).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseErrorText } from '../../electron/engine/parsers/error-text-parser.js';
import { parseTarget } from '../../electron/engine/parsers/target-parser.js';
import { renderReport } from '../../electron/engine/report/report-writer.js';
import { renderMarkdownSummary } from '../../electron/engine/report/report-markdown.js';
import {
  validateCall,
  type ApiChannel,
  type AppInfo,
  type ExportFormat,
} from '../../electron/shared/api-contract.js';
import type { Report } from '../../electron/shared/report-info.js';
import type { RunEvent } from '../../electron/shared/run-event-info.js';
import type { StepId } from '../../electron/shared/step-info.js';
import { TOKEN_PARAM, WS_PATH, type WsServerMessage } from '../../electron/shared/ws-protocol.js';
import {
  cancelledReport,
  demoReport,
  sampleRerunEvents,
  sampleRunEvents,
  type TimedEvent,
} from './sample-run.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5179' },
    speed: { type: 'string', default: '1' },
    privileged: { type: 'boolean', default: false },
    token: { type: 'string' },
    dist: { type: 'string' },
  },
});
const HOST = '127.0.0.1';
const port = Number(values.port);
const speed = Math.max(0.05, Number(values.speed) || 1);
const token = values.token ?? randomBytes(18).toString('base64url');
const root = resolve(values.dist ?? fileURLToPath(new URL('../../dist/renderer/', import.meta.url)));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const MIME: Record<ExportFormat, string> = {
  html: 'text/html',
  json: 'application/json',
  md: 'text/markdown',
};

const appInfo: AppInfo = {
  version: '0.1.0',
  mode: 'browser',
  platform: process.platform,
  privileged: values.privileged,
  privilegeNote: values.privileged
    ? 'Running as root.'
    : 'Run with sudo, or grant the capability to a copy of node kept for Reset Doctor (sudo setcap cap_net_raw+ep on that copy, never on the system node: see the README).',
  canChooseFiles: false,
};

/** One canned run: its report, the events still to come, and the steps that finished. */
interface PreviewRun {
  report: Report;
  timer: NodeJS.Timeout | null;
  finishedSteps: StepId[];
  active: boolean;
}
const runs = new Map<string, PreviewRun>();
const sockets = new Set<WebSocket>();

function broadcast(event: RunEvent) {
  const text = JSON.stringify({ type: 'event', event } satisfies WsServerMessage);
  for (const ws of sockets) ws.send(text);
}

function play(run: PreviewRun, events: TimedEvent[]) {
  run.active = true;
  const next = () => {
    const item = events.shift();
    if (!item) {
      run.timer = null;
      return;
    }
    run.timer = setTimeout(() => {
      if (item.event.type === 'step-finished') run.finishedSteps.push(item.event.step.id);
      if (item.event.type === 'run-finished') {
        run.report = item.event.report;
        run.active = false;
      }
      broadcast(item.event);
      next();
    }, item.delayMs / speed);
  };
  next();
}

async function call(channel: ApiChannel, args: unknown[]): Promise<unknown> {
  switch (channel) {
    case 'app:info':
      return appInfo;
    case 'target:check':
      try {
        const t = parseTarget(args[0] as string);
        const host = t.ipVersion === 6 ? `[${t.host}]` : t.host;
        return {
          ok: true,
          message: `${t.scheme === 'tcp' ? 'TCP' : t.scheme.toUpperCase()} service at ${host}:${t.port}`,
        };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    case 'error:parse': {
      const info = parseErrorText(args[0] as string);
      return {
        target: info.target,
        client: info.client,
        isReset: info.isReset,
        explanation: info.explanation,
      };
    }
    case 'run:start': {
      const runId = randomUUID();
      const report = demoReport();
      const run: PreviewRun = { report, timer: null, finishedSteps: [], active: true };
      runs.set(runId, run);
      // Let the answer reach the page before the first event, as the real service does.
      setTimeout(() => play(run, sampleRunEvents(runId, report)), 20);
      return { runId };
    }
    case 'run:cancel': {
      const runId = args[0] as string;
      const run = runs.get(runId);
      if (!run?.active) return { cancelled: false };
      if (run.timer) clearTimeout(run.timer);
      run.report = cancelledReport(run.report, run.finishedSteps);
      run.active = false;
      setTimeout(() => broadcast({ type: 'run-finished', runId, report: run.report }), 300 / speed);
      return { cancelled: true };
    }
    case 'step:rerun': {
      const [runId, stepId] = args as [string, StepId];
      const run = runs.get(runId);
      if (!run || run.active) return { started: false };
      play(run, sampleRerunEvents(runId, stepId, run.report));
      return { started: true };
    }
    case 'report:get':
      return runs.get(args[0] as string)?.report ?? null;
    case 'report:export': {
      const [runId, format] = args as [string, ExportFormat];
      const report = runs.get(runId)?.report;
      if (!report) throw new Error('the report is not ready yet: wait for the run to finish');
      const host = report.target.host.replace(/[^a-z0-9.-]+/gi, '_');
      return {
        kind: 'content',
        fileName: `reset-doctor-${host}.${format}`,
        mime: MIME[format],
        content: renderReport(report, format),
      };
    }
    case 'report:summary': {
      const report = runs.get(args[0] as string)?.report;
      if (!report) throw new Error('the report is not ready yet: wait for the run to finish');
      return { markdown: renderMarkdownSummary(report) };
    }
    case 'log:choose':
      return { path: null };
    case 'history:list':
      // The preview keeps nothing: its runs are canned.
      return { entries: [], problems: [] };
    case 'history:get':
      return null;
    default:
      throw new Error(`the preview does not answer ${channel}`);
  }
}

async function serveFile(pathname: string, res: ServerResponse) {
  const relative = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(
    /^[/\\]+/,
    '',
  );
  const file = join(root, relative);
  if (!file.startsWith(root + sep)) return refuse(res, 403, 'forbidden');
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  } catch {
    refuse(res, 404, 'not found (build the renderer first: npx vite build --config renderer/vite.config.ts)');
  }
}

function refuse(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  void serveFile(url.pathname, res);
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url ?? '/', `http://${HOST}`);
  if (url.pathname !== WS_PATH || url.searchParams.get(TOKEN_PARAM) !== token) {
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      let message: { type?: unknown; id?: unknown; channel?: unknown; args?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (message.type !== 'call' || typeof message.id !== 'number') return;
      const id = message.id;
      const reply = (m: WsServerMessage) => ws.send(JSON.stringify(m));
      const invalid = validateCall(message.channel, message.args);
      if (invalid) return reply({ type: 'result', id, ok: false, error: invalid });
      call(message.channel as ApiChannel, message.args as unknown[]).then(
        (result) => reply({ type: 'result', id, ok: true, result }),
        (error: unknown) => reply({ type: 'result', id, ok: false, error: (error as Error).message }),
      );
    });
  });
});

server.listen(port, HOST, () => {
  console.log(`Reset Doctor wizard preview (canned run, nothing is measured):`);
  console.log(`  http://${HOST}:${port}/?${TOKEN_PARAM}=${token}`);
});
