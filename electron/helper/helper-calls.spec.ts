/**
 * A face's calls sent to the engine helper: what belongs to the face stays with it (its mode, the
 * dialogs, its owner's runs), and nothing malformed crosses into the helper.
 */
import { describe, expect, it } from 'vitest';
import type { DispatchResult } from '../engine/service/api-dispatch.js';
import { startRequest } from '../../test/unit/start-request.js';
import { helperCalls } from './helper-calls.js';
import type { EngineHelper } from './helper-client.js';

const RUN = '0b6a3c1e-1111-4222-8333-944455556666';

function fakeHelper(answers: Record<string, unknown>) {
  const sent: [string, unknown[]][] = [];
  const helper = {
    call(channel: string, args: unknown[]): Promise<DispatchResult> {
      sent.push([channel, args]);
      return Promise.resolve({ ok: true, result: answers[channel] ?? null });
    },
  } as unknown as EngineHelper;
  return { calls: helperCalls(helper), sent };
}

describe('helperCalls', () => {
  it('refuses a malformed call without sending it', async () => {
    const { calls, sent } = fakeHelper({});
    expect(await calls('shell:exec', ['rm'], { mode: 'browser' })).toEqual({
      ok: false,
      error: 'refused: unknown call shell:exec',
    });
    expect(await calls('run:cancel', ['../../etc'], { mode: 'browser' })).toMatchObject({ ok: false });
    expect(sent).toEqual([]);
  });

  it("answers app:info in the face's own mode", async () => {
    const { calls } = fakeHelper({
      'app:info': { mode: 'browser', canChooseFiles: false, privileged: true },
    });
    expect(await calls('app:info', [], { mode: 'electron' })).toEqual({
      ok: true,
      result: { mode: 'electron', canChooseFiles: true, privileged: true },
    });
  });

  it('keeps the dialogs with the face: a chosen log, a saved export', async () => {
    const file = { fileName: 'r.md', mime: 'text/markdown', content: '# report' };
    const { calls, sent } = fakeHelper({ 'report:export': file });
    const saved: unknown[] = [];
    const hooks = {
      mode: 'electron' as const,
      chooseLog: () => Promise.resolve('/var/log/nginx/error.log'),
      saveExport: (f: unknown) => {
        saved.push(f);
        return Promise.resolve('/home/me/r.md');
      },
    };
    expect(await calls('log:choose', [], hooks)).toEqual({
      ok: true,
      result: { path: '/var/log/nginx/error.log' },
    });
    expect(await calls('report:export', [RUN, 'md'], hooks)).toEqual({
      ok: true,
      result: { kind: 'saved', path: '/home/me/r.md' },
    });
    expect(saved).toEqual([file]);
    expect(sent.map(([channel]) => channel)).toEqual(['report:export']);
  });

  it('cancels the runs a browser started when its socket closes', async () => {
    const { calls, sent } = fakeHelper({ 'run:start': { runId: RUN } });
    const owner = new AbortController();
    expect(await calls('run:start', [startRequest()], { mode: 'browser', owner: owner.signal })).toEqual({
      ok: true,
      result: { runId: RUN },
    });
    owner.abort();
    expect(sent.at(-1)).toEqual(['run:cancel', [RUN]]);
  });
});
