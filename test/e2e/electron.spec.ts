/**
 * The desktop app: Playwright's Electron driver launches the real app (`electron .` from the repository
 * root, i.e. dist/electron/main/main.js) and checks its window shows the start page. Nothing is diagnosed,
 * so no probe leaves this machine. Skipped, with the reason in the title, where the Electron binary was
 * never downloaded (an offline `ELECTRON_SKIP_BINARY_DOWNLOAD=1` install).
 */
import { _electron, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../lab/lab-topology.js';

const require = createRequire(import.meta.url);

/** The Electron binary's path, or why there is none: the package exports the path and throws without it. */
function electronBinary(): { path: string } | { reason: string } {
  try {
    const path: unknown = require('electron');
    if (typeof path !== 'string') return { reason: 'the electron package did not export a binary path' };
    return { path };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { reason: `Electron binary not installed (offline install): ${message}` };
  }
}

const electron = electronBinary();
const SKIP = 'reason' in electron ? electron.reason : null;

test.describe(SKIP ? `Electron app (skipped: ${SKIP})` : 'Electron app', () => {
  test.skip(SKIP !== null, SKIP ?? '');

  test('the window shows the start page with the Target field', async () => {
    if (!('path' in electron)) return;
    // A throw-away profile (window state, caches), so the test neither reads nor changes the user's.
    const config = mkdtempSync(join(tmpdir(), 'rd-e2e-electron-'));
    const args = ['.'];
    if (process.platform === 'linux') {
      if (process.getuid?.() === 0) args.unshift('--no-sandbox'); // Chromium refuses to run as root otherwise
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.unshift('--ozone-platform=headless');
    }
    const app = await _electron.launch({
      executablePath: electron.path,
      args,
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: config },
    });
    try {
      const window = await app.firstWindow();
      await expect(window).toHaveTitle('Reset Doctor');
      await expect(window.getByRole('heading', { name: 'Start a diagnosis' })).toBeVisible();
      await expect(window.getByLabel('Target', { exact: true })).toBeVisible();
      await expect(window.getByRole('button', { name: 'Start diagnosis' })).toBeVisible();
    } finally {
      await app.close();
      rmSync(config, { recursive: true, force: true });
    }
  });
});
