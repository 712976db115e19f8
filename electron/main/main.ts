import { app, BrowserWindow, dialog, ipcMain, nativeTheme, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EVENT_CHANNEL } from '../shared/api-contract.js';
import { HELPER_RESOURCE } from '../shared/helper-protocol.js';
import { startFaceEngine } from '../helper/face-engine.js';
import { RunEventLog } from '../engine/service/run-event-log.js';
import { installAppMenu } from './app-menu.js';
import { installIpcHandlers, type IpcWindows } from './ipc-handlers.js';
import { loadWindowState, trackWindowState } from './window-state.js';

const RENDERER = fileURLToPath(new URL('../../renderer/index.html', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));
const RENDERER_URL = pathToFileURL(RENDERER).href;

app.enableSandbox();

/**
 * The engine helper's launcher, where the Linux packages put it (build/after-pack.mjs): the one file that
 * holds raw-socket capabilities, set by the deb when it installs. Not in an AppImage (mounted nosuid, so
 * it could hold none, and its runtime path is not fixed), nor yet on macOS and Windows, where the engine
 * runs in this process without raw sockets until their privilege prompts are built.
 */
function packagedHelper(): { command: string; args: string[] } | undefined {
  // Unpackaged (development, test/e2e/electron.spec.ts): a launcher built for this checkout may be named.
  const named = process.env.RESET_DOCTOR_HELPER;
  if (!app.isPackaged) return named ? { command: named, args: [] } : undefined;
  if (process.platform !== 'linux' || process.env.APPIMAGE) return undefined;
  const launcher = join(process.resourcesPath, HELPER_RESOURCE);
  return existsSync(launcher) ? { command: launcher, args: [] } : undefined;
}

function createWindow(ipc: IpcWindows): void {
  const state = loadWindowState();
  const window = new BrowserWindow({
    ...state.bounds,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Reset Doctor',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#16181d' : '#f6f7f9',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) window.maximize();
  trackWindowState(window);

  // The window's engine: in the engine helper where the package installed one, else in this process.
  // Calls made while the helper starts wait for it.
  const historyDir = join(app.getPath('userData'), 'history');
  // A page that reloads (Ctrl+R, or its renderer crashed and came back) draws the latest run or watch as
  // it stands from run:latest, and follows it on: the engine behind the window never stopped.
  const log = new RunEventLog();
  const engine = startFaceEngine({ helper: packagedHelper(), historyDir }, (event) => {
    log.record(event);
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  const leave = ipc.addWindow(window, async (channel, args, hooks) =>
    (await engine).calls(channel, args, { ...hooks, latestRun: () => log.latest() }),
  );
  window.on('closed', () => {
    leave();
    void engine.then((e) => e.dispose());
  });

  // No remote content: the app shows its own page only; links leave for the system browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== RENDERER_URL) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  void window.loadFile(RENDERER);
}

void app.whenReady().then(() => {
  nativeTheme.themeSource = 'system';
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  installAppMenu();
  // Once for the app's life: a window macOS re-opens on activate joins the same handlers.
  const ipc = installIpcHandlers({ ipcMain, dialog }, RENDERER_URL);
  createWindow(ipc);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(ipc);
  });
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
