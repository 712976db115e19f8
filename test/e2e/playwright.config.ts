import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the wizard in browser mode, against real faults in the network lab (test/lab/).
 * Run as root on Linux: `npx playwright test -c test/e2e/playwright.config.ts` (see test/e2e/README.md).
 *
 * The browser is Debian's Chromium, started by fixtures.ts inside each lab's client namespace; the lab
 * scenarios share one machine's kernel, so tests run one at a time.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  forbidOnly: !!process.env.CI,
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    actionTimeout: 15_000,
    navigationTimeout: 15_000,
    acceptDownloads: true,
    screenshot: 'off', // fixtures.ts attaches a full-page screenshot when a test fails
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
