import type { Readable, Writable } from 'node:stream';
import type { HelperMessage } from '../shared/helper-protocol.js';
import { HELPER_MAX_LINE_BYTES } from '../shared/helper-protocol.js';
import type { RunEvent } from '../shared/run-event-info.js';
import { answerMessage } from '../engine/service/call-messages.js';
import { localCalls, type DispatchHooks } from '../engine/service/api-dispatch.js';
import { RunService } from '../engine/service/run-service.js';
import { LineSplitter } from '../engine/probes/log-line-splitter.js';

export interface HelperStreams {
  /** The parent's calls, one JSON line each. */
  input: Readable;
  /** Results, events, the hello and refusals, one JSON line each: nothing else may write here. */
  output: Writable;
}

/**
 * The engine as a child process of the desktop app (the way Wireshark's dumpcap and mtr's mtr-packet work):
 * the window and the main process hold no privileges; this process alone may (file capabilities on its
 * runtime, or started through pkexec or a UAC prompt). It speaks the contract's JSON form over its own
 * stdin and stdout, which only its parent holds: nobody else can call it. It says hello (with what it can
 * do) first, answers every call line, sends each RunEvent as it happens, refuses a line that is not a
 * call (in one line, and goes on), and when its stdin ends (the parent quit or died) it stops its runs
 * and returns. Dialogs stay with the parent: the helper answers as the engine does in browser mode
 * (exports come back as content, a log path is given, not chosen).
 */
export async function runHelper(
  streams: HelperStreams,
  makeService: (emit: (event: RunEvent) => void) => RunService = (emit) => new RunService(emit),
): Promise<void> {
  const write = (message: HelperMessage): void => {
    streams.output.write(`${JSON.stringify(message)}\n`);
  };
  const service = makeService((event) => write({ type: 'event', event }));
  const hooks: DispatchHooks = { mode: 'browser' };
  const calls = localCalls(service);
  const info = await service.info('browser');
  write({ type: 'hello', pid: process.pid, privileged: info.privileged, privilegeNote: info.privilegeNote });
  const answering = new Set<Promise<void>>();
  const answer = (line: string, truncated: boolean): void => {
    if (truncated) {
      write({ type: 'refused', reason: `a line over ${HELPER_MAX_LINE_BYTES} bytes` });
      return;
    }
    if (line.trim() === '') return;
    const done = answerMessage(calls, line, hooks).then((reply) => {
      if ('send' in reply) streams.output.write(`${reply.send}\n`);
      else write({ type: 'refused', reason: reply.reason });
    });
    answering.add(done);
    void done.finally(() => answering.delete(done));
  };
  const splitter = new LineSplitter(answer, HELPER_MAX_LINE_BYTES);
  try {
    for await (const chunk of streams.input) {
      splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    }
    splitter.end();
  } finally {
    // The parent is gone or done: nobody is left to see the runs' results.
    service.dispose();
    await Promise.allSettled([...answering]);
  }
}
