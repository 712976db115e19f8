import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RunService } from '../engine/service/run-service.js';
import { API_CHANNELS } from '../shared/api-contract.js';
import { STEP_IDS } from '../shared/step-info.js';
import type { WsServerMessage } from '../shared/ws-protocol.js';
import { fakeIo } from '../../test/unit/fake-io.js';
import { localCalls } from '../engine/service/api-dispatch.js';
import { answerMessage, type MessageAnswer } from '../engine/service/call-messages.js';
import { startServe, type ServeHandle } from './serve-server.js';

// Property-based: whatever text a browser sends, the handler answers (a result) or closes the socket,
// never throws and never hangs.

const LIMIT_MS = 2000;
const RUN_ID = '00000000-0000-4000-8000-000000000000';

function service(): RunService {
  const { io } = fakeIo({});
  return new RunService(() => undefined, { io, capture: null, privileges: { raw: false, note: 'test' } });
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${LIMIT_MS} ms to ${what}`)), LIMIT_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What a call's arguments may be: anything JSON, and the shapes the real calls take. */
const argument = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(RUN_ID, 'html', 'json', 'md', true, ...STEP_IDS),
  fc.string({ unit: 'binary', maxLength: 300 }),
  // A start request: arbitrary targets and numbers, every other field as the wizard sends it.
  fc.record({
    target: fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl()),
    errorText: fc.constant(null),
    logFile: fc.constant(null),
    idleMaxSeconds: fc.oneof(fc.constant(null), fc.integer()),
    concurrency: fc.integer(),
    rateMax: fc.integer(),
    timeoutSeconds: fc.integer(),
    waitSeconds: fc.integer(),
    repeat: fc.integer(),
  }),
);

const call = fc.record({
  type: fc.constant('call'),
  id: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  channel: fc.oneof(fc.constantFrom(...API_CHANNELS), fc.string(), fc.jsonValue()),
  args: fc.oneof(fc.array(argument, { maxLength: 4 }), fc.jsonValue()),
});

/** Every message: arbitrary text, arbitrary JSON, and calls (well-formed and not). */
const message = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  call.map((c) => JSON.stringify(c)),
);

function checkAnswer(text: string, answer: MessageAnswer) {
  if ('close' in answer) {
    expect(answer.close).toBe(1003);
    return;
  }
  const reply = JSON.parse(answer.send) as WsServerMessage;
  expect(reply).toMatchObject({ type: 'result', id: (JSON.parse(text) as { id: number }).id });
  if (reply.type === 'result' && !reply.ok) {
    expect(reply.error).not.toContain('\n');
    expect(reply.error.length).toBeLessThanOrEqual(300);
  }
}

describe('answerMessage (property)', () => {
  const runs = service();
  const owner = new AbortController();
  afterAll(() => runs.dispose());

  it('answers every message, or closes on it, without throwing or hanging', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        checkAnswer(
          text,
          await within(
            answerMessage(localCalls(runs), text, { mode: 'browser', owner: owner.signal }),
            text.slice(0, 80),
          ),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('answers every call with a result carrying its id, and a refusal in one short line', async () => {
    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        const text = JSON.stringify(c);
        const answer = await within(
          answerMessage(localCalls(runs), text, { mode: 'browser', owner: owner.signal }),
          text.slice(0, 80),
        );
        expect('send' in answer).toBe(true);
        checkAnswer(text, answer);
      }),
      { numRuns: 300 },
    );
  });
});

describe('browser mode WebSocket (property)', () => {
  let handle: ServeHandle;
  let dir: string;
  let url: string;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rd-prop-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    handle = await startServe({ port: 0, host: '127.0.0.1', rendererDir: dir, service: () => service() });
    const token = new URL(handle.url).searchParams.get('token')!;
    origin = `http://127.0.0.1:${handle.port}`;
    url = `ws://127.0.0.1:${handle.port}/api?token=${token}`;
  });

  afterAll(async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function open(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { origin });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  /** The result for a call's id, or the close code. */
  function exchange(ws: WebSocket, text: string): Promise<WsServerMessage | number> {
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const m = JSON.parse(data.toString()) as WsServerMessage;
        if (m.type !== 'result') return;
        ws.off('close', onClose);
        ws.off('message', onMessage);
        resolve(m);
      };
      const onClose = (code: number) => {
        ws.off('message', onMessage);
        resolve(code);
      };
      ws.on('message', onMessage);
      ws.once('close', onClose);
      ws.send(text);
    });
  }

  it('gets a result or a close for every message, and the next connection still works', async () => {
    let ws = await open();
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        if (ws.readyState !== WebSocket.OPEN) ws = await open();
        const answer = await within(exchange(ws, text), text.slice(0, 80));
        if (typeof answer === 'number') expect(answer).toBe(1003);
        else expect(answer).toMatchObject({ type: 'result' });
      }),
      { numRuns: 60 },
    );
    if (ws.readyState !== WebSocket.OPEN) ws = await open();
    expect(
      await exchange(ws, JSON.stringify({ type: 'call', id: 1, channel: 'app:info', args: [] })),
    ).toMatchObject({
      ok: true,
    });
    ws.close();
  });
});
