import { describe, expect, it } from 'vitest';
import type { SettleStep } from './cause-info.js';
import {
  cliHint,
  cliSettleText,
  cliSkipHint,
  wizardHint,
  wizardSettleText,
  wizardSkipHint,
  thenHint,
  wizardWords,
} from './next-step-words.js';
import { runOption } from './run-options-info.js';

describe('next-step words', () => {
  it('the CLI says the flag from the options table, with the value or the metavar', () => {
    const idle = runOption('idleMaxSeconds');
    expect(cliHint({ option: 'idleMaxSeconds', value: 120 })).toBe(`Run again with \`${idle.flag} 120\`.`);
    const log = runOption('logFile');
    expect(cliHint({ option: 'logFile' })).toBe(`Run again with \`${log.flag} ${log.metavar}\`.`);
  });

  it('the wizard says the field from the options table, never a flag', () => {
    const idle = runOption('idleMaxSeconds');
    expect(wizardHint({ option: 'idleMaxSeconds', value: 120 })).toBe(
      `Turn on "${idle.toggle.label}" on the start page ("${idle.label}": 120) and run again.`,
    );
    expect(wizardHint({ option: 'logFile' })).toBe(
      `Fill in "${runOption('logFile').label}" on the start page and run again.`,
    );
    expect(wizardHint({ option: 'repeat', value: 10 })).toBe(
      `Set "${runOption('repeat').label}" to 10 on the start page and run again.`,
    );
    for (const key of ['idleMaxSeconds', 'logFile', 'repeat', 'concurrency', 'waitSeconds'] as const)
      expect(wizardHint({ option: key, value: 1 })).not.toMatch(/--/);
  });

  it('puts the hint before why, and leaves a step without one (or from an older report) as it was', () => {
    const step: SettleStep = { kind: 'log', enables: { option: 'logFile' }, text: 'The log names it.' };
    expect(cliSettleText(step)).toBe('Run again with `--log FILE`. The log names it.');
    expect(wizardSettleText(step)).toBe(
      'Fill in "Server log file" on the start page and run again. The log names it.',
    );
    const old: SettleStep = {
      kind: 'option',
      option: 'repeat',
      value: 10,
      text: 'Repeated requests: 10 (--repeat 10). Why.',
    };
    expect(cliSettleText(old)).toBe(old.text);
    expect(wizardSettleText(old)).toBe(old.text);
  });

  it('a key this version does not know still reads', () => {
    const step = { kind: 'option', enables: { option: 'gone' }, text: 'Why.' } as unknown as SettleStep;
    expect(cliSettleText(step)).toBe('Run again. Why.');
    expect(wizardSettleText(step)).toBe('Run again. Why.');
  });
});

describe('wizardWords', () => {
  it("names the start page's fields, as the run options' table labels them, instead of CLI flags", () => {
    expect(wizardWords('off: pass --idle-max SECONDS to hold connections idle')).toBe(
      'off: turn on "Idle test" on the start page to hold connections idle',
    );
    expect(wizardWords('No log file was given: pass --log <file> with the server log')).toBe(
      'No log file was given: fill in "Server log file" on the start page with the server log',
    );
    expect(wizardWords('no error text given: pass --error "TEXT" with what it printed')).toBe(
      'no error text given: paste it into "Error message" on the start page with what it printed',
    );
    expect(wizardWords('disabled (--rate-max 0)')).toBe('disabled ("New connections per second" set to 0)');
    expect(wizardWords('disabled (--concurrency 0)')).toBe('disabled ("Concurrent connections" set to 0)');
    expect(wizardWords('not selected (--steps)')).toBe('not selected');
  });
});

describe("a skipped probe's way back in", () => {
  it("is the option's flag in the CLI and its field on the start page in the wizard, nothing without one", () => {
    expect(cliSkipHint({ enables: { option: 'logFile' } })).toBe('Run again with `--log FILE`.');
    expect(wizardSkipHint({ enables: { option: 'logFile' } })).toBe(
      'Fill in "Server log file" on the start page and run again.',
    );
    expect(wizardSkipHint({ enables: { option: 'rateMax', value: 40 } })).toBe(
      'Set "New connections per second" to 40 on the start page and run again.',
    );
    expect(cliSkipHint({})).toBe('');
    expect(thenHint('no error text given: it tells which client', 'Run again.')).toBe(
      'no error text given: it tells which client. Run again.',
    );
    expect(thenHint('No log given.', 'Run again.')).toBe('No log given. Run again.');
    expect(thenHint('No log given.', '')).toBe('No log given.');
    expect(wizardSkipHint({ enables: null })).toBe('');
  });
});
