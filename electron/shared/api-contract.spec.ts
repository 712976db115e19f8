import { describe, expect, it } from 'vitest';
import { validateCall } from './api-contract.js';
import { NUMERIC_OPTIONS, REQUEST_OPTIONS } from './run-options-info.js';

const RUN = '0b6a3c1e-1111-4222-8333-944455556666';
const start = {
  target: 'web.lab.test',
  errorText: null,
  logFile: null,
  idleMaxSeconds: null,
  concurrency: 8,
  rateMax: 40,
  timeoutSeconds: 2,
  waitSeconds: 30,
  repeat: 10,
};

describe('validateCall', () => {
  it.each([
    ['app:info', []],
    ['target:check', ['web.lab.test']],
    ['run:start', [start]],
    ['run:start', [{ ...start, idleMaxSeconds: 30, logFile: '/var/log/nginx/error.log' }]],
    ['step:rerun', [RUN, 'handshake']],
    ['report:export', [RUN, 'md']],
    ['report:export', [RUN, 'html', true]],
    ['report:summary', [RUN]],
    ['report:summary', [RUN, true]],
  ])('accepts %s %j', (channel, args) => {
    expect(validateCall(channel, args)).toBeNull();
  });

  it.each([
    ['ipc:raw', [], /unknown call/],
    ['app:info', ['x'], /takes no arguments/],
    ['run:cancel', ['../../etc'], /run id/],
    ['step:rerun', [RUN, 'everything'], /step id/],
    ['report:export', [RUN, 'pdf'], /html, json or md/],
    ['report:export', [RUN, 'md', 'yes'], /whether to redact/],
    ['report:summary', [RUN, 'md'], /whether to redact/],
    ['report:summary', ['../x'], /run id/],
    ['run:start', [{ ...start, concurrency: 10_000 }], /concurrency/],
    ['run:start', [{ ...start, timeoutSeconds: Number.NaN }], /timeoutSeconds/],
    ['run:start', [{ ...start, __proto__: null, shell: 'rm' }], /unexpected field shell/],
    ['run:start', ['web.lab.test'], /request object/],
    ['target:check', ['x'.repeat(5000)], /one target text/],
  ])('refuses %s %j', (channel, args, message) => {
    expect(validateCall(channel, args)).toMatch(message);
  });
});

describe('run:start and the run options of the table', () => {
  const startWith = (changes: Record<string, unknown>) =>
    validateCall('run:start', [{ ...start, ...changes }]);
  const defaults = Object.fromEntries(REQUEST_OPTIONS.map((o) => [o.key, o.default]));

  it('accepts every option at its default, and the fixture above is those defaults', () => {
    expect(startWith(defaults)).toBeNull();
    expect(start).toEqual({ target: start.target, ...defaults });
  });

  it.each(NUMERIC_OPTIONS.map((o) => [o.key, o] as const))(
    '%s: accepts its bounds, refuses what lies outside them in one line, and null only when off by default',
    (key, option) => {
      expect(startWith({ [key]: option.min })).toBeNull();
      expect(startWith({ [key]: option.max })).toBeNull();
      const nullable = option.default === null ? ' or null' : '';
      const whole = option.kind === 'integer' ? 'a whole number ' : '';
      const message = `${key} must be ${whole}${option.min}..${option.max}${nullable}`;
      const step = option.kind === 'integer' ? 1 : 0.05;
      for (const value of [option.min - step, option.max + step, Number.NaN, Infinity, String(option.max)]) {
        expect(startWith({ [key]: value })).toBe(message);
      }
      if (option.kind === 'integer') expect(startWith({ [key]: option.max - 0.5 })).toBe(message);
      expect(startWith({ [key]: null })).toBe(option.default === null ? null : message);
    },
  );

  it.each(REQUEST_OPTIONS.map((o) => [o.key] as const))('%s: refuses a request without it', (key) => {
    const request: Record<string, unknown> = { ...start };
    delete request[key];
    expect(validateCall('run:start', [request])).toMatch(new RegExp(`^${key} must be`));
  });

  it('takes texts up to their length, and null', () => {
    for (const option of REQUEST_OPTIONS) {
      if (option.kind !== 'text' && option.kind !== 'path') continue;
      const what = option.kind === 'path' ? 'a path (not empty, no NUL)' : 'text';
      expect(startWith({ [option.key]: 'x'.repeat(option.maxLength) })).toBeNull();
      expect(startWith({ [option.key]: null })).toBeNull();
      expect(startWith({ [option.key]: 'x'.repeat(option.maxLength + 1) })).toBe(
        `${option.key} must be ${what} or null`,
      );
      expect(startWith({ [option.key]: 42 })).toBe(`${option.key} must be ${what} or null`);
    }
  });

  it('refuses a path that cannot name a file: empty, or with a NUL in it', () => {
    for (const option of REQUEST_OPTIONS) {
      if (option.kind !== 'path') continue;
      const message = `${option.key} must be a path (not empty, no NUL) or null`;
      expect(startWith({ [option.key]: '' })).toBe(message);
      expect(startWith({ [option.key]: '/var/log/nginx/error.log\u0000.txt' })).toBe(message);
      expect(startWith({ [option.key]: '/var/log/nginx/error.log' })).toBeNull();
    }
  });

  it('refuses the step list: the wizard runs every step', () => {
    expect(startWith({ steps: ['identify'] })).toBe('unexpected field steps');
  });
});
