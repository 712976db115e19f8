/**
 * The wizard's side of a run in browser mode, for the lab: started as an ordinary user inside the client
 * namespace, it starts `serve` with its engine in the helper program given (the launcher holding capabilities),
 * connects as the browser does (token, Origin), starts a run from the CLI's own arguments, and prints the
 * finished run's report as JSON, exiting as the CLI would (0 healthy, 1 a problem diagnosed).
 *
 *   node --import tsx test/lab/lab-helper-driver.ts HELPER_PROGRAM TARGET [CLI run options...]
 */
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { parseCli } from '../../electron/cli/cli-args.js';
import { startServe } from '../../electron/serve/serve-server.js';
import { REQUEST_OPTIONS } from '../../electron/shared/run-options-info.js';
import type { StartRunRequest } from '../../electron/shared/api-contract.js';
import type { Report } from '../../electron/shared/report-info.js';
import type { WsServerMessage } from '../../electron/shared/ws-protocol.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

async function main(): Promise<number> {
  const [helperProgram, target, ...args] = process.argv.slice(2);
  if (helperProgram === undefined || target === undefined)
    throw new Error('usage: HELPER_PROGRAM TARGET [options]');
  const command = parseCli(['diagnose', target, ...args]);
  if (command.kind !== 'diagnose') throw new Error('not a diagnose command');
  // What run:start carries: every option but the step list (the wizard runs them all).
  const options = Object.fromEntries(REQUEST_OPTIONS.map((o) => [o.key, command.options[o.key]]));
  const request = { ...options, target } as StartRunRequest;
  const handle = await startServe({
    port: 0,
    host: '127.0.0.1',
    rendererDir: `${DIST}renderer/`,
    helper: { command: helperProgram, args: [] },
  });
  try {
    if (handle.helper === null || 'problem' in handle.helper)
      throw new Error(`no helper: ${handle.helper === null ? 'not asked for' : handle.helper.problem}`);
    if (!handle.helper.hello.privileged)
      throw new Error(`the helper has no raw sockets: ${handle.helper.hello.privilegeNote}`);
    const report = await run(handle.url, handle.port, request);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.diagnosis.verdict === 'healthy' ? 0 : 1;
  } finally {
    await handle.close();
  }
}

function run(url: string, port: number, request: StartRunRequest): Promise<Report> {
  const token = new URL(url).searchParams.get('token')!;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
    origin: `http://127.0.0.1:${port}`,
  });
  return new Promise((resolve, reject) => {
    let runId: string | null = null;
    // A quick run may finish before its start is answered: reports are kept until the id is known.
    const finished = new Map<string, Report>();
    const settle = (): void => {
      const report = runId === null ? undefined : finished.get(runId);
      if (report === undefined) return;
      ws.close();
      resolve(report);
    };
    ws.once('error', reject);
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'run:start', args: [request] })),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as WsServerMessage;
      if (message.type === 'result' && message.id === 1) {
        if (!message.ok) reject(new Error(message.error));
        else runId = (message.result as { runId: string }).runId;
      } else if (message.type === 'event' && message.event.type === 'run-finished') {
        finished.set(message.event.runId, message.event.report);
      }
      settle();
    });
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab-helper-driver: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(3);
  },
);
