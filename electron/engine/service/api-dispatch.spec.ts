import { describe, expect, it } from 'vitest';
import { fakeIo } from '../../../test/unit/fake-io.js';
import { dispatch } from './api-dispatch.js';
import { RunService } from './run-service.js';
import { startRequest } from '../../../test/unit/start-request.js';

const request = startRequest();

// eslint-disable-next-line no-control-regex -- the point is that none gets through
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

describe('dispatch', () => {
  it('answers in one line that echoes no control character of what was sent', async () => {
    const { io } = fakeIo({});
    const service = new RunService(() => undefined, {
      io,
      capture: null,
      privileges: { raw: false, note: '' },
    });
    const hooks = { mode: 'browser' as const };
    const target = 'web\u001b[2J.lab.test';
    const started = await dispatch(service, 'run:start', [{ ...request, target }], hooks);
    expect(started).toEqual({
      ok: false,
      error: '"web\\u001b[2J.lab.test" contains control characters: give a host, host:port or URL',
    });
    const log = '/nonexistent/\u009b31mred.log';
    const refused = await dispatch(service, 'run:start', [{ ...request, logFile: log }], hooks);
    expect(refused).toEqual({ ok: false, error: 'log file /nonexistent/\\x9b31mred.log: no such file' });
    const checked = await dispatch(service, 'target:check', ['a.test\nb'], hooks);
    expect(checked).toMatchObject({ ok: true, result: { ok: false } });
    const message = (checked as { result: { message: string } }).result.message;
    expect(message).toContain('\\n');
    expect(message).not.toMatch(CONTROL);
    const unknown = await dispatch(service, 'run:\u001b[31mstart', [], hooks);
    expect(unknown).toEqual({ ok: false, error: 'refused: unknown call run:\\x1b[31mstart' });
    service.dispose();
  });
});
