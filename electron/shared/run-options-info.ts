import { STEP_IDS, type StepId } from './step-info.js';

/**
 * The run options, written down once. The CLI's flags and help, the API contract's checks, the wizard's
 * start form, the report's `options` (its type, its JSON Schema, and the Markdown and HTML lines) all
 * derive from this table, so an option added here reaches all of them or fails to compile.
 * No Node imports: the renderer imports this file.
 */
/**
 * A path names a regular file on the machine that runs the engine: its shape is checked here (every face
 * shares it), the file itself by the engine (`engine/probes/log-file-check.ts`), whichever face started
 * the run. Steps is a comma-separated list of step ids.
 */
type RunOptionKind = 'number' | 'integer' | 'text' | 'path' | 'steps';

interface RunOptionBase {
  /** The field in RunOptionsInfo, the run:start request and the report's `options`. */
  key: string;
  kind: RunOptionKind;
  /** The CLI flag, and the metavar its help shows (SECONDS also makes the wizard say "seconds"). */
  flag: `--${string}`;
  metavar: string;
  /** The wizard's label for the field. */
  label: string;
  /** One line, lower case, no final stop: the CLI help and the wizard's hint are made from it. */
  help: string;
  /**
   * The report's `options` records every value as the run got it; this is how the Markdown and HTML
   * reports list it under "Run": `#` stands for the value ("up to # s"), an option that is off reads
   * "off", a missing text "none". null: the reports show it elsewhere (the error text has its section).
   */
  report: { label: string; words: string } | null;
}

export interface NumericOption extends RunOptionBase {
  kind: 'number' | 'integer';
  /** null: off unless given. Otherwise a minimum of 0 means 0 turns the option off. */
  default: number | null;
  min: number;
  max: number;
  /**
   * Options that are off by default get a checkbox in the wizard (its label) and, once it is ticked,
   * the value the field proposes.
   */
  toggle?: { label: string; value: number };
}

export interface TextOption extends RunOptionBase {
  kind: 'text' | 'path';
  default: null;
  /** The longest text the API contract accepts (the CLI takes what the shell gives it). */
  maxLength: number;
}

interface StepsOption extends RunOptionBase {
  kind: 'steps';
  default: readonly StepId[];
}

export type RunOptionSpec = NumericOption | TextOption | StepsOption;

export const RUN_OPTIONS = [
  {
    key: 'errorText',
    kind: 'text',
    default: null,
    maxLength: 20_000,
    flag: '--error',
    metavar: 'TEXT',
    label: 'Error message',
    help: 'what the application printed; a URL or host:port in it fills in the target',
    report: null,
  },
  {
    key: 'logFile',
    kind: 'path',
    default: null,
    maxLength: 4096,
    flag: '--log',
    metavar: 'FILE',
    label: 'Server log file',
    help: "a server log (nginx, Apache, HAProxy, journald or the application's own) to search for resets, timeouts and restarts",
    report: { label: 'Log file', words: '#' },
  },
  {
    key: 'idleMaxSeconds',
    kind: 'number',
    default: null,
    min: 1,
    max: 3600,
    toggle: { label: 'Idle test', value: 10 },
    flag: '--idle-max',
    metavar: 'SECONDS',
    label: 'Maximum idle seconds',
    help: 'hold connections idle, at several gaps up to the maximum, to measure an idle timeout; the run takes that long',
    report: { label: 'Idle test', words: 'up to # s' },
  },
  {
    key: 'concurrency',
    kind: 'integer',
    default: 8,
    min: 0,
    max: 64,
    flag: '--concurrency',
    metavar: 'N',
    label: 'Concurrent connections',
    help: 'the most connections the connection-limit test holds at once',
    report: { label: 'Concurrency', words: 'up to #' },
  },
  {
    // The rate probe reads its default and bound from here; a typo must not make a load generator.
    key: 'rateMax',
    kind: 'integer',
    default: 40,
    min: 0,
    max: 100,
    flag: '--rate-max',
    metavar: 'N',
    label: 'New connections per second',
    help: 'the most new connections per second the rate-limit test opens',
    report: { label: 'New-connection rate', words: 'up to #/s' },
  },
  {
    key: 'timeoutSeconds',
    kind: 'number',
    default: 2,
    min: 0.1,
    max: 60,
    flag: '--timeout',
    metavar: 'SECONDS',
    label: 'Timeout (seconds)',
    help: 'how long to wait for a connection or the next packet',
    report: { label: 'Timeout', words: '# s' },
  },
  {
    key: 'waitSeconds',
    kind: 'number',
    default: 30,
    min: 1,
    max: 600,
    flag: '--wait',
    metavar: 'SECONDS',
    label: 'Wait for a slow answer (seconds)',
    help: "how long to wait for a slow server's answer once it has acknowledged the request",
    report: { label: 'Wait for a slow answer', words: '# s' },
  },
  {
    key: 'repeat',
    kind: 'integer',
    default: 10,
    min: 0,
    max: 50,
    flag: '--repeat',
    metavar: 'N',
    label: 'Repeated requests',
    help: 'how many more times the request is sent, one after another and a few at once, to measure how often it fails',
    report: { label: 'Repeated requests', words: '#' },
  },
  {
    key: 'steps',
    kind: 'steps',
    default: STEP_IDS,
    flag: '--steps',
    metavar: 'IDS',
    label: 'Steps',
    help: `run only these steps: ${STEP_IDS.join(',')}`,
    report: { label: 'Steps requested', words: '#' },
  },
] as const satisfies readonly RunOptionSpec[];

type Entry = (typeof RUN_OPTIONS)[number];
type ValueOf<E extends Entry> = E extends { kind: 'steps' }
  ? StepId[]
  : E extends { kind: 'text' | 'path' }
    ? string | null
    : E extends { default: null }
      ? number | null
      : number;

/** What a run was asked to do, as the report records it: one field per entry of RUN_OPTIONS. */
export type RunOptionsInfo = { [E in Entry as E['key']]: ValueOf<E> };
export type RunOptionKey = keyof RunOptionsInfo;
export type NumericOptionKey = Extract<Entry, { kind: 'number' | 'integer' }>['key'];

/**
 * What run:start carries: every option but the step list (the wizard runs every step, and re-runs
 * them one at a time with step:rerun).
 */
export type RequestOptions = Omit<RunOptionsInfo, Extract<Entry, { kind: 'steps' }>['key']>;

// The table seen through its element type, for code that walks every entry.
const OPTIONS: readonly RunOptionSpec[] = RUN_OPTIONS;

export const NUMERIC_OPTIONS = OPTIONS.filter(
  (o): o is NumericOption & { key: NumericOptionKey } => o.kind === 'number' || o.kind === 'integer',
);
export const REQUEST_OPTIONS = OPTIONS.filter(
  (o): o is (NumericOption | TextOption) & { key: keyof RequestOptions } => o.kind !== 'steps',
);

export function runOption<K extends RunOptionKey>(key: K): Extract<Entry, { key: K }> {
  return RUN_OPTIONS.find((o) => o.key === key) as Extract<Entry, { key: K }>;
}

/** Every option at its default; a fresh copy each call, so callers may change it. */
export function defaultRunOptions(): RunOptionsInfo {
  return Object.fromEntries(
    OPTIONS.map((o) => [o.key, o.kind === 'steps' ? [...o.default] : o.default]),
  ) as RunOptionsInfo;
}

/** Just the options, in the table's order: what the report records of a run (the target it records parsed). */
export function pickRunOptions(options: RunOptionsInfo): RunOptionsInfo {
  const all = options as unknown as Record<string, unknown>;
  return Object.fromEntries(OPTIONS.map((o) => [o.key, all[o.key]])) as RunOptionsInfo;
}

/** Whether a number lies within the option's bounds (and is whole, for an integer option). */
export function withinBounds(option: NumericOption, value: number): boolean {
  return (
    Number.isFinite(value) &&
    value >= option.min &&
    value <= option.max &&
    (option.kind === 'number' || Number.isInteger(value))
  );
}

/**
 * Whether a text can name a file at all: not empty, within the option's length, and without NUL, which
 * no file system allows (Node refuses it with an exception of its own). Whether the file is there and
 * readable is the engine's question.
 */
export function isPathText(option: TextOption, value: string): boolean {
  return value.length > 0 && value.length <= option.maxLength && !value.includes('\u0000');
}

/** Whether 0 turns the option off ("0 disables"): for every option whose bounds start at 0. */
export function zeroTurnsOff(option: NumericOption): boolean {
  return option.min === 0;
}

/** Whether this value leaves the option off: null (off unless given), or 0 where 0 turns it off. */
export function isOff(option: NumericOption, value: number | null): boolean {
  return value === null || (value === 0 && zeroTurnsOff(option));
}

/**
 * The run's options as the reports list them (and the wizard's comparison of kept runs) under "Run", in the table's order, as [label, words]:
 * "Idle test", "up to 30 s". Options the reports show elsewhere (the error text) are left out.
 */
export function optionLines(options: RunOptionsInfo): [string, string][] {
  const values = options as unknown as Record<string, unknown>;
  return RUN_OPTIONS.flatMap((option: RunOptionSpec): [string, string][] =>
    option.report === null
      ? []
      : [[option.report.label, optionWords(option, option.report.words, values[option.key])]],
  );
}

function optionWords(option: RunOptionSpec, words: string, value: unknown): string {
  const numeric = option.kind === 'number' || option.kind === 'integer';
  if (numeric && isOff(option, value as number | null)) return 'off';
  if (value === null || (Array.isArray(value) && value.length === 0)) return 'none';
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  // A function, so a `$` in a path is not read as a replacement pattern.
  return words.replace('#', () => text);
}
