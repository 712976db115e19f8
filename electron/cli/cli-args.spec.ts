import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defaultRunOptions,
  NUMERIC_OPTIONS,
  RUN_OPTIONS,
  runOption,
  type NumericOption,
} from '../shared/run-options-info.js';
import { STEP_IDS } from '../shared/step-info.js';
import { checkFiles, HELP, helpEntry, parseCli, UsageError } from './cli-args.js';

function diagnoseOptions(...args: string[]) {
  const command = parseCli(['diagnose', 'web.lab.test', ...args]);
  if (command.kind !== 'diagnose') throw new Error(`expected diagnose, got ${command.kind}`);
  return command.options;
}

/** The UsageError a flag's value gets, with the flag=value form so negative numbers stay values. */
function refusal(flag: string, value: string): string {
  try {
    diagnoseOptions(`${flag}=${value}`);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${flag} ${value} was accepted`);
}

/** A value just outside each bound: a whole step for integers, half the distance to 0 (or 1) otherwise. */
function outside(option: NumericOption): [string, string] {
  const below = option.kind === 'integer' ? option.min - 1 : option.min > 0 ? option.min / 2 : -1;
  const above = option.kind === 'integer' ? option.max + 1 : option.max + 0.5;
  return [String(below), String(above)];
}

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
const logFile = join(dir, 'error.log');
writeFileSync(logFile, 'upstream prematurely closed connection\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the run options of the table, on the command line', () => {
  it('take their defaults when no flag is given', () => {
    expect(diagnoseOptions()).toEqual({ target: 'web.lab.test', ...defaultRunOptions() });
  });

  it.each(NUMERIC_OPTIONS.map((o) => [o.flag, o] as const))(
    '%s parses its default and its bounds, and refuses values outside them in one line',
    (flag, option) => {
      const given = option.default ?? option.min;
      expect(diagnoseOptions(flag, String(given))[option.key]).toBe(given);
      expect(diagnoseOptions(`${flag}=${option.min}`)[option.key]).toBe(option.min);
      expect(diagnoseOptions(flag, String(option.max))[option.key]).toBe(option.max);
      for (const value of outside(option)) {
        const message = refusal(flag, value);
        expect(message).toBe(`${flag} ${value}: must be between ${option.min} and ${option.max}`);
      }
      for (const text of ['lots', '', ' 2', '0x10', '1e1', '0b11', 'Infinity', '+2', '2.5.1']) {
        expect(refusal(flag, text)).toBe(`${flag} ${text}: not a decimal number`);
      }
      if (option.kind === 'integer') {
        const fraction = String(option.max - 0.5);
        expect(refusal(flag, fraction)).toBe(`${flag} ${fraction}: must be a whole number`);
      }
    },
  );

  it('--error takes any text, and a target named in it', () => {
    expect(diagnoseOptions('--error', 'read ECONNRESET').errorText).toBe('read ECONNRESET');
    const command = parseCli(['diagnose', '--error', 'curl: (56) Recv failure: http://web.lab.test/']);
    expect(command).toMatchObject({ kind: 'diagnose', options: { target: 'http://web.lab.test/' } });
  });

  it("--verbose asks a terminal for every line, and is diagnose's alone", () => {
    expect(parseCli(['diagnose', 'web.lab.test', '--verbose'])).toMatchObject({ verbose: true });
    expect(parseCli(['diagnose', 'web.lab.test'])).toMatchObject({ verbose: false });
    expect(() => parseCli(['watch', 'web.lab.test', '--verbose'])).toThrow(
      '--verbose is an option of diagnose',
    );
  });

  it('--log takes a regular file, and refuses a missing one or a directory in one line', async () => {
    expect(diagnoseOptions('--log', logFile).logFile).toBe(logFile);
    expect(refusal('--log', '')).toBe('--log : not a file path');
    const check = async (file: string) => {
      const command = parseCli(['diagnose', 'web.lab.test', '--log', file]);
      if (command.kind !== 'diagnose') throw new Error(`expected diagnose, got ${command.kind}`);
      return checkFiles(command).then(
        () => null,
        (error: unknown) => (error instanceof UsageError ? error.message : error),
      );
    };
    expect(await check(logFile)).toBeNull();
    expect(await check(join(dir, 'missing.log'))).toBe(`--log ${join(dir, 'missing.log')}: no such file`);
    expect(await check(dir)).toBe(`--log ${dir}: a directory, not a regular file`);
  });

  it('--steps parses its default (every step), lists each step once, and refuses an unknown one', () => {
    expect(diagnoseOptions('--steps', STEP_IDS.join(',')).steps).toEqual([...STEP_IDS]);
    expect(diagnoseOptions('--steps', 'handshake, identify,handshake').steps).toEqual([
      'handshake',
      'identify',
    ]);
    expect(refusal('--steps', 'identify,dns')).toBe(
      `--steps identify,dns: unknown step dns; use some of ${STEP_IDS.join(',')}`,
    );
  });

  it('--rate-max bounds the new-connection rate test: 40/s unless told, 0 turns it off', () => {
    expect(diagnoseOptions().rateMax).toBe(40);
    expect(diagnoseOptions('--rate-max', '15').rateMax).toBe(15);
    expect(diagnoseOptions('--rate-max', '0').rateMax).toBe(0);
  });

  it('--wait and --repeat set the new options', () => {
    expect(diagnoseOptions('--wait', '90', '--repeat', '0')).toMatchObject({ waitSeconds: 90, repeat: 0 });
    expect(diagnoseOptions()).toMatchObject({ waitSeconds: 30, repeat: 10 });
  });
});

describe('watch', () => {
  it('takes one target, a duration in s, m or h, and a number of resets', () => {
    expect(parseCli(['watch', 'web.lab.test'])).toEqual({
      kind: 'watch',
      json: false,
      pcapFile: null,
      reportFile: null,
      request: { target: 'web.lab.test', forSeconds: null, until: null, everySeconds: null },
    });
    expect(
      parseCli([
        'watch',
        'web.lab.test:8080',
        '--for',
        '5m',
        '--until',
        '3',
        '--json',
        '--pcap',
        'r.pcapng',
        '--report',
        'w.html',
      ]),
    ).toEqual({
      kind: 'watch',
      json: true,
      pcapFile: 'r.pcapng',
      reportFile: 'w.html',
      request: { target: 'web.lab.test:8080', forSeconds: 300, until: 3, everySeconds: null },
    });
    expect(parseCli(['watch', 'a', '--for', '90'])).toMatchObject({ request: { forSeconds: 90 } });
    expect(parseCli(['watch', 'a', '--for', '1.5h'])).toMatchObject({ request: { forSeconds: 5400 } });
    expect(parseCli(['watch', 'a', '--every', '2.5'])).toMatchObject({ request: { everySeconds: 2.5 } });
    expect(() => parseCli(['watch', 'a', '--report', 'w.txt'])).toThrow(/must end in \.json, \.html or \.md/);
  });

  it('refuses a missing target, a bad duration, and its flags on other commands, in one line', () => {
    const message = (argv: string[]) => {
      try {
        parseCli(argv);
      } catch (error) {
        if (error instanceof UsageError) return error.message;
        throw error;
      }
      throw new Error(`${argv.join(' ')} was accepted`);
    };
    expect(message(['watch'])).toMatch(/watch needs a target/);
    expect(message(['watch', 'a', 'b'])).toMatch(/one target at a time/);
    for (const bad of ['0', '-5', '5d', 'soon', '200h', ''])
      expect(message(['watch', 'a', `--for=${bad}`])).toMatch(/--for .*: give a duration from 1s to 168h/);
    expect(message(['watch', 'a', '--until', '0'])).toMatch(/--until 0: must be between 1/);
    expect(message(['watch', 'a', '--every', '0.5'])).toMatch(/--every 0.5: must be between 1 and 3600/);
    expect(message(['diagnose', 'a', '--for', '5'])).toBe('--for is an option of watch');
    expect(message(['watch', 'a', '--pcap', 'out.pcap'])).toMatch(
      /--pcap out.pcap: the file name must end in .pcapng/,
    );
  });
});

describe('HELP', () => {
  it('keeps every line within 80 columns', () => {
    const wide = HELP.split('\n').filter((line) => line.length > 80);
    expect(wide).toEqual([]);
  });

  it.each(RUN_OPTIONS.map((o) => [o.flag, o] as const))(
    'explains %s with its metavar and its help',
    (flag, option) => {
      const entry = HELP.slice(HELP.indexOf(`  ${flag} ${option.metavar} `));
      // The help, wherever it wraps (a list may wrap at a comma, so spaces are left out of the match).
      expect(entry.replace(/\s+/g, '')).toContain(option.help.replace(/\s+/g, ''));
    },
  );

  it("explains each of diagnose's display flags once", () => {
    const oneLine = HELP.replace(/\n {23}/g, ' ');
    for (const flag of ['--json', '--redact', '--verbose'])
      expect(oneLine.match(new RegExp(`^  ${flag} `, 'gm'))).toHaveLength(1);
    expect(oneLine).toMatch(/^ {2}--verbose +on a terminal too, every probe's line and the whole verdict/m);
  });

  it('says each numeric default and bound', () => {
    const oneLine = HELP.replace(/\n {23}/g, ' ');
    expect(oneLine).toMatch(
      /--rate-max N +the most new connections per second .*\(default 40, 0 disables, max 100\)/,
    );
    expect(oneLine).toContain(`${runOption('timeoutSeconds').help} (default 2, 0.1 to 60)`);
    expect(oneLine).toContain('(off unless given, 1 to 3600)');
    expect(oneLine).toContain('(default 30, 1 to 600)');
    expect(oneLine).toContain('(default 10, 0 disables, max 50)');
  });

  it('wraps at words, and a comma-separated list at its commas', () => {
    expect(helpEntry('--x', 'one two')).toBe(`  --x${' '.repeat(18)}one two`);
    const list = helpEntry('--steps IDS', `only: ${'abcdefgh,'.repeat(8)}end`).split('\n');
    expect(list.every((line) => line.length <= 80)).toBe(true);
    expect(list[1]).toMatch(/^ {23}abcdefgh,/);
  });
});
