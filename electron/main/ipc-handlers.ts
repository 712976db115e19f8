import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { writeFile } from 'node:fs/promises';
import { API_CHANNELS } from '../shared/api-contract.js';
import { dispatch, type DispatchHooks } from '../engine/service/api-dispatch.js';
import type { RunService } from '../engine/service/run-service.js';

/**
 * One handler per API call. Each checks that the call comes from our own window's top frame showing
 * our own page, then hands the arguments to the shared dispatcher, which validates them.
 */
export function installIpcHandlers(service: RunService, window: BrowserWindow, rendererUrl: string): void {
  const hooks: DispatchHooks = {
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
      await writeFile(r.filePath, file.content, 'utf8');
      return r.filePath;
    },
  };
  const trusted = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    event.senderFrame.url.startsWith(rendererUrl);
  for (const channel of API_CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!trusted(event)) return { ok: false, error: 'refused: not from the Reset Doctor window' };
      return dispatch(service, channel, args, hooks);
    });
  }
}
