/**
 * Fixtures of the end-to-end tests: a network lab with one fault in it, `reset-doctor serve` running in the
 * lab's client namespace, and Chromium running in that same namespace.
 *
 * How the browser reaches the wizard, and why nothing leaves the lab:
 * - `reset-doctor serve --port 0 --no-open` runs INSIDE the lab's client namespace (`lab.spawn`) and listens
 *   on that namespace's own loopback (127.0.0.1 of the namespace, not of the host). Every probe the wizard
 *   starts therefore leaves from the client namespace, whose only routes lead into the lab.
 * - Chromium is started inside the same namespace: `chromium-in-netns.sh` (Playwright's executablePath) runs
 *   `ip netns exec <client ns> /usr/bin/chromium …`. Playwright drives it over inherited pipes
 *   (--remote-debugging-pipe), so no debugging port is needed across namespaces, and the browser sees the
 *   serve port on its own loopback. Whatever Chromium might try to reach beyond that has no route out.
 * - A fresh browser (fresh temporary profile) per test, closed before the lab is destroyed; `lab.destroy()`
 *   would kill anything still running inside the namespaces anyway.
 */
import {
  test as base,
  chromium,
  expect,
  type Browser,
  type BrowserContext,
  type Page,
} from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS_NOBODY, capableHelper, CLI } from '../lab/lab-cli.js';
import { LAB_SCENARIOS, type LabScenario } from '../lab/lab-scenarios.js';
import { createLab, labUnavailableReason, REPO_ROOT, type Lab } from '../lab/lab-topology.js';

export { expect };

/** Debian's Chromium (Playwright's own browser download is not possible offline). */
export const CHROMIUM = '/usr/bin/chromium';
/** Starts Chromium inside the namespace named by RD_E2E_NETNS (see the comment at the top). */
export const CHROMIUM_IN_NETNS = fileURLToPath(new URL('./chromium-in-netns.sh', import.meta.url));
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test', 'e2e', 'screenshots');
export const RENDERER_INDEX = join(REPO_ROOT, 'dist', 'renderer', 'index.html');

const URL_LINE = /^Reset Doctor is running at (http:\/\/\S+)$/;

/** Null when the lab suites can run here; else the reason they are skipped (shown in their titles). */
export function e2eUnavailableReason(): string | null {
  const lab = labUnavailableReason();
  if (lab) return lab;
  if (!existsSync(CHROMIUM)) return `Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`;
  return null;
}

export interface LabServe {
  /** The URL serve printed, token included (`http://127.0.0.1:PORT/?token=…`, the client namespace's loopback). */
  url: string;
  /** `http://127.0.0.1:PORT`, without the token. */
  origin: string;
  token: string;
  /** What to type into "Target" for this scenario. */
  target: string;
  lab: Lab;
  scenario: LabScenario;
  /** Everything serve wrote so far (stdout and stderr), for failure messages. */
  output(): string;
}

interface Fixtures {
  /** The lab scenario the test runs against (an id of LAB_SCENARIOS); set with `test.use({ scenario })`. */
  scenario: string;
  /**
   * How serve runs: 'root', or 'helper': as user nobody without capabilities, its engine in the helper
   * started by the launcher given cap_net_raw,cap_net_admin (the desktop app's privilege separation).
   */
  serveWith: 'root' | 'helper';
  labServe: LabServe;
  /** Chromium inside the lab's client namespace. */
  labBrowser: Browser;
}

export function scenarioById(id: string): LabScenario {
  const scenario = LAB_SCENARIOS.find((s) => s.id === id);
  if (!scenario) throw new Error(`no lab scenario "${id}" (see test/lab/lab-scenarios.ts)`);
  return scenario;
}

export const test = base.extend<Fixtures>({
  scenario: ['healthy', { option: true }],
  serveWith: ['root', { option: true }],

  labServe: async ({ scenario: id, serveWith }, use, testInfo) => {
    const scenario = scenarioById(id);
    const lab = await createLab();
    let serve: ChildProcess | undefined;
    let output = '';
    // The runs this serve keeps: its own folder, writable by nobody too (serveWith 'helper').
    const history = mkdtempSync(join(tmpdir(), 'rd-e2e-history-'));
    chmodSync(history, 0o777);
    try {
      const setup = await scenario.setup(lab);
      const args = [CLI, 'serve', '--port', '0', '--no-open', '--history', history];
      serve =
        serveWith === 'helper'
          ? lab.spawn(lab.names.client, 'setpriv', [
              ...AS_NOBODY,
              process.execPath,
              ...args,
              '--helper',
              capableHelper(),
            ])
          : lab.spawn(lab.names.client, process.execPath, args);
      serve.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      serve.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const url = await waitForUrl(serve, () => output, 20_000);
      const parsed = new URL(url);
      await use({
        url,
        origin: parsed.origin,
        token: parsed.searchParams.get('token') ?? '',
        target: setup.target,
        lab,
        scenario,
        output: () => output,
      });
    } finally {
      if (serve) await stop(serve);
      if (testInfo.status !== testInfo.expectedStatus && output) {
        await testInfo.attach('reset-doctor serve output', { body: output, contentType: 'text/plain' });
      }
      await lab.destroy();
      rmSync(history, { recursive: true, force: true });
    }
  },

  labBrowser: async ({ labServe, launchOptions }, use) => {
    ensureExecutable(CHROMIUM_IN_NETNS);
    // The config's executablePath (Debian's Chromium) is what the wrapper starts inside the namespace.
    const real = launchOptions.executablePath ?? CHROMIUM;
    const browser = await chromium.launch({
      ...launchOptions,
      executablePath: CHROMIUM_IN_NETNS,
      env: { ...process.env, RD_E2E_NETNS: labServe.lab.names.client, RD_E2E_CHROMIUM: real },
    });
    try {
      await use(browser);
    } finally {
      await browser.close();
    }
  },

  // The built-in context and page, on the browser inside the namespace (the default browser is never
  // launched: it would run in the host's namespace, where the serve port does not exist).
  context: async ({ labBrowser, viewport }, use) => {
    const context: BrowserContext = await labBrowser.newContext({ acceptDownloads: true, viewport });
    try {
      await use(context);
    } finally {
      await context.close();
    }
  },

  page: async ({ context }, use, testInfo) => {
    const page: Page = await context.newPage();
    await use(page);
    // The built-in screenshot-on-failure belongs to the built-in context: do it here.
    if (testInfo.status !== testInfo.expectedStatus && !page.isClosed()) {
      const body = await page.screenshot({ fullPage: true }).catch(() => null);
      if (body) await testInfo.attach('page at failure', { body, contentType: 'image/png' });
    }
  },
});

/** The skip condition of every lab suite, and a title that carries the reason into the list reporter. */
export function labSuiteTitle(title: string): string {
  const reason = e2eUnavailableReason();
  return reason ? `${title} (skipped: ${reason})` : title;
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function ensureExecutable(file: string) {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    chmodSync(file, 0o755); // a checkout without the executable bit
  }
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(`reset-doctor serve printed no URL within ${timeoutMs} ms`),
      timeoutMs,
    );
    const check = () => {
      const first = output().split('\n');
      if (first.length < 2) return; // the first line is not complete yet
      const match = URL_LINE.exec(first[0]!.trim());
      if (match) done(() => resolve(match[1]!));
      else fail(`the first line of reset-doctor serve was not the URL line`);
    };
    const onExit = (code: number | null) =>
      fail(`reset-doctor serve exited (code ${code}) before printing its URL`);
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      then();
    };
    const fail = (why: string) => done(() => reject(new Error(`${why}:\n${output()}`)));
    // Runs after the fixture's own listener has appended the chunk to the output.
    const onData = () => setImmediate(check);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM (serve closes cleanly), then SIGKILL for the whole process group after 3 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    signalGroup(child.pid, 'SIGKILL');
    await exited;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal); // lab.spawn starts its children detached: their own process group
  } catch {
    // already gone
  }
}
