import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isLoopback } from '../serve/serve-hosts.js';
import { startServe } from '../serve/serve-server.js';
import { UsageError } from './cli-args.js';
import { defaultHistoryDir } from '../engine/service/run-history.js';

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** `reset-doctor serve`: runs until Ctrl-C; the first line on stdout carries the URL with its token. */
export async function serve(command: {
  port: number;
  host: string;
  open: boolean;
  helper: string | null;
  history: string | null;
}): Promise<number> {
  if (!existsSync(`${RENDERER_DIR}index.html`)) {
    throw new UsageError('the wizard is not built: run "npm run build" first');
  }
  let handle;
  try {
    handle = await startServe({
      port: command.port,
      host: command.host,
      rendererDir: RENDERER_DIR,
      historyDir: command.history ?? defaultHistoryDir(),
      ...(command.helper === null ? {} : { helper: { command: command.helper, args: [] } }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(`port ${command.port} is in use: pick another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`${command.host} is not an address of this machine`);
    // A well-formed name may still not resolve; only the resolver can tell.
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL')
      throw new UsageError(`--host ${command.host}: the name does not resolve to an address of this machine`);
    throw error;
  }
  process.stdout.write(`Reset Doctor is running at ${handle.url}\n`);
  const helper = handle.helper;
  if (helper !== null && 'problem' in helper)
    process.stderr.write(`reset-doctor: warning: ${helper.problem}; the probes run in this process\n`);
  else if (helper !== null && !helper.hello.privileged)
    process.stderr.write(
      `reset-doctor: warning: the helper has no raw sockets: ${helper.hello.privilegeNote}\n`,
    );
  if (!isLoopback(command.host)) {
    process.stderr.write(
      `reset-doctor: warning: listening on ${command.host}, reachable from the network; anyone with the URL (and its token) can run probes from this machine\n`,
    );
  }
  process.stdout.write('Press Ctrl-C to stop.\n');
  if (command.open) openBrowser(handle.url);
  await new Promise<void>((resolve) => {
    const stop = () => void handle.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

function openBrowser(url: string) {
  const [file, args] =
    platform() === 'darwin'
      ? ['open', [url]]
      : platform() === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  // Best effort: on a headless server there is no browser, and the printed URL is the way in.
  const child = execFile(file, args as string[], () => undefined);
  child.on('error', () => undefined);
  child.unref();
}
