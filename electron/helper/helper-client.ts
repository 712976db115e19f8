import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { DispatchResult } from '../engine/service/api-dispatch.js';
import { LineSplitter } from '../engine/probes/log-line-splitter.js';
import { HELPER_MAX_LINE_BYTES, type HelperMessage } from '../shared/helper-protocol.js';
import type { RunEvent } from '../shared/run-event-info.js';
import type { WsClientMessage } from '../shared/ws-protocol.js';

export type HelperHello = Extract<HelperMessage, { type: 'hello' }>;

/** Why the helper stopped, and what it left unfinished. */
export interface HelperExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Runs that had started and not finished: they end with what their events already showed. */
  unfinishedRuns: string[];
  /** The last lines it wrote to stderr, for the one-line reason. */
  stderr: string;
  /** One line for a person. */
  reason: string;
}

export interface HelperOptions {
  /** The helper's runtime and its arguments: `node …/engine-helper-main.js`, or a privilege prompt before it. */
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  onEvent: (event: RunEvent) => void;
  onExit?: (exit: HelperExit) => void;
}

const STDERR_KEEP = 2000;
/** After stdin closes, the helper stops its runs and exits; past this it is killed. */
const STOP_GRACE_MS = 3000;

/**
 * The parent's side of the engine helper: starts it, sends calls, hands results back by id and events to
 * onEvent. A helper that dies answers every pending call with an error and names the runs it left
 * unfinished, so the window keeps what was measured and says why the run ended. Never throws to callers.
 */
export class EngineHelper {
  readonly hello: Promise<HelperHello>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (result: DispatchResult) => void>();
  private readonly running = new Set<string>();
  private nextId = 1;
  private stderr = '';
  private exited: HelperExit | null = null;
  private readonly exitedPromise: Promise<HelperExit>;

  constructor(private readonly options: HelperOptions) {
    this.child = spawn(options.command, options.args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let greet: (hello: HelperHello) => void = () => undefined;
    let fail: (error: Error) => void = () => undefined;
    this.hello = new Promise((resolve, reject) => {
      greet = resolve;
      fail = reject;
    });
    // A helper that never says hello (refused, crashed at start) must not leave an unhandled rejection.
    this.hello.catch(() => undefined);
    const splitter = new LineSplitter((line, truncated) => {
      if (!truncated) this.read(line, greet);
    }, HELPER_MAX_LINE_BYTES);
    this.child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    // Writing to a helper that has just died raises EPIPE on the pipe: the exit handler says why.
    this.child.stdin.on('error', () => undefined);
    this.exitedPromise = new Promise((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (this.exited) return;
        splitter.end();
        this.exited = this.exitInfo(code, signal, spawnError);
        fail(new Error(this.exited.reason));
        for (const answer of this.pending.values()) answer({ ok: false, error: this.exited.reason });
        this.pending.clear();
        this.options.onExit?.(this.exited);
        resolve(this.exited);
      };
      this.child.on('error', (error) => finish(null, null, error));
      this.child.on('close', (code, signal) => finish(code, signal));
    });
  }

  /** One call of the contract; the answer, or an error when the helper is gone. */
  call(channel: string, args: unknown[]): Promise<DispatchResult> {
    if (this.exited) return Promise.resolve({ ok: false, error: this.exited.reason });
    const id = this.nextId++;
    const message: WsClientMessage = { type: 'call', id, channel, args };
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Closes its stdin (it stops its runs and exits), and kills it if it does not within the grace time. */
  async stop(): Promise<HelperExit> {
    if (!this.exited) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
      timer.unref();
      await this.exitedPromise;
      clearTimeout(timer);
    }
    return this.exitedPromise;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private read(line: string, greet: (hello: HelperHello) => void): void {
    let message: HelperMessage;
    try {
      message = JSON.parse(line) as HelperMessage;
    } catch {
      this.stderr = `${this.stderr}\n(not JSON on the helper's stdout) ${line.slice(0, 200)}`.slice(
        -STDERR_KEEP,
      );
      return;
    }
    if (message.type === 'hello') greet(message);
    else if (message.type === 'result') {
      const answer = this.pending.get(message.id);
      this.pending.delete(message.id);
      answer?.(message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error });
    } else if (message.type === 'event') {
      const { event } = message;
      if (event.type === 'run-started') this.running.add(event.runId);
      if (event.type === 'run-finished') this.running.delete(event.runId);
      this.options.onEvent(event);
    } else if (message.type === 'refused') {
      this.stderr = `${this.stderr}\n(refused) ${message.reason}`.slice(-STDERR_KEEP);
    }
  }

  private exitInfo(code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): HelperExit {
    const lastLine = this.stderr.trim().split('\n').pop()?.trim() ?? '';
    const how = spawnError
      ? `could not start: ${spawnError.message}`
      : signal
        ? `was stopped by ${signal}`
        : `exited with code ${code}`;
    const reason = `the engine helper ${how}${lastLine ? ` (${lastLine.slice(0, 200)})` : ''}`;
    return { code, signal, unfinishedRuns: [...this.running], stderr: this.stderr, reason };
  }
}
