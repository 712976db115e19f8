/**
 * The desktop app: Playwright's Electron driver launches the real app (`electron .` from the repository
 * root, i.e. dist/electron/main/main.js) and checks its window shows the start page; then, with its engine
 * in the helper as the Linux packages run it (the launcher built for this Electron, run as Node), that a
 * run goes through the helper: a child of the main process, to a closed port on loopback, so no probe
 * leaves this machine. Skipped, with the reason in the title, where the Electron binary was never
 * downloaded (an offline `ELECTRON_SKIP_BINARY_DOWNLOAD=1` install).
 */
import { _electron, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHelperLauncher } from '../../build/build-helper-launcher.mjs';
import { HELPER_BUNDLE } from '../../electron/shared/helper-protocol.js';
import { REPO_ROOT } from '../lab/lab-topology.js';
import { StartPage } from './pages/start-page.js';
import { SummaryPage } from './pages/summary-page.js';
import { WizardPage } from './pages/wizard-page.js';

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

  /** The app from this checkout, with a throw-away profile (window state, caches). */
  async function launch(binary: string, env: Record<string, string> = {}) {
    const config = mkdtempSync(join(tmpdir(), 'rd-e2e-electron-'));
    const args = ['.'];
    if (process.platform === 'linux') {
      if (process.getuid?.() === 0) args.unshift('--no-sandbox'); // Chromium refuses to run as root otherwise
      if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) args.unshift('--ozone-platform=headless');
    }
    const app = await _electron.launch({
      executablePath: binary,
      args,
      cwd: REPO_ROOT,
      env: { ...process.env, XDG_CONFIG_HOME: config, ...env },
    });
    return { app, config };
  }

  test('the window shows the start page with the Target field', async () => {
    if (!('path' in electron)) return;
    const { app, config } = await launch(electron.path);
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

  test('a run goes through the engine helper, a child of the main process', async () => {
    if (!('path' in electron)) return;
    test.skip(process.platform !== 'linux', 'the helper launcher is built for Linux');
    const dir = mkdtempSync(join(tmpdir(), 'rd-e2e-helper-'));
    const launcher = buildHelperLauncher({
      out: join(dir, 'reset-doctor-helper'),
      runtime: electron.path,
      main: join(REPO_ROOT, HELPER_BUNDLE),
      runAsNode: true,
    });
    const { app, config } = await launch(electron.path, { RESET_DOCTOR_HELPER: launcher });
    try {
      const window = await app.firstWindow();
      const mainPid = await app.evaluate(() => process.pid);
      // Loopback, a port nobody listens on: the run's packets never leave this machine.
      const start = new StartPage(window);
      await start.fillAndStart({ target: 'http://127.0.0.1:9/' });
      const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(mainPid)], { encoding: 'utf8' });
      expect(children).toContain(HELPER_BUNDLE.split('/').pop()!);
      await new WizardPage(window).runAll();
      // The closed port's verdict, whichever it is: the run went through the helper to its end.
      expect(await new SummaryPage(window).verdictId({ timeout: 60_000 })).not.toBe('');
    } finally {
      await app.close();
      rmSync(config, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
