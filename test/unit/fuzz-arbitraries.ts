/**
 * Shared pieces of the fuzz specs (`*.fuzz.spec.ts`): arbitraries that reach the edges parsers trip on
 * (mutated real fixtures, control characters, huge numbers, long repetitive input), a wall-time bound per
 * call, and fast-check's run parameters with a way to replay a failure.
 *
 * Reproducing a failure: fast-check prints `{ seed: …, path: "…" }` with the counter-example; run the one
 * spec again with `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run --project unit <spec>`. FUZZ_RUNS
 * raises the number of runs for a longer hunt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

export const PARSER_FIXTURES = fileURLToPath(
  new URL('../../electron/engine/parsers/fixtures/', import.meta.url),
);

/** Runs per property: enough to reach the edges, few enough that every fuzz spec takes about a second. */
const DEFAULT_RUNS = 200;

/** fast-check's parameters: the run count, and the seed and path of a failure to replay when given. */
export function fuzzParams<T>(runs = DEFAULT_RUNS): fc.Parameters<T> {
  const env = process.env;
  const params: fc.Parameters<T> = { numRuns: env.FUZZ_RUNS === undefined ? runs : Number(env.FUZZ_RUNS) };
  if (env.FUZZ_SEED !== undefined) params.seed = Number(env.FUZZ_SEED);
  if (env.FUZZ_PATH !== undefined) params.path = env.FUZZ_PATH;
  return params;
}

// ---------------------------------------------------------------------------------------------------------
// Time

/**
 * Wall-time bounds. Parsers are linear, so a normal input takes well under a millisecond and a 50,000
 * character or 10,000 line one a few tens; the bounds leave room for a busy shared machine, and an input that
 * backtracks catastrophically (or quadratically over 50,000 characters) still blows through them.
 */
export const SHORT_INPUT_MS = 500;
export const LONG_INPUT_MS = 2000;

/** Calls `work` and fails when it took longer than `budgetMs`. */
export function timed<T>(work: () => T, budgetMs = SHORT_INPUT_MS, label = 'the call'): T {
  const start = performance.now();
  const result = work();
  const ms = performance.now() - start;
  if (ms > budgetMs) throw new Error(`${label} took ${ms.toFixed(0)} ms (bound ${budgetMs} ms)`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Seeds

/** Every file under a fixtures folder (relative to the parsers' fixtures) whose name passes `keep`. */
export function fixtureTexts(folder: string, keep: (name: string) => boolean = () => true): string[] {
  const dir = join(PARSER_FIXTURES, folder);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md' && keep(entry.name))
    .map((entry) => readFileSync(join(dir, entry.name), 'utf8'));
}

export function fixtureText(path: string): string {
  return readFileSync(join(PARSER_FIXTURES, path), 'utf8');
}

interface RealLogLine {
  id: string;
  source: string;
  line: string;
  group: string;
}
interface RealErrorText {
  id: string;
  source: string;
  text: string;
}

function jsonLines<T>(file: string): T[] {
  return fixtureText(`real-world/${file}`)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The real-world server-log lines (from public issue trackers, each with its source), one text per log. */
export function realWorldLogs(): string[] {
  const groups = new Map<string, string[]>();
  for (const { group, line } of jsonLines<RealLogLine>('log-lines.jsonl')) {
    groups.set(group, [...(groups.get(group) ?? []), line]);
  }
  return [...groups.values()].map((lines) => lines.join('\n'));
}

export function realWorldLogLines(): string[] {
  return jsonLines<RealLogLine>('log-lines.jsonl').map((entry) => entry.line);
}

/** The real-world error texts clients printed (from public issue trackers, each with its source). */
export function realWorldErrorTexts(): string[] {
  return jsonLines<RealErrorText>('error-texts.jsonl').map((entry) => entry.text);
}

// ---------------------------------------------------------------------------------------------------------
// Pieces of hostile text

/**
 * Fragments that parsers of text tend to trip on: line ends of every kind, NUL and escapes, Unicode that
 * changes length when normalised or encoded, numbers beyond every integer type, separators and brackets
 * left open, and the words the parsers look for.
 */
export const EDGE_PIECES: readonly string[] = [
  '\n',
  '\r\n',
  '\r',
  '\u0000',
  '\t',
  ' ',
  '    ',
  '\u000b',
  '\u000c',
  '\u001b[31m',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\ufffd',
  '\ud800',
  'é',
  'e\u0301',
  'ß',
  'İ',
  '日本語',
  '😀',
  '0',
  '00',
  '-1',
  '-0',
  '1.5',
  '255',
  '256',
  '65535',
  '65536',
  '2147483648',
  '4294967296',
  '9007199254740993',
  '99999999999999999999999999',
  '1e308',
  '1e999',
  'NaN',
  'Infinity',
  '0x',
  '0xffffffff',
  '"',
  "'",
  '`',
  '\\',
  '\\"',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  '<',
  '>',
  ':',
  '::',
  ';',
  ',',
  '=',
  '/',
  '//',
  '-',
  '--',
  '.',
  '#',
  '%',
  '|',
  '*',
  '?',
  '&',
  '@',
  '!',
  '+',
  '~',
  '$',
  '::1',
  '::ffff:198.18.0.1',
  'fe80::1%eth0',
  '198.18.0.1',
  '198.18.0.1:443',
  '[fd00::1]:8443',
  '999.999.999.999',
  '1.2.3',
  'null',
  'true',
  'undefined',
  '[]',
  '{}',
  '""',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'ECONNRESET',
  'reset by peer',
  'RST',
  'HTTP/1.1 ',
  'timed out',
  'upstream',
  'Error:',
  'at ',
  '2024-03-05T10:11:12.345+01:00',
  '2024/03/05 10:11:12',
  'Mar  5 10:11:12',
  '[05/Mar/2024:10:11:12 +0100]',
  '31/12/9999 23:59:60 PM',
];

const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_PIECES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);

/** Text built from edge pieces and random characters, binary ones included. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);

// ---------------------------------------------------------------------------------------------------------
// Mutations of real input

/** One edit, as plain data so fast-check can print and shrink it. */
export type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number; length: number; times: number }
  | { op: 'number'; nth: number; text: string }
  | { op: 'word'; nth: number; text: string }
  | { op: 'insert-line'; at: number; text: string }
  | { op: 'delete-line'; at: number }
  | { op: 'duplicate-line'; at: number; times: number }
  | { op: 'swap-lines'; at: number; with: number }
  | { op: 'cut'; at: number };

const position = fc.nat({ max: 1_000_000 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: position, text: piece }),
  fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    op: fc.constant('duplicate' as const),
    at: position,
    length: fc.integer({ min: 1, max: 30 }),
    times: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({ op: fc.constant('number' as const), nth: fc.nat({ max: 50 }), text: piece }),
  fc.record({ op: fc.constant('word' as const), nth: fc.nat({ max: 200 }), text: piece }),
  fc.record({ op: fc.constant('insert-line' as const), at: position, text: hostileText }),
  fc.record({ op: fc.constant('delete-line' as const), at: position }),
  fc.record({
    op: fc.constant('duplicate-line' as const),
    at: position,
    times: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ op: fc.constant('swap-lines' as const), at: position, with: position }),
  fc.record({ op: fc.constant('cut' as const), at: position }),
);

export function applyMutation(text: string, m: Mutation): string {
  const at = (n: number): number => (text.length === 0 ? 0 : n % (text.length + 1));
  switch (m.op) {
    case 'insert':
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
    case 'delete':
      return text.slice(0, at(m.at)) + text.slice(at(m.at) + m.length);
    case 'duplicate': {
      const slice = text.slice(at(m.at), at(m.at) + m.length);
      return text.slice(0, at(m.at)) + slice.repeat(m.times) + text.slice(at(m.at));
    }
    case 'number': {
      let seen = 0;
      return text.replace(/\d+/g, (digits) => (seen++ === m.nth ? m.text : digits));
    }
    case 'word': {
      // Words are what parsers look up (states, hooks, service names): the piece takes one's place.
      let seen = 0;
      return text.replace(/[\w-]+/g, (word) => (seen++ === m.nth ? m.text : word));
    }
    case 'cut':
      return text.slice(0, at(m.at));
    default:
      return mutateLines(text.split('\n'), m).join('\n');
  }
}

function mutateLines(lines: string[], m: Mutation): string[] {
  const i = (n: number): number => n % lines.length;
  const out = [...lines];
  switch (m.op) {
    case 'insert-line':
      out.splice(m.at % (lines.length + 1), 0, m.text);
      return out;
    case 'delete-line':
      out.splice(i(m.at), 1);
      return out;
    case 'duplicate-line':
      out.splice(i(m.at), 0, ...new Array<string>(m.times).fill(lines[i(m.at)] ?? ''));
      return out;
    case 'swap-lines':
      [out[i(m.at)], out[i(m.with)]] = [lines[i(m.with)] ?? '', lines[i(m.at)] ?? ''];
      return out;
    default:
      return out;
  }
}

/** A seed with one to eight edits: real input that is wrong in a few places, the way hostile input is. */
export function mutated(seeds: readonly string[]): fc.Arbitrary<string> {
  if (seeds.length === 0) throw new Error('mutated() needs at least one seed');
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 8 }))
    .map(([seed, edits]) => edits.reduce(applyMutation, seed));
}

/** Mutated seeds, hostile text, and the seeds as they are: what each parser's property is run over. */
export function textInput(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(seeds) },
    { weight: 3, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constantFrom(...seeds) },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Long input

/**
 * Long repetitive inputs, the shape that makes a backtracking regex take exponential or quadratic time: a
 * character or a near-miss fragment 50,000 times, and a seed's lines repeated to 10,000.
 */
export function longInputs(seeds: readonly string[]): { name: string; text: string }[] {
  const fragments = [
    'a',
    ' ',
    '1',
    '9.',
    '1.1.',
    ':',
    'a:',
    '1:',
    '[',
    '"',
    '\\',
    '\t',
    '-',
    '=',
    '/',
    'ab ',
    '"a" ',
    '{"a":',
    '[1,',
    '\r',
    '\u0000',
    'é',
    ' 0 ',
    '10054 ',
    'reset ',
    'connection ',
    'upstream ',
    'client: ',
    '192.0.2.1 ',
    '2024-03-05 ',
    'Mar  5 ',
  ];
  const long: { name: string; text: string }[] = fragments.map((fragment) => ({
    name: `${JSON.stringify(fragment)} × 50,000`,
    text: fragment.repeat(Math.ceil(50_000 / fragment.length)),
  }));
  // A long gap between two words: a lazy group before an optional run and an anchor ((.+?)\s*$) tries
  // every split of it.
  for (const gap of [' ', '\t ', ':', '.', '0']) {
    long.push({ name: `a gap of ${JSON.stringify(gap)} × 50,000`, text: `1 a${gap.repeat(50_000)}b` });
    long.push({
      name: `a word, then a gap of ${JSON.stringify(gap)} × 50,000`,
      text: `a${gap.repeat(50_000)}b`,
    });
  }
  seeds.forEach((seed, index) => {
    const lines = seed.split('\n').filter((line) => line.trim() !== '');
    const line = lines[Math.floor(lines.length / 2)] ?? seed;
    long.push({ name: `seed ${index}: a line × 10,000`, text: `${line}\n`.repeat(10_000) });
    long.push({
      name: `seed ${index}: one 50,000 character line`,
      text: line.repeat(Math.ceil(50_000 / Math.max(1, line.length))),
    });
    long.push({
      name: `seed ${index}: its lines × ${Math.ceil(10_000 / Math.max(1, lines.length))}`,
      text: seed.repeat(Math.ceil(10_000 / Math.max(1, lines.length))),
    });
  });
  return long;
}

// ---------------------------------------------------------------------------------------------------------
// Bytes

/** Random bytes, and headers that look valid with random fields and random lengths after them. */
export function packetBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer> {
  return fc
    .oneof(
      fc.uint8Array({ maxLength: 120 }),
      valid,
      fc
        .tuple(valid, fc.nat(), fc.uint8Array({ maxLength: 60 }))
        .map(([bytes, cut, extra]) => concat(bytes.subarray(0, cut % (bytes.length + 1)), extra)),
      fc
        .tuple(valid, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }))
        .map(([bytes, flips]) => {
          const out = Uint8Array.from(bytes);
          for (const [at, value] of flips) if (out.length > 0) out[at % out.length] = value;
          return out;
        }),
    )
    .map((bytes) => Buffer.from(bytes));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** JSON-ish values with the shapes decoders meet: right-looking objects with wrong field types. */
export function jsonish(depth = 3): fc.Arbitrary<unknown> {
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      fc.constantFrom(null, undefined, true, false, 0, -1, NaN, Infinity, -Infinity, 1e308, '', 'x'),
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 10 }),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5 }),
    ),
  })).value;
}

// ---------------------------------------------------------------------------------------------------------
// Mutations of real JSON

/** One structural edit of a JSON document, as plain data: which node (by visiting order) and what to do. */
export interface JsonEdit {
  node: number;
  op: 'replace' | 'delete' | 'duplicate' | 'stringify' | 'wrap';
  value: unknown;
}

/** Keys and values JSON from another program may carry that trip up code reading it as a plain record. */
const JSON_TRAPS: unknown[] = [
  { toString: 1 },
  { valueOf: null, toString: null },
  JSON.parse('{"__proto__":{"polluted":1},"constructor":"x"}') as unknown,
  [],
  [[]],
  {},
  '',
  '\u0000',
  -1,
  1e308,
  4294967296,
  1.5,
  null,
  true,
  'x'.repeat(1000),
];

export const jsonEdit: fc.Arbitrary<JsonEdit> = fc.record({
  node: fc.nat({ max: 100_000 }),
  op: fc.constantFrom('replace', 'delete', 'duplicate', 'stringify', 'wrap'),
  value: fc.oneof(fc.constantFrom(...JSON_TRAPS), jsonish(2)),
});

/** Every container and value of a document, parents first, with how to reach it. */
function nodesOf(root: unknown): { parent: unknown; key: string | number }[] {
  const out: { parent: unknown; key: string | number }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push({ parent: value, key: i });
        visit(item);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        out.push({ parent: value, key });
        visit(item);
      }
    }
  };
  visit(root);
  return out;
}

export function applyJsonEdit(root: unknown, edit: JsonEdit): unknown {
  const nodes = nodesOf(root);
  const target = nodes[edit.node % Math.max(1, nodes.length)];
  // A copy: the traps are shared between runs, and an edit inside one must not change it (or close a circle).
  const value: unknown = structuredClone(edit.value);
  if (target === undefined) return edit.op === 'replace' ? value : root;
  const parent = target.parent as Record<string | number, unknown>;
  const current = parent[target.key];
  switch (edit.op) {
    case 'replace':
      parent[target.key] = value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(target.key), 1);
      else delete parent[target.key];
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(Number(target.key), 0, structuredClone(current));
      else parent[target.key] = [current, current];
      break;
    case 'stringify':
      parent[target.key] =
        typeof current === 'string' ? Number(current) || current.length : JSON.stringify(current);
      break;
    case 'wrap':
      parent[target.key] = Array.isArray(current) ? current[0] : [current];
      break;
  }
  return root;
}

/**
 * Real JSON documents with a few structural edits: a node replaced by a wrong type or a trap, removed,
 * doubled, turned into a string (or a string into a number), wrapped into an array or unwrapped. The result is
 * serialised: what a parser of another program's JSON output receives.
 */
export function mutatedJson(seeds: readonly string[]): fc.Arbitrary<string> {
  const parsed = seeds.map((seed) => JSON.parse(seed.replace(/^\uFEFF/, '')) as unknown);
  return fc
    .tuple(fc.nat({ max: parsed.length - 1 }), fc.array(jsonEdit, { minLength: 1, maxLength: 6 }))
    .map(([index, edits]) => {
      const doc = edits.reduce(applyJsonEdit, structuredClone(parsed[index]));
      return JSON.stringify(doc) ?? 'null';
    });
}
