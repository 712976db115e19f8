import { describe, expect, it } from 'vitest';
import { HELP, parseCli, UsageError } from './cli-args.js';

function diagnoseOptions(...args: string[]) {
  const command = parseCli(['diagnose', 'web.lab.test', ...args]);
  if (command.kind !== 'diagnose') throw new Error(`expected diagnose, got ${command.kind}`);
  return command.options;
}

describe('--rate-max', () => {
  it('bounds the new-connection rate test: 40/s unless told, 0 turns it off', () => {
    expect(diagnoseOptions().rateMax).toBe(40);
    expect(diagnoseOptions('--rate-max', '15').rateMax).toBe(15);
    expect(diagnoseOptions('--rate-max', '0').rateMax).toBe(0);
  });

  it.each([
    [['--rate-max', '101'], '--rate-max 101: must be between 0 and 100'],
    [['--rate-max', '2.5'], '--rate-max 2.5: must be a whole number'],
    [['--rate-max', 'fast'], '--rate-max fast: not a number'],
  ])('refuses %j in one line', (args, message) => {
    expect(() => diagnoseOptions(...args)).toThrow(new UsageError(message));
  });

  it('is in the help', () => {
    expect(HELP).toMatch(/--rate-max N +new connections per second .*default 40, 0 disables, max 100/);
  });
});
