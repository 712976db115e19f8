import { describe, expect, it } from 'vitest';
import { validateCall } from './api-contract.js';

const RUN = '0b6a3c1e-1111-4222-8333-944455556666';
const start = {
  target: 'web.lab.test',
  errorText: null,
  logFile: null,
  idleMaxSeconds: null,
  concurrency: 8,
  timeoutSeconds: 2,
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
    ['run:start', [{ ...start, concurrency: 10_000 }], /concurrency/],
    ['run:start', [{ ...start, timeoutSeconds: Number.NaN }], /timeoutSeconds/],
    ['run:start', [{ ...start, __proto__: null, shell: 'rm' }], /unexpected field shell/],
    ['run:start', ['web.lab.test'], /request object/],
    ['target:check', ['x'.repeat(5000)], /one target text/],
  ])('refuses %s %j', (channel, args, message) => {
    expect(validateCall(channel, args)).toMatch(message);
  });
});
