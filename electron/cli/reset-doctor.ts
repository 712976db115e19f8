#!/usr/bin/env node
import type { RunEvent } from '../shared/run-event-info.js';
import { printable } from '../shared/printable-text.js';
import { InputError } from '../engine/input-error.js';
import { redactReport } from '../engine/report/report-redact.js';
import { writeReport } from '../engine/report/report-writer.js';
import { runDiagnosis } from '../engine/run-diagnosis.js';
import { TOOL_VERSION } from '../engine/tool-version.js';
import { checkFiles, HELP, parseCli, UsageError } from './cli-args.js';
import { LiveView } from './live-view.js';

const EXIT = { healthy: 0, problem: 1, usage: 2, internal: 3, interrupted: 130 } as const;

async function main(argv: string[]): Promise<number> {
  const command = parseCli(argv);
  if (command.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return EXIT.healthy;
  }
  if (command.kind === 'version') {
    process.stdout.write(`reset-doctor ${TOOL_VERSION}\n`);
    return EXIT.healthy;
  }
  // Loaded only for serve: its web server and WebSocket library would slow every diagnose start.
  if (command.kind === 'serve') return (await import('./serve-command.js')).serve(command);
  if (command.kind === 'watch') return (await import('./watch-command.js')).watch(command);
  await checkFiles(command);
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const view = command.json ? null : new LiveView(process.stdout, color, { verbose: command.verbose });
  const controller = new AbortController();
  // First Ctrl-C stops politely and still reports what was found; a second one quits at once.
  process.once('SIGINT', () => {
    process.stderr.write(
      '\nCancelling: finishing with what was measured so far (Ctrl-C again to quit now)\n',
    );
    controller.abort();
    process.once('SIGINT', () => process.exit(EXIT.interrupted));
  });
  const report = await runDiagnosis({
    options: command.options,
    signal: controller.signal,
    emit: (event: RunEvent) => view?.onEvent(event),
  });
  const shared = command.redact ? redactReport(report) : report;
  if (command.json) process.stdout.write(`${JSON.stringify(shared, null, 2)}\n`);
  else view!.printVerdict(report);
  if (command.reportFile) {
    try {
      await writeReport(shared, command.reportFile);
      if (view) view.line(`Report written to ${printable(command.reportFile)}`);
    } catch (error) {
      fail(`could not write ${command.reportFile}: ${(error as Error).message}`);
      return EXIT.internal;
    }
  }
  if (report.cancelled) return EXIT.interrupted;
  return report.diagnosis.verdict === 'healthy' ? EXIT.healthy : EXIT.problem;
}

/** Every error is one line on stderr; what it echoes of the input cannot steer the terminal. */
function fail(message: string) {
  process.stderr.write(`reset-doctor: ${printable(message)}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof InputError) {
      fail(error.message);
      process.exitCode = EXIT.usage;
      return;
    }
    // Never a stack trace for a person; RESET_DOCTOR_DEBUG=1 shows it for a developer.
    const message = (error as Error)?.message?.split('\n', 1)[0] ?? String(error);
    fail(`internal error: ${message}`);
    if (process.env.RESET_DOCTOR_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`);
    process.exitCode = EXIT.internal;
  },
);
