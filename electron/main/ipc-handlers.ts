import type { BrowserWindow, Dialog, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { writeFile } from 'node:fs/promises';
import { API_CHANNELS } from '../shared/api-contract.js';
import type { CallHandler, DispatchHooks } from '../engine/service/api-dispatch.js';

/** What the handlers need from Electron, passed in so they can be tested with fakes. */
export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle'>;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>;
}

export interface IpcWindows {
  /**
   * Serves a window's calls with its own engine (in the engine helper, or in this process) until the
   * returned function is called.
   */
  addWindow(window: BrowserWindow, calls: CallHandler): () => void;
}

interface WindowEntry {
  calls: CallHandler;
  hooks: DispatchHooks;
}

export const REFUSED = 'refused: not from the Reset Doctor window';

/**
 * One handler per API call, registered once for the app's life: `ipcMain.handle` refuses a second
 * handler for a channel, so a window opened later (macOS re-opens one on `activate`) joins these
 * instead of registering its own. Each call must come from the top frame of a window the app made,
 * showing the app's own page; it then goes to that window's engine, which validates the arguments
 * (api-dispatch.ts in this process, helper-calls.ts before the helper).
 */
export function installIpcHandlers(deps: IpcDeps, rendererUrl: string): IpcWindows {
  const windows = new Map<WebContents, WindowEntry>();
  for (const channel of API_CHANNELS) {
    deps.ipcMain.handle(channel, (event, ...args: unknown[]) => {
      const entry = windows.get(event.sender);
      if (!entry || !fromOurPage(event, rendererUrl)) return { ok: false, error: REFUSED };
      return entry.calls(channel, args, entry.hooks);
    });
  }
  return {
    addWindow(window, calls) {
      const contents = window.webContents;
      windows.set(contents, { calls, hooks: dialogHooks(deps.dialog, window) });
      return () => {
        windows.delete(contents);
      };
    },
  };
}

/**
 * The sender is the window's top-level frame (not an iframe it holds) and shows our page. A frame that
 * navigated away or was destroyed has no senderFrame and is refused.
 */
export function fromOurPage(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  rendererUrl: string,
): boolean {
  const frame = event.senderFrame;
  const main = event.sender.mainFrame;
  if (!frame || frame.parent !== null) return false;
  if (frame !== main && (frame.processId !== main.processId || frame.routingId !== main.routingId))
    return false;
  return sameDocument(frame.url, rendererUrl);
}

/** The same document, whatever its fragment: `index.html#step-2` is ours, `index.html.evil` is not. */
function sameDocument(url: string, expected: string): boolean {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href === expected;
  } catch {
    return false;
  }
}

function dialogHooks(dialog: IpcDeps['dialog'], window: BrowserWindow): DispatchHooks {
  return {
    mode: 'electron',
    async chooseLog() {
      const r = await dialog.showOpenDialog(window, {
        title: 'Choose a server log',
        properties: ['openFile'],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async saveExport(file) {
      const r = await dialog.showSaveDialog(window, {
        title: 'Export the report',
        defaultPath: file.fileName,
      });
      if (r.canceled || !r.filePath) return null;
      await writeFile(
        r.filePath,
        file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : file.content,
      );
      return r.filePath;
    },
  };
}
