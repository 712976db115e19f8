import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import type { RunService } from '../engine/service/run-service.js';
import { localCalls, type CallHandler } from '../engine/service/api-dispatch.js';
import { API_CHANNELS } from '../shared/api-contract.js';
import { REFUSED, fromOurPage, installIpcHandlers, type IpcDeps } from './ipc-handlers.js';

const PAGE = 'file:///opt/reset-doctor/resources/app.asar/dist/renderer/index.html';
const RUN_ID = '0b4c7a8e-5f2d-4c1a-9e3b-7d6f5a4b3c2d';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** ipcMain as Electron behaves: a second handler for a channel is an error. */
class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  invoke(channel: string, event: unknown, ...args: unknown[]): unknown {
    return this.handlers.get(channel)!(event as IpcMainInvokeEvent, ...args);
  }
}

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

let nextId = 1;
function fakeWindow(url = PAGE) {
  const mainFrame: FakeFrame = { url, parent: null, processId: 7, routingId: nextId++ };
  const webContents = { mainFrame };
  return { window: { webContents } as unknown as BrowserWindow, webContents, mainFrame };
}

function fakeService(name: string): CallHandler {
  return localCalls({ report: () => ({ from: name }) } as unknown as RunService);
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const opened: unknown[] = [];
  const dialog = {
    showOpenDialog: (window: unknown) => {
      opened.push(window);
      return Promise.resolve({ canceled: false, filePaths: ['/var/log/nginx/error.log'] });
    },
    showSaveDialog: () => Promise.resolve({ canceled: true }),
  } as unknown as IpcDeps['dialog'];
  const ipc = installIpcHandlers({ ipcMain, dialog }, PAGE);
  return { ipcMain, ipc, opened };
}

describe('installIpcHandlers', () => {
  it('registers every channel once, and a second window (macOS activate) registers nothing again', async () => {
    const { ipcMain, ipc, opened } = setup();
    expect([...ipcMain.handlers.keys()]).toEqual(API_CHANNELS);
    const first = fakeWindow();
    const second = fakeWindow();
    ipc.addWindow(first.window, fakeService('first'));
    expect(() => ipc.addWindow(second.window, fakeService('second'))).not.toThrow();
    // Each window's calls reach its own run service and its own dialogs.
    const ask = (w: ReturnType<typeof fakeWindow>, channel: string, ...args: unknown[]) =>
      ipcMain.invoke(channel, { sender: w.webContents, senderFrame: w.mainFrame }, ...args);
    await expect(ask(second, 'report:get', RUN_ID)).resolves.toEqual({
      ok: true,
      result: { from: 'second' },
    });
    await expect(ask(first, 'report:get', RUN_ID)).resolves.toEqual({ ok: true, result: { from: 'first' } });
    await expect(ask(second, 'log:choose')).resolves.toEqual({
      ok: true,
      result: { path: '/var/log/nginx/error.log' },
    });
    expect(opened).toEqual([second.window]);
  });

  it('refuses a window that was closed, and one it never made', async () => {
    const { ipcMain, ipc } = setup();
    const gone = fakeWindow();
    const leave = ipc.addWindow(gone.window, fakeService('gone'));
    leave();
    const stranger = fakeWindow();
    for (const w of [gone, stranger])
      expect(
        await ipcMain.invoke('report:get', { sender: w.webContents, senderFrame: w.mainFrame }, RUN_ID),
      ).toEqual({ ok: false, error: REFUSED });
  });

  it('still validates the arguments of a trusted call', async () => {
    const { ipcMain, ipc } = setup();
    const w = fakeWindow();
    ipc.addWindow(w.window, fakeService('w'));
    const outcome = await ipcMain.invoke(
      'report:get',
      { sender: w.webContents, senderFrame: w.mainFrame },
      'x',
    );
    expect(outcome).toEqual({ ok: false, error: 'refused: report:get takes a run id' });
  });
});

describe('fromOurPage', () => {
  const event = (sender: { mainFrame: FakeFrame }, senderFrame: FakeFrame | null) =>
    ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;

  it('accepts the top frame showing our page, whatever its fragment', () => {
    const w = fakeWindow(`${PAGE}#summary`);
    expect(fromOurPage(event(w.webContents, w.mainFrame), PAGE)).toBe(true);
    // The same frame through another wrapper object: compared by process and routing id.
    expect(fromOurPage(event(w.webContents, { ...w.mainFrame }), PAGE)).toBe(true);
  });

  it('refuses an iframe, even one showing our page', () => {
    const w = fakeWindow();
    const child: FakeFrame = { url: PAGE, parent: w.mainFrame, processId: 7, routingId: 999 };
    expect(fromOurPage(event(w.webContents, child), PAGE)).toBe(false);
  });

  it('refuses another top frame than the window’s own, and a frame that is gone', () => {
    const w = fakeWindow();
    const other: FakeFrame = { url: PAGE, parent: null, processId: 8, routingId: w.mainFrame.routingId };
    expect(fromOurPage(event(w.webContents, other), PAGE)).toBe(false);
    expect(fromOurPage(event(w.webContents, null), PAGE)).toBe(false);
  });

  it('refuses any other page, including one whose URL merely starts with ours', () => {
    for (const url of [
      `${PAGE}.evil.html`,
      `${PAGE}?x=1`,
      'https://example.com/',
      'file:///tmp/index.html',
      'not a url',
    ]) {
      const w = fakeWindow(url);
      expect(fromOurPage(event(w.webContents, w.mainFrame), PAGE)).toBe(false);
    }
  });
});
