import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isStepId, STEP_IDS, type StepId } from '../shared/step-info.js';
import { parseErrorText } from '../engine/parsers/error-text-parser.js';
import type { RunOptions } from '../engine/runner/run-environment.js';
import { formatFromPath } from '../engine/report/report-writer.js';
import { DEFAULT_RATE_MAX, MAX_RATE } from '../engine/probes/connection-rate-probe.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'diagnose'; options: RunOptions; json: boolean; reportFile: string | null; redact: boolean }
  | { kind: 'serve'; port: number; host: string; open: boolean };

// Bounds that keep a typo from turning the tool into a load generator.
const MAX_CONCURRENCY = 64;
const MAX_IDLE_SECONDS = 3600;
const DEFAULT_SERVE_PORT = 8750;

export function parseCli(argv: string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        log: { type: 'string' },
        error: { type: 'string' },
        'idle-max': { type: 'string' },
        concurrency: { type: 'string' },
        'rate-max': { type: 'string' },
        timeout: { type: 'string' },
        steps: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'no-open': { type: 'boolean' },
        redact: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(
      (error as Error).message.split('\n', 1)[0]!.replace(/\. To specify a positional.*$/, ''),
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command === 'serve') {
    if (rest.length > 0)
      throw new UsageError(`serve takes no target (got ${rest.join(' ')}): the wizard asks for it`);
    return {
      kind: 'serve',
      port: values.port === undefined ? DEFAULT_SERVE_PORT : integer('--port', values.port, 0, 65535),
      host: values.host ?? '127.0.0.1',
      open: !values['no-open'],
    };
  }
  if (command !== 'diagnose')
    throw new UsageError(`unknown command "${command}": try "reset-doctor diagnose <target>"`);
  if (rest.length > 1) throw new UsageError(`one target at a time (got ${rest.length}: ${rest.join(' ')})`);
  const errorText = values.error ?? null;
  const target = rest[0] ?? (errorText ? parseErrorText(errorText).target : null);
  if (!target)
    throw new UsageError('give a target (host, host:port or URL), or an --error text that names one');
  const reportFile = values.report ?? null;
  if (reportFile !== null && formatFromPath(reportFile) === null) {
    throw new UsageError(`--report ${reportFile}: the file name must end in .json, .html or .md`);
  }
  if (values.log !== undefined) checkLogFile(values.log);
  return {
    kind: 'diagnose',
    json: values.json ?? false,
    reportFile,
    redact: values.redact ?? false,
    options: {
      target,
      errorText,
      logFile: values.log ?? null,
      idleMaxSeconds:
        values['idle-max'] === undefined
          ? null
          : number('--idle-max', values['idle-max'], 1, MAX_IDLE_SECONDS),
      concurrency:
        values.concurrency === undefined
          ? 8
          : integer('--concurrency', values.concurrency, 0, MAX_CONCURRENCY),
      rateMax:
        values['rate-max'] === undefined
          ? DEFAULT_RATE_MAX
          : integer('--rate-max', values['rate-max'], 0, MAX_RATE),
      timeoutSeconds: values.timeout === undefined ? 2 : number('--timeout', values.timeout, 0.1, 60),
      steps: values.steps === undefined ? [...STEP_IDS] : steps(values.steps),
    },
  };
}

function number(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} ${text}: not a number`);
  if (n < min || n > max) throw new UsageError(`${flag} ${text}: must be between ${min} and ${max}`);
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = number(flag, text, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} ${text}: must be a whole number`);
  return n;
}

function steps(text: string): StepId[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !isStepId(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new UsageError(
      `--steps ${text}: unknown step ${unknown.join(', ') || '(none)'}; use some of ${STEP_IDS.join(',')}`,
    );
  }
  return ids as StepId[];
}

function checkLogFile(file: string) {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--log ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'cannot read it'}`,
    );
  }
  if (!stat.isFile()) throw new UsageError(`--log ${file}: not a regular file`);
}

export const HELP = `Usage: reset-doctor diagnose <target> [options]
       reset-doctor serve [--port N] [--host ADDR] [--no-open]

Finds out why connections to <target> end in "connection reset by peer" and who sends the reset.
<target> is a host, host:port, [IPv6]:port or an http(s) URL.

Options:
  --json               print the report as JSON on stdout, and nothing else
  --report FILE        also write the report: FILE.json, FILE.html or FILE.md
  --redact             hide addresses, host names and the user name in --json and --report output
  --log FILE           a server log to search for resets, timeouts and restarts
  --error TEXT         what the application printed (fills in the target if it names one)
  --idle-max SECONDS   hold connections idle up to SECONDS to measure an idle timeout (off by default)
  --concurrency N      parallel connections for the connection-limit test (default 8, 0 disables, max ${MAX_CONCURRENCY})
  --rate-max N         new connections per second for the rate-limit test (default ${DEFAULT_RATE_MAX}, 0 disables, max ${MAX_RATE})
  --timeout SECONDS    how long to wait for any one answer (default 2)
  --steps IDS          run only these steps: ${STEP_IDS.join(',')}
serve: the wizard in a browser, for a server reached over SSH (ssh -L 8750:127.0.0.1:8750 host).
  --port N             port to listen on (default ${DEFAULT_SERVE_PORT}, 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1; anything else is reachable from the network)
  --no-open            do not open a browser

  -h, --help           this help
  -V, --version        the version

Exit status: 0 healthy, 1 a problem diagnosed, 2 bad input or usage, 3 internal error.
Raw sockets (root or CAP_NET_RAW) add ICMP through net-ping and packet capture of the resets.`;
