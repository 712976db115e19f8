/**
 * The wizard fits its window: at the Electron window's minimum width (900 px) and at 1280 px, in light
 * and dark, no step scrolls or is cut sideways, a focused control is never hidden under the sticky
 * button bar, the Start button is on screen at 1280×800, and the summary names the blamed hop by its
 * address. Against a lab whose router at hop 2 resets the request, so every picture has something to draw.
 */
import { e2eUnavailableReason, expect, labSuiteTitle, screenshotPath, test } from './fixtures.js';
import { fullScreenshot } from './helpers.js';
import { StartPage } from './pages/start-page.js';
import { SummaryPage } from './pages/summary-page.js';
import { STEP_NAMES, WizardPage } from './pages/wizard-page.js';

const UNAVAILABLE = e2eUnavailableReason();

const WIDTHS = [900, 1280];
const SCHEMES = ['light', 'dark'] as const;

/** Browser-side globals, typed just enough (tsconfig.json has no DOM lib). */
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  className: unknown;
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  parentElement: El | null;
  getBoundingClientRect(): Box;
  closest(selector: string): El | null;
  contains(other: unknown): boolean;
}
interface Globals {
  document: {
    querySelector(s: string): El | null;
    querySelectorAll(s: string): Iterable<El>;
    activeElement: El | null;
  };
  getComputedStyle(e: El): { overflowX: string; display: string; visibility: string };
}

/**
 * What sticks out sideways in the view: the scroll pane wider than itself, and any element cut by a
 * parent that hides its overflow, or reaching past the pane's right edge. Pictures may scroll inside their
 * own `.scroll` frame (a 30-hop traceroute is wider than any window); nothing else may.
 */
async function sideways(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as Globals;
    const main = document.querySelector('main.main');
    if (!main) return ['no main pane'];
    const problems: string[] = [];
    if (main.scrollWidth > main.clientWidth + 1)
      problems.push(`the pane scrolls sideways: ${main.scrollWidth} px of ${main.clientWidth}`);
    const edge = main.getBoundingClientRect().right;
    const name = (e: El) =>
      `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]} “${(e.textContent ?? '').trim().slice(0, 40)}”`;
    for (const e of document.querySelectorAll('main.main *')) {
      if (e.closest('.scroll')) continue;
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = e.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right > edge + 1)
        problems.push(`${name(e)} reaches ${Math.round(box.right - edge)} px past the pane`);
      if (/hidden|clip/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1)
        problems.push(`${name(e)} cuts ${e.scrollWidth - e.clientWidth} px of its content`);
    }
    return [...new Set(problems)].slice(0, 10);
  });
}

/**
 * Every control of the view, put where the sticky button bar covers it and then given the focus (as Tab
 * gives it): the browser must scroll it clear of the bar. A sentence for each one left hidden.
 */
async function focusUnderBar(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as Globals;
    const main = document.querySelector('main.main') as (El & { scrollTop: number }) | null;
    const bar = document.querySelector('.controls-bar');
    if (!main || !bar) return ['no pane or no button bar'];
    const problems: string[] = [];
    const controls = [
      ...document.querySelectorAll(
        'main.main .view :is(a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"]))',
      ),
    ];
    for (const control of controls as (El & { focus(): void; disabled?: boolean })[]) {
      if (control.disabled || control.getBoundingClientRect().height === 0) continue;
      const barTop = bar.getBoundingClientRect().top;
      // Scroll so the control's top sits just under the bar's top edge, then focus it.
      main.scrollTop += control.getBoundingClientRect().top - barTop - 4;
      if (control.getBoundingClientRect().top < barTop) continue; // the pane cannot scroll that far
      control.focus();
      const box = control.getBoundingClientRect();
      const floor = bar.getBoundingClientRect().top;
      if (box.bottom > floor + 1)
        problems.push(
          `${control.tagName.toLowerCase()} “${(control.textContent ?? '').trim().slice(0, 30)}” ends ${Math.round(box.bottom - floor)} px under the button bar`,
        );
    }
    return problems;
  });
}

test.describe(labSuiteTitle('layout at 900 and 1280 px, light and dark'), () => {
  test.skip(UNAVAILABLE !== null, UNAVAILABLE ?? '');
  test.use({ scenario: 'inject-http-hop2' });

  test('no step overflows sideways, focus is never hidden, Start is above the fold', async ({
    page,
    labServe,
  }) => {
    const start = new StartPage(page);
    const wizard = new WizardPage(page);
    const summary = new SummaryPage(page);

    await page.setViewportSize({ width: 1280, height: 800 });
    await start.open(labServe.url);
    await start.fill({ target: labServe.target });
    await expect(start.startButton).toBeInViewport({ ratio: 1 });
    await fullScreenshot(page, screenshotPath('layout-1280x800-start'));
    await start.start();
    await wizard.runAll();
    expect(await summary.verdictId({ timeout: 60_000 })).toBe('firewall-reset');

    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        await test.step(`${width} px, ${scheme}`, async () => {
          await page.setViewportSize({ width, height: 800 });
          await page.emulateMedia({ colorScheme: scheme });
          for (const name of STEP_NAMES) {
            await wizard.goToStep(name);
            expect(await sideways(page), `${name} at ${width} px`).toEqual([]);
          }
          await fullScreenshot(page, screenshotPath(`layout-${width}-${scheme}-summary`));
          await wizard.goToStep('TCP handshake');
          await fullScreenshot(page, screenshotPath(`layout-${width}-${scheme}-handshake`));
          // The pictures up close: the forged reset from the path's lane, the hops with their addresses.
          await page
            .locator('figure.timeline')
            .first()
            .screenshot({ path: screenshotPath(`layout-${width}-${scheme}-timeline`) });
          await page
            .locator('li[data-probe-id="reset-hop"] figure.chart')
            .first()
            .screenshot({ path: screenshotPath(`layout-${width}-${scheme}-hops`) });
          await wizard.goToStep('Summary');

          // A control the focus reaches is scrolled clear of the sticky bar, in a step and in the summary.
          expect(await focusUnderBar(page), `focus hidden at ${width} px (summary)`).toEqual([]);
          await wizard.goToStep('Network connectivity');
          expect(await focusUnderBar(page), `focus hidden at ${width} px (a step)`).toEqual([]);
          await wizard.goToStep('Summary');
        });
      }
    }
    // The verdict names the hop by its address, as the replays or the traceroute saw it.
    await expect(summary.verdict).toContainText(/hop 2\b[^.]*\b\d+\.\d+\.\d+\.\d+/);
  });
});
