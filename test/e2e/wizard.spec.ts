import type { Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CHECKLIST } from '../../electron/engine/steps/checklist.js';
import { STEP_TITLES } from '../../electron/shared/step-info.js';
/**
 * The wizard in browser mode, end to end: `reset-doctor serve` and Chromium inside a lab's client
 * namespace (see fixtures.ts), real faults in the lab, every step walked as a person would.
 */
import { CAUSE_TITLES } from '../../electron/shared/cause-info.js';
import type { Report } from '../../electron/shared/report-info.js';
import { httpGet } from '../lab/lab-client.js';
import {
  e2eUnavailableReason,
  expect,
  labSuiteTitle,
  scenarioById,
  screenshotPath,
  slug,
  test,
} from './fixtures.js';
import {
  checkHtmlExport,
  checkJsonExport,
  canonicalPictures,
  checkMarkdownExport,
  collectPageErrors,
  fullScreenshot,
  liveStateHistory,
  recordLiveStates,
  tabTo,
} from './helpers.js';
import { StartPage } from './pages/start-page.js';
import { SummaryPage } from './pages/summary-page.js';
import { FINAL_STATUSES, STEP_NAMES, WizardPage } from './pages/wizard-page.js';

const UNAVAILABLE = e2eUnavailableReason();

/** The probes each step must show: the engine's own checklist, so a new probe is expected at once. */
const STEP_PROBES: Record<string, string[]> = Object.fromEntries(
  CHECKLIST.map((step) => [STEP_TITLES[step.id], step.probes.map((p) => p.id)]),
);

/**
 * The exported HTML draws every check's picture with the wizard's own component (server-rendered): each
 * step's pictures in the wizard, after the run, equal the export's, element by element.
 */
async function checkHtmlPictures(page: Page, wizard: WizardPage, html: string, shot: string): Promise<void> {
  const inWizard: Record<string, string[]> = {};
  for (const name of STEP_NAMES.slice(0, -1)) {
    await wizard.goToStep(name);
    Object.assign(inWizard, await canonicalPictures(page, 'li.probe .body svg'));
  }
  await wizard.goToStep('Summary');
  const exported = await page.context().newPage();
  await exported.setContent(html);
  const inExport = await canonicalPictures(exported, 'section.probe-picture svg');
  await exported.screenshot({ path: screenshotPath(shot), fullPage: true });
  await exported.close();
  expect(Object.keys(inWizard), 'checks drawn in the wizard').toEqual(
    expect.arrayContaining(['ping', 'traceroute']),
  );
  expect(inExport).toEqual(inWizard);
}

const WALKS = ['healthy', 'firewall-reset', 'application-error', 'inject-http-hop2'];

test.describe(labSuiteTitle('wizard in browser mode, against the network lab'), () => {
  test.skip(UNAVAILABLE !== null, UNAVAILABLE ?? '');

  for (const id of WALKS) {
    const scenario = scenarioById(id);

    test.describe(`${id}: ${scenario.what}`, () => {
      test.use({ scenario: id });

      test(`walks every step and ends in the verdict "${scenario.cause}"`, async ({
        page,
        labServe,
      }, testInfo) => {
        const errors = collectPageErrors(page);
        await recordLiveStates(page, STEP_NAMES);
        const start = new StartPage(page);
        const wizard = new WizardPage(page);
        const summary = new SummaryPage(page);

        await start.open(labServe.url);
        await start.fill({ target: labServe.target });
        await expect(start.startButton).toBeEnabled();
        await fullScreenshot(page, screenshotPath(`${id}-0-start`));
        await start.start();

        await expect(wizard.checklist).toBeVisible();
        expect(await wizard.stepNames()).toEqual(STEP_NAMES);

        for (const [n, name] of STEP_NAMES.entries()) {
          if (n > 0) await wizard.next();
          await test.step(`step ${n + 1}: ${name}`, async () => {
            await wizard.expectStep(name);
            const expected = STEP_PROBES[name];
            if (expected) {
              // The step's probes are drawn (from the run plan), then reach a final status.
              await expect(wizard.probes).toHaveCount(expected.length);
              expect((await wizard.probeIds()).sort()).toEqual([...expected].sort());
              const statuses = await wizard.waitForStepFinished({ timeout: 30_000 });
              await testInfo.attach(`statuses: ${name}`, { body: JSON.stringify(statuses, null, 2) });
              await checkStep(name, wizard, id);
            } else {
              expect(await summary.verdictId({ timeout: 30_000 })).toBe(scenario.cause);
            }
            await fullScreenshot(page, screenshotPath(`${id}-${n + 1}-${slug(name)}`));
          });
        }

        await test.step('summary: verdict, evidence, remedies', async () => {
          await expect(summary.heading).toBeVisible();
          await expect(summary.verdict).toHaveAttribute('data-verdict', scenario.cause);
          await expect(summary.verdictTitle).toHaveText(CAUSE_TITLES[scenario.cause]);
          if (scenario.hop !== undefined) await expect(summary.verdict).toContainText(`hop ${scenario.hop}`);
          expect((await summary.evidenceLines()).length).toBeGreaterThan(0);
          expect((await summary.remedyLines()).length).toBeGreaterThan(0);
          await expect(wizard.nextButton).toBeDisabled();
        });

        await test.step('the wizard was updated live', async () => {
          const history = await liveStateHistory(page);
          await testInfo.attach('live state history', { body: JSON.stringify(history, null, 2) });
          // Every probe the walk showed ended final (probes whose step finished before the walk got there
          // are only ever drawn final; the controls test watches probes run).
          for (const [key, seen] of Object.entries(history).filter(([k]) => k.startsWith('probe:')))
            expect(FINAL_STATUSES, `${key}: ${seen.join(' → ')}`).toContain(seen.at(-1));
          // The checklist, always on screen, showed steps running and then finished.
          const ranLive = Object.entries(history).filter(
            ([key, seen]) =>
              key.startsWith('step:') &&
              seen.some((s) => s.startsWith('Running')) &&
              /^(Passed|Warning|Failed|Skipped)/.test(seen.at(-1) ?? ''),
          );
          expect(ranLive.length, 'checklist entries seen Running, then finished').toBeGreaterThan(0);
        });

        await test.step('exports: HTML, JSON, Markdown', async () => {
          const expected = { cause: scenario.cause, target: labServe.target };
          const json = await summary.export('json', testInfo);
          expect(json.fileName).toMatch(/\.json$/);
          const report: Report = checkJsonExport(json.content, expected);
          expect(report.cancelled).toBe(false);
          const html = await summary.export('html', testInfo);
          expect(html.fileName).toMatch(/\.html?$/);
          checkHtmlExport(html.content, expected);
          await checkHtmlPictures(page, wizard, html.content, `${id}-export-html`);
          const md = await summary.export('md', testInfo);
          expect(md.fileName).toMatch(/\.md$/);
          checkMarkdownExport(md.content, {
            ...expected,
            hop: scenario.origin === 'path' ? scenario.hop : undefined,
          });
        });

        expect(errors, 'errors in the page').toEqual([]);
      });
    });
  }

  // The desktop app's way: the UI without privileges, the probes in the engine helper that holds them.
  test.describe('serve as an ordinary user, its engine helper holding raw sockets', () => {
    for (const id of ['inject-http-hop2', 'firewall-reset-local']) {
      const scenario = scenarioById(id);
      test.describe(`${id}: ${scenario.what}`, () => {
        test.use({ scenario: id, serveWith: 'helper' });

        test(`ends in the privileged verdict "${scenario.cause}" from ${scenario.origin}`, async ({
          page,
          labServe,
        }, testInfo) => {
          const start = new StartPage(page);
          const wizard = new WizardPage(page);
          const summary = new SummaryPage(page);
          await start.open(labServe.url);
          await start.fillAndStart({ target: labServe.target });
          await wizard.runAll();
          await wizard.expectStep('Summary');
          expect(await summary.verdictId({ timeout: 60_000 })).toBe(scenario.cause);
          if (scenario.hop !== undefined) await expect(summary.verdict).toContainText(`hop ${scenario.hop}`);
          await fullScreenshot(page, screenshotPath(`helper-${id}-summary`));
          const report = checkJsonExport((await summary.export('json', testInfo)).content, {
            cause: scenario.cause,
            target: labServe.target,
          });
          expect(report.environment.privileged).toBe(true);
          expect(report.diagnosis.findings[0]?.origin).toBe(scenario.origin);
          // serve itself runs without privileges and warned of nothing: the helper started with its own.
          expect(labServe.output()).not.toMatch(/warning/);
        });
      });
    }
  });

  // Watch: the wizard's own checks, every second, meet the on-path injector; each reset shows up live with
  // who sent it. Through the engine helper, as the desktop app runs it.
  test.describe('watch, through the engine helper', () => {
    test.use({ scenario: 'inject-http-hop2', serveWith: 'helper' });

    test('catches the injected resets live, names hop 2, and exports the watch', async ({
      page,
      labServe,
    }, testInfo) => {
      const errors = collectPageErrors(page);
      const start = new StartPage(page);
      await start.open(labServe.url);
      await start.target.fill(labServe.target);
      await page.getByLabel('Stop after this many resets', { exact: true }).fill('2');
      await page.getByLabel('Also send the request and a ping every (seconds)', { exact: true }).fill('1');
      const watchButton = page.getByRole('button', { name: 'Start watching' });
      await expect(watchButton).toBeEnabled();
      await watchButton.click();
      await expect(page.getByRole('heading', { level: 2, name: /Watching/ })).toBeVisible();
      await expect(page.getByText(/from their packets/)).toBeVisible({ timeout: 15_000 });
      await expect(page.getByRole('heading', { level: 2, name: /Watched/ })).toBeVisible({ timeout: 60_000 });
      const rows = page.getByRole('table').getByRole('row');
      await expect(rows).toHaveCount(3);
      await expect(rows.nth(1)).toContainText('sent by a device on the path (hop 2)');
      await expect(rows.nth(2)).toContainText('sent by a device on the path (hop 2)');
      // The wizard's own checks were hit: said so, not "program unknown".
      await expect(rows.nth(1)).toContainText("this watch's check");
      await expect(page.getByText(/until enough resets caught/)).toBeVisible();
      // The verdict over both catches, by the diagnosis' own causes.
      const verdict = page.locator('[data-verdict="firewall-reset"]');
      await expect(verdict).toContainText('Verdict over the 2 resets');
      await expect(verdict).toContainText('from a device on the path, hop 2');
      await expect(page.getByRole('img', { name: /^Connections over/ })).toBeVisible();
      await fullScreenshot(page, screenshotPath('watch-inject-http-hop2'));
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export Markdown' }).click();
      const file = await (await download).path();
      const text = readFileSync(file, 'utf8');
      expect(text).toContain('## Resets caught');
      expect(text).toContain('Frames in the pcapng');
      expect(text).toContain('sent by a device on the path (hop 2)');
      await testInfo.attach('watch.md', { body: text, contentType: 'text/markdown' });
      // The HTML export draws the timeline with the wizard's own component: the same picture, mark for mark.
      const htmlDownload = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export HTML' }).click();
      const htmlFile = await (await htmlDownload).path();
      const exported = await page.context().newPage();
      // A download keeps no file name (no .html): the page is given its content.
      await exported.setContent(readFileSync(htmlFile, 'utf8'));
      const picture = async (p: typeof page) =>
        (await canonicalPictures(p, 'figure.timeline svg')).picture?.join('') ?? '';
      const drawn = await picture(page);
      expect(drawn).toMatch(/<circle class=mark path svelte-\w+ cx=/);
      expect(await picture(exported)).toBe(drawn);
      await fullScreenshot(exported, screenshotPath('watch-export-html'));
      await exported.close();
      // The packets: tshark finds both resets, each commented with who sent it.
      const packets = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export packets (pcapng)' }).click();
      const pcap = await (await packets).path();
      const read = spawnSync(
        'tshark',
        [
          '-r',
          pcap,
          '-Y',
          'tcp.flags.reset == 1',
          '-T',
          'fields',
          '-e',
          'frame.number',
          '-e',
          'frame.comment',
        ],
        { encoding: 'utf8' },
      );
      expect(read.status, read.stderr).toBe(0);
      const framesRead = read.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t'));
      expect(framesRead).toHaveLength(2);
      for (const [frame, comment] of framesRead) {
        expect(comment).toContain('sent by a device on the path (hop 2)');
        // The Markdown names the frame range each reset ends.
        expect(text).toMatch(new RegExp(`\\| \\d+–${frame} \\|`));
      }
      expect(errors, 'errors in the page').toEqual([]);
    });
  });

  test.describe('watch, reloaded', () => {
    test.use({ scenario: 'inject-http-hop2' });

    test('a page reloaded mid-watch draws it as it stands and follows it to its end', async ({
      page,
      labServe,
    }) => {
      const start = new StartPage(page);
      await start.open(labServe.url);
      await start.target.fill(labServe.target);
      await page.getByLabel('Stop after this many resets', { exact: true }).fill('3');
      await page.getByLabel('Also send the request and a ping every (seconds)', { exact: true }).fill('1');
      await page.getByRole('button', { name: 'Start watching' }).click();
      const rows = page.getByRole('table').getByRole('row');
      await expect(rows).toHaveCount(2, { timeout: 15_000 });
      await page.reload();
      await expect(page.getByRole('heading', { level: 2, name: /Watch(ing|ed)/ })).toBeVisible();
      await expect(rows.nth(1)).toContainText('sent by a device on the path (hop 2)');
      await expect(page.getByRole('heading', { level: 2, name: /Watched/ })).toBeVisible({ timeout: 30_000 });
      await expect(rows).toHaveCount(4);
      await expect(page.getByText(/until enough resets caught/)).toBeVisible();
    });
  });

  test.describe('keyboard only', () => {
    test.use({ scenario: 'healthy' });

    test('Tab to the target, start with Enter, walk with Tab and Enter/Space to the verdict', async ({
      page,
      labServe,
    }) => {
      const start = new StartPage(page);
      const wizard = new WizardPage(page);
      const summary = new SummaryPage(page);
      await start.open(labServe.url);

      await tabTo(page, start.target);
      await page.keyboard.type(labServe.target);
      await expect(start.startButton).toBeEnabled(); // the target was checked
      await tabTo(page, start.startButton);
      await page.keyboard.press('Enter');

      await wizard.expectStep(STEP_NAMES[0]!);
      for (const [n, name] of STEP_NAMES.entries()) {
        if (n === 0) continue;
        await tabTo(page, wizard.nextButton);
        await page.keyboard.press(n % 2 === 0 ? 'Space' : 'Enter');
        await wizard.expectStep(name);
        // Focus follows the wizard: the new view's heading has it.
        await expect(wizard.viewHeading).toBeFocused();
      }
      expect(await summary.verdictId({ timeout: 30_000 })).toBe('healthy');
    });
  });

  test.describe('controls', () => {
    test.use({ scenario: 'healthy' });

    test('Run all, Cancel a long idle test, Back, a checklist jump and Re-run step', async ({
      page,
      labServe,
    }, testInfo) => {
      await recordLiveStates(page, STEP_NAMES);
      const start = new StartPage(page);
      const wizard = new WizardPage(page);
      const summary = new SummaryPage(page);
      await start.open(labServe.url);
      // A 30 s idle test keeps the run busy long enough to cancel it.
      await start.fillAndStart({ target: labServe.target, idleMaxSeconds: 30 });

      await wizard.runAll();
      await wizard.expectStep('Summary');
      await expect(page.getByText('The verdict appears here when every step has finished.')).toBeVisible();
      // Cancel while the idle test runs: the earlier steps are done, "Application errors" is not.
      await wizard.waitForStepState('Network connectivity', /Passed|Warning|Failed/, { timeout: 20_000 });
      await wizard.waitForStepState('Application errors', 'Running', { timeout: 20_000 });
      await expect(wizard.cancelButton).toBeVisible();
      await wizard.cancel();
      // Cancelled before the deciding test: never "healthy" (the idle test might have shown a fault).
      expect(await summary.verdictId({ timeout: 20_000 })).toBe('inconclusive');
      await expect(page.getByText(/^The run was cancelled: the verdict rests/)).toBeVisible();
      await expect(wizard.cancelButton).toBeHidden();
      const cancelled = checkJsonExport((await summary.export('json', testInfo)).content, {
        cause: (await summary.verdictId()) as Report['diagnosis']['verdict'],
        target: labServe.target,
      });
      expect(cancelled.cancelled).toBe(true);

      await wizard.back();
      await wizard.expectStep('TCP handshake');
      await wizard.goToStep('Network connectivity');
      await wizard.waitForProbe('ping', 'complete');
      const before = (await liveStateHistory(page))['probe:ping']?.length ?? 0;
      await wizard.rerun();
      // The step runs again: its probes start over (seen pending or running) and finish anew.
      await expect(wizard.rerunButton).toBeEnabled({ timeout: 30_000 });
      await wizard.waitForStepFinished();
      await wizard.waitForProbe('ping', 'complete');
      const again = ((await liveStateHistory(page))['probe:ping'] ?? []).slice(before);
      expect(
        again.some((s) => s === 'pending' || s === 'running'),
        `ping after Re-run: ${again}`,
      ).toBe(true);
      expect(again.at(-1)).toBe('complete');
      await wizard.goToStep('Summary');
      await expect(summary.verdict).toBeVisible();
    });
  });

  test.describe('kept runs', () => {
    test.use({ scenario: 'healthy' });

    test('lists the runs that ended, after a reload too, reopens one and compares two side by side', async ({
      page,
      labServe,
    }) => {
      const errors = collectPageErrors(page);
      const start = new StartPage(page);
      const wizard = new WizardPage(page);
      const summary = new SummaryPage(page);
      const newDiagnosis = page.getByRole('button', { name: 'New diagnosis' });
      const pastRuns = page.getByRole('region', { name: 'Past runs on this machine' });
      await start.open(labServe.url);
      await expect(start.startButton).toBeVisible();
      await expect(pastRuns).toBeHidden();
      for (const concurrency of [2, 4]) {
        await start.fillAndStart({ target: labServe.target, concurrency });
        await wizard.runAll();
        expect(await summary.verdictId({ timeout: 30_000 })).toBe('healthy');
        await newDiagnosis.click();
      }
      // Kept by serve on disk: a reload lists them as well (the reload draws the latest run first).
      await page.reload();
      await newDiagnosis.click();
      await expect(pastRuns.getByRole('row')).toHaveCount(3);
      await expect(pastRuns).toContainText('No fault found');
      await pastRuns.getByRole('button', { name: 'Open' }).last().click();
      await expect(summary.verdict).toHaveAttribute('data-verdict', 'healthy');
      // A kept run's steps do not run again: its engine session may be long gone.
      await wizard.goToStep('Network connectivity');
      await expect(wizard.rerunButton).toBeHidden();
      await newDiagnosis.click();
      // The list comes in after the start page is drawn: tick only once both runs are there.
      await expect(pastRuns.getByRole('checkbox')).toHaveCount(2);
      for (const box of await pastRuns.getByRole('checkbox').all()) await box.check();
      await pastRuns.getByRole('button', { name: 'Compare the two ticked' }).click();
      await expect(page.getByRole('heading', { level: 2, name: 'Two runs side by side' })).toBeVisible();
      await expect(page.getByRole('rowheader', { name: /^Verdict/ }).locator('..')).toContainText(
        'No fault found',
      );
      await fullScreenshot(page, screenshotPath('kept-runs-compare'));
      expect(errors, 'errors in the page').toEqual([]);
    });
  });

  test.describe('access token', () => {
    test.use({ scenario: 'healthy' });

    test('serve refuses requests without the token (HTTP 403)', async ({ labServe, page }) => {
      const { lab, origin, token } = labServe;
      // A plain HTTP client inside the client namespace: no token, a wrong one, then the right one.
      const bare = await httpGet(lab, `${origin}/`);
      expect(bare.status, bare.raw).toBe(403);
      const wrong = await httpGet(lab, `${origin}/?token=${'x'.repeat(token.length)}`);
      expect(wrong.status, wrong.raw).toBe(403);
      const asset = await httpGet(lab, `${origin}/index.html`);
      expect(asset.status, asset.raw).toBe(403);
      const right = await httpGet(lab, labServe.url);
      expect(right.status, right.raw).toBe(200);

      // The browser, with no token and no cookie: the page and the API's WebSocket are refused.
      const response = await page.goto(`${origin}/`);
      expect(response?.status()).toBe(403);
      await expect(page.locator('body')).toContainText('forbidden');
      const opened = await page.evaluate(
        (url) =>
          new Promise<boolean>((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => resolve(true);
            socket.onclose = () => resolve(false);
          }),
        `${origin.replace(/^http/, 'ws')}/api`,
      );
      expect(opened, 'a WebSocket to /api without the token opened').toBe(false);
    });
  });
});

/** What each step must show beyond final statuses, in every scenario walked here. */
async function checkStep(name: string, wizard: WizardPage, scenario: string): Promise<void> {
  switch (name) {
    case 'Identify the application':
      await wizard.waitForProbe('target', 'complete');
      await wizard.waitForProbe('error-text', 'skipped'); // no error text given
      break;
    case 'Network connectivity':
      for (const id of ['dns', 'ping', 'traceroute', 'tcp-connect'])
        await wizard.waitForProbe(id, 'complete');
      await expect(wizard.probe('traceroute').getByRole('img')).toBeVisible();
      await expect(wizard.probe('ping').getByRole('img')).toBeVisible();
      break;
    case 'Server logs':
      await wizard.waitForProbe('log-scan', 'skipped'); // no log given
      break;
    case 'TCP handshake':
      await wizard.waitForProbe('packet-capture', 'complete');
      if (scenario.startsWith('inject')) {
        // The request's timeline, its reset's signals, and the hop the replays place it at.
        const capture = wizard.probe('packet-capture');
        await expect(capture).toContainText('reset on the request');
        await expect(
          capture.getByRole('table', { name: /Signals: who sent the reset on “request”/ }),
        ).toBeVisible();
        await wizard.waitForProbe('reset-hop', 'complete');
        await expect(wizard.probe('reset-hop')).toContainText('resets here');
        await expect(wizard.probe('reset-hop')).toContainText('hop 2');
      }
      break;
  }
}
