import { parseArgs } from 'node:util';
import {
  defaultRunOptions,
  isPathText,
  RUN_OPTIONS,
  runOption,
  zeroTurnsOff,
  type RunOptionKey,
  type RunOptionSpec,
  type RunOptionsInfo,
} from '../shared/run-options-info.js';
import { isStepId, STEP_IDS, type StepId } from '../shared/step-info.js';
import { parseErrorText } from '../engine/parsers/error-text-parser.js';
import { parseHost, TargetError } from '../engine/parsers/target-parser.js';
import type { RunOptions } from '../engine/runner/run-environment.js';
import { WATCH_BOUNDS, type WatchRequest } from '../shared/watch-info.js';
import { logFileProblem } from '../engine/probes/log-file-check.js';
import { formatFromPath, reportFileProblem } from '../engine/report/report-writer.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | {
      kind: 'diagnose';
      options: RunOptions;
      json: boolean;
      reportFile: string | null;
      redact: boolean;
      /** On a terminal too, every probe's line and the whole verdict. */
      verbose: boolean;
    }
  | {
      kind: 'serve';
      port: number;
      host: string;
      open: boolean;
      helper: string | null;
      /** Where finished runs are kept; null: the user's data directory. */
      history: string | null;
    }
  | {
      kind: 'watch';
      request: WatchRequest;
      json: boolean;
      pcapFile: string | null;
      /** The watch also written as a report: FILE.html, FILE.md or FILE.json. */
      reportFile: string | null;
    };

const DEFAULT_SERVE_PORT = 8750;
const DEFAULT_SERVE_HOST = '127.0.0.1';

/**
 * diagnose's own flags, which say how the run is shown or kept rather than what it measures (those are
 * the run options): parsed and helped from here. `--report` is watch's too, with its own help.
 */
const DIAGNOSE_FLAGS = {
  json: { type: 'boolean', help: 'print the report as JSON on stdout, and nothing else' },
  report: { type: 'string', metavar: 'FILE', help: 'also write the report: FILE.json, FILE.html or FILE.md' },
  redact: {
    type: 'boolean',
    help: 'hide addresses, host names and the user name in --json and --report output',
  },
  verbose: {
    type: 'boolean',
    help: "on a terminal too, every probe's line and the whole verdict (a pipe gets them all)",
  },
} as const satisfies Record<string, { type: 'boolean' | 'string'; metavar?: string; help: string }>;

// The run options' flags come from their table; each takes a value.
const RUN_OPTION_FLAGS = Object.fromEntries(
  RUN_OPTIONS.map((o) => [o.flag.slice(2), { type: 'string' as const }]),
);

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
        ...DIAGNOSE_FLAGS,
        ...RUN_OPTION_FLAGS,
        port: { type: 'string' },
        host: { type: 'string' },
        'no-open': { type: 'boolean' },
        helper: { type: 'string' },
        history: { type: 'string' },
        for: { type: 'string' },
        until: { type: 'string' },
        pcap: { type: 'string' },
        every: { type: 'string' },
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
      host: values.host === undefined ? DEFAULT_SERVE_HOST : serveHost(values.host),
      open: !values['no-open'],
      helper: values.helper ?? null,
      history: values.history ?? null,
    };
  }
  for (const flag of ['helper', 'history'] as const)
    if (values[flag] !== undefined) throw new UsageError(`--${flag} is an option of serve`);
  if (command === 'watch') {
    if (values.verbose) throw new UsageError('--verbose is an option of diagnose');
    return watchCommand(values, rest);
  }
  for (const flag of ['for', 'until', 'pcap', 'every'] as const)
    if (values[flag] !== undefined) throw new UsageError(`--${flag} is an option of watch`);
  if (command !== 'diagnose')
    throw new UsageError(`unknown command "${command}": try "reset-doctor diagnose <target>"`);
  if (rest.length > 1) throw new UsageError(`one target at a time (got ${rest.length}: ${rest.join(' ')})`);
  const options = runOptions(values);
  const target = rest[0] ?? (options.errorText ? parseErrorText(options.errorText).target : null);
  if (!target)
    throw new UsageError('give a target (host, host:port or URL), or an --error text that names one');
  const reportFile = values.report ?? null;
  if (reportFile !== null && formatFromPath(reportFile) === null) {
    throw new UsageError(`--report ${reportFile}: the file name must end in .json, .html or .md`);
  }
  return {
    kind: 'diagnose',
    json: values.json ?? false,
    reportFile,
    redact: values.redact ?? false,
    verbose: values.verbose ?? false,
    options: { target, ...options },
  };
}

/** `watch <target> [--for DURATION] [--until N] [--json]`. */
function watchCommand(values: Record<string, string | boolean | undefined>, rest: string[]): CliCommand {
  if (rest.length !== 1)
    throw new UsageError(
      rest.length === 0
        ? 'watch needs a target (host, host:port or URL)'
        : `one target at a time (got ${rest.length}: ${rest.join(' ')})`,
    );
  const forText = values.for as string | undefined;
  const untilText = values.until as string | undefined;
  const pcapFile = (values.pcap as string | undefined) ?? null;
  if (pcapFile !== null && !pcapFile.endsWith('.pcapng'))
    throw new UsageError(`--pcap ${pcapFile}: the file name must end in .pcapng`);
  const reportFile = (values.report as string | undefined) ?? null;
  if (reportFile !== null && formatFromPath(reportFile) === null)
    throw new UsageError(`--report ${reportFile}: the file name must end in .json, .html or .md`);
  return {
    kind: 'watch',
    json: values.json === true,
    pcapFile,
    reportFile,
    request: {
      target: rest[0]!,
      forSeconds: forText === undefined ? null : duration('--for', forText),
      until:
        untilText === undefined
          ? null
          : integer('--until', untilText, WATCH_BOUNDS.until.min, WATCH_BOUNDS.until.max),
      everySeconds:
        values.every === undefined
          ? null
          : number(
              '--every',
              values.every as string,
              WATCH_BOUNDS.everySeconds.min,
              WATCH_BOUNDS.everySeconds.max,
            ),
    },
  };
}

/** A duration: seconds, or a number with s, m or h (90, 30s, 5m, 2h); from 1 s to a week. */
function duration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  const seconds = match
    ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] as 's' | 'm' | 'h') ?? 's']
    : NaN;
  const { min, max } = WATCH_BOUNDS.forSeconds;
  if (!(seconds >= min && seconds <= max))
    throw new UsageError(`${flag} ${text}: give a duration from ${min}s to ${max / 3600}h (90, 30s, 5m, 2h)`);
  return seconds;
}

/** An address or a host name to listen on, checked before listening like a target's host. */
function serveHost(text: string): string {
  try {
    return parseHost(text);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(`--host: ${error.message}`);
    throw error;
  }
}

/** Every run option: its flag's value, checked against the table's bounds, or the table's default. */
function runOptions(values: Record<string, string | boolean | undefined>): RunOptionsInfo {
  const options: Record<string, unknown> = defaultRunOptions();
  for (const option of RUN_OPTIONS) {
    const text = values[option.flag.slice(2)];
    if (typeof text === 'string') options[option.key] = optionValue(option, text);
  }
  return options as RunOptionsInfo;
}

function optionValue(option: RunOptionSpec, text: string): RunOptionsInfo[RunOptionKey] {
  switch (option.kind) {
    case 'text':
      return text;
    case 'path':
      // Its shape only: the file itself is checked by checkFiles(), with the engine's check.
      if (!isPathText(option, text)) throw new UsageError(`${option.flag} ${text}: not a file path`);
      return text;
    case 'number':
      return number(option.flag, text, option.min, option.max);
    case 'integer':
      return integer(option.flag, text, option.min, option.max);
    case 'steps':
      return steps(option.flag, text);
  }
}

/**
 * Plain decimal only ("2", "0.5", "-1" to be told it is out of range): Number() would also take "0x10",
 * "1e1", "0b11" and spaces, so a typo could quietly become another value.
 */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

function number(flag: string, text: string, min: number, max: number): number {
  if (!DECIMAL.test(text)) throw new UsageError(`${flag} ${text}: not a decimal number`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} ${text}: must be between ${min} and ${max}`);
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = number(flag, text, min, max);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} ${text}: must be a whole number`);
  return n;
}

function steps(flag: string, text: string): StepId[] {
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = ids.filter((id) => !isStepId(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new UsageError(
      `${flag} ${text}: unknown step ${unknown.join(', ') || '(none)'}; use some of ${STEP_IDS.join(',')}`,
    );
  }
  // Once each: the report lists the steps requested, and the schema wants no repeats.
  return [...new Set(ids as StepId[])];
}

/**
 * The files the command names, checked before anything runs (a bad path costs a moment, not a whole
 * diagnosis): the log with the engine's own check, the report's place by creating a file there.
 */
export async function checkFiles(command: Extract<CliCommand, { kind: 'diagnose' }>): Promise<void> {
  const log = command.options.logFile;
  if (log !== null) {
    const problem = await logFileProblem(log);
    if (problem !== null) throw new UsageError(`${runOption('logFile').flag} ${log}: ${problem}`);
  }
  if (command.reportFile !== null) {
    const problem = await reportFileProblem(command.reportFile);
    if (problem !== null) throw new UsageError(`--report ${command.reportFile}: ${problem}`);
  }
}

// Help text starts in this column, and no line is wider than the terminal's traditional 80.
const HELP_COLUMN = 23;
const HELP_WIDTH = 80;

/** One option of the help: its name, then the text wrapped at word (or list) boundaries. */
export function helpEntry(name: string, text: string): string {
  const lines: string[] = [];
  let line = '';
  // Break after a space or a comma, so a long step list can wrap too.
  for (const piece of text.split(/(?<=[ ,])/)) {
    if (line !== '' && (line + piece).trimEnd().length > HELP_WIDTH - HELP_COLUMN) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else line += piece;
  }
  lines.push(line.trimEnd());
  return lines
    .map((l, i) => (i === 0 ? `  ${name} `.padEnd(HELP_COLUMN) : ' '.repeat(HELP_COLUMN)) + l)
    .join('\n');
}

/** "(default 8, 0 disables, max 64)": the default and bounds a run option's help ends with. */
function bounds(option: RunOptionSpec): string {
  if (option.kind !== 'number' && option.kind !== 'integer') return '';
  if (option.default === null) return ` (off unless given, ${option.min} to ${option.max})`;
  return zeroTurnsOff(option)
    ? ` (default ${option.default}, 0 disables, max ${option.max})`
    : ` (default ${option.default}, ${option.min} to ${option.max})`;
}

const RUN_OPTION_HELP = RUN_OPTIONS.map((o: RunOptionSpec) =>
  helpEntry(`${o.flag} ${o.metavar}`, o.help + bounds(o)),
);

export const HELP = [
  'Usage: reset-doctor diagnose <target> [options]',
  '       reset-doctor watch <target> [--for DURATION] [--until N]',
  '                          [--every SECONDS] [--pcap FILE.pcapng] [--json]',
  '       reset-doctor serve [--port N] [--host ADDR] [--no-open]',
  '                          [--helper PROGRAM] [--history DIR]',
  '',
  'Finds out why connections to <target> end in "connection reset by peer" and',
  'who sends the reset. <target> is a host, host:port, [IPv6]:port or an http(s)',
  'URL.',
  '',
  'Options:',
  ...Object.entries(DIAGNOSE_FLAGS).map(([name, f]) =>
    helpEntry('metavar' in f ? `--${name} ${f.metavar}` : `--${name}`, f.help),
  ),
  ...RUN_OPTION_HELP,
  'watch: captures every connection this machine has with <target>, whichever',
  'program opened it, and says who sent each reset as it comes (with raw sockets;',
  'without, it reads the socket table and names no sender); a connection the',
  'target leaves unanswered for 3 s while this machine retransmits is caught too.',
  helpEntry('--for DURATION', 'stop after this long (90, 30s, 5m, 2h); default: until Ctrl-C'),
  helpEntry('--until N', 'stop after N resets (or silences)'),
  helpEntry('--every SECONDS', 'also send the request and a ping this often (1 to 3600)'),
  helpEntry('--pcap FILE.pcapng', "also write each reset's packets, for Wireshark"),
  helpEntry('--report FILE', 'also write the watch: FILE.html (with its timeline), .md or .json'),
  'It exits 0 when nothing was caught, 1 when something was.',
  '',
  'serve: the wizard in a browser, for a server reached over SSH',
  '(ssh -L 8750:127.0.0.1:8750 host).',
  helpEntry('--port N', `port to listen on (default ${DEFAULT_SERVE_PORT}, 0 picks a free one)`),
  helpEntry(
    '--host ADDR',
    `address to bind (default ${DEFAULT_SERVE_HOST}; anything else is reachable from the network)`,
  ),
  helpEntry('--no-open', 'do not open a browser'),
  helpEntry(
    '--helper PROGRAM',
    'run the probes in this engine helper (reset-doctor-helper, installed with cap_net_raw,cap_net_admin); serve itself keeps no privileges',
  ),
  helpEntry('--history DIR', 'keep finished runs here (default ~/.local/share/reset-doctor/history)'),
  '',
  helpEntry('-h, --help', 'this help'),
  helpEntry('-V, --version', 'the version'),
  '',
  'Exit status: 0 healthy, 1 a problem diagnosed, 2 bad input or usage, 3 internal',
  'error, 130 stopped with Ctrl-C (what was found so far is still printed).',
  'Raw sockets (root or CAP_NET_RAW) add ICMP through net-ping and packet capture',
  'of the resets.',
].join('\n');
