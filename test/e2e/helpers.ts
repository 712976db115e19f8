import { expect, type Locator, type Page } from '@playwright/test';
import { CAUSE_TITLES, type CauseId } from '../../electron/shared/cause-info.js';
import type { Report } from '../../electron/shared/report-info.js';
import { validateReport } from '../../electron/engine/report/report-schema.js';

/**
 * The page's globals, typed just enough for the functions below that run inside the browser: tsconfig.json
 * has no DOM lib (the engine and the tests run under Node), so they reach them through `globalThis`.
 */
interface PageNode {
  textContent: string | null;
  scrollHeight: number;
  clientHeight: number;
  getAttribute(name: string): string | null;
}
interface PageGlobals {
  __liveStates?: [string, string][];
  document: {
    documentElement: PageNode | null;
    activeElement: unknown;
    querySelectorAll(selector: string): Iterable<PageNode>;
    addEventListener(type: string, listener: () => void): void;
  };
  MutationObserver: new (callback: () => void) => { observe(target: PageNode, options: object): void };
  getComputedStyle(element: PageNode): { overflowY: string };
  requestAnimationFrame(callback: () => void): number;
}

/**
 * Records what the page draws as it draws it (a MutationObserver installed before the page's own scripts):
 * every status each probe element shows (`probe:<id>`), and every state word of each checklist entry
 * (`step:<name>`, e.g. Pending, Running, Passed). Proof that the wizard updates live.
 */
export async function recordLiveStates(page: Page, stepNames: string[]): Promise<void> {
  await page.addInitScript((names: string[]) => {
    const { document, MutationObserver } = globalThis as unknown as PageGlobals;
    const log: [string, string][] = [];
    const last = new Map<string, string>();
    (globalThis as unknown as PageGlobals).__liveStates = log;
    const note = (key: string, value: string) => {
      if (last.get(key) === value) return;
      last.set(key, value);
      log.push([key, value]);
    };
    const scan = () => {
      for (const element of document.querySelectorAll('[data-probe-id]'))
        note(`probe:${element.getAttribute('data-probe-id')}`, element.getAttribute('data-status') ?? '');
      for (const item of document.querySelectorAll('nav[aria-label="Checklist"] li')) {
        const text = (item.textContent ?? '').replace(/\s+/g, ' ').trim();
        const name = names.find((n) => text.includes(n));
        if (name) note(`step:${name}`, text.slice(text.indexOf(name) + name.length).trim());
      }
    };
    const observer = new MutationObserver(scan);
    const start = () =>
      observer.observe(document.documentElement!, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
        attributeFilter: ['data-status', 'data-probe-id', 'aria-current'],
      });
    if (document.documentElement) start();
    else document.addEventListener('DOMContentLoaded', start);
  }, stepNames);
}

/** Every state each probe (`probe:<id>`) and checklist entry (`step:<name>`) showed on screen, in order. */
export async function liveStateHistory(page: Page): Promise<Record<string, string[]>> {
  const log = await page.evaluate(() => (globalThis as unknown as PageGlobals).__liveStates ?? []);
  const history: Record<string, string[]> = {};
  for (const [key, value] of log) (history[key] ??= []).push(value);
  return history;
}

/**
 * Errors the page logged or threw (a CSP violation shows up here too), and responses that failed, by URL.
 * Chromium asks every site for /favicon.ico on its own; the wizard has none, and a 404 for it says nothing
 * about the wizard, so that one is left out.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    // A failed load is logged without its URL: the response listener below records it with the URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && url.pathname !== '/favicon.ico')
      errors.push(`HTTP ${response.status()}: ${url.pathname}`);
  });
  page.on('requestfailed', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'blob:')
      errors.push(`request failed: ${url.pathname}: ${request.failure()?.errorText}`);
  });
  return errors;
}

/**
 * A screenshot of the whole wizard. The app scrolls inside its panes (the page itself never scrolls), so
 * Playwright's fullPage would stop at the window: grow the viewport to the tallest pane first.
 */
export async function fullScreenshot(page: Page, path: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 860 };
  // The panes scroll by (scrollHeight - clientHeight): a window that much taller shows all of them.
  const overflow = await page.evaluate(() => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const root = document.documentElement!;
    let most = root.scrollHeight - root.clientHeight;
    for (const element of document.querySelectorAll('body *')) {
      const extra = element.scrollHeight - element.clientHeight;
      if (extra > 0 && /(auto|scroll)/.test(getComputedStyle(element).overflowY))
        most = Math.max(most, extra);
    }
    return Math.max(0, Math.ceil(most));
  });
  const needed = viewport.height + overflow;
  const height = Math.min(Math.max(viewport.height, needed), 6000);
  if (height !== viewport.height) await page.setViewportSize({ width: viewport.width, height });
  try {
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const { requestAnimationFrame } = globalThis as unknown as PageGlobals;
          requestAnimationFrame(() => requestAnimationFrame(resolve));
        }),
    );
    await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  } finally {
    if (height !== viewport.height) await page.setViewportSize(viewport);
  }
}

/** Presses Tab until `target` has the focus; returns how many presses it took. Fails after `max`. */
export async function tabTo(page: Page, target: Locator, max = 40): Promise<number> {
  await expect(target).toBeVisible();
  for (let presses = 0; presses <= max; presses++) {
    const focused = await target.evaluate(
      (element) => element === (globalThis as unknown as PageGlobals).document.activeElement,
    );
    if (focused) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target} in ${max} presses`);
}

/** Checks an exported JSON report: it parses, matches the schema, and says what the wizard said. */
export function checkJsonExport(content: string, expected: { cause: CauseId; target: string }): Report {
  const report = JSON.parse(content) as Report;
  const validation = validateReport(report);
  expect(validation.valid ? [] : validation.errors, 'schema errors of the exported JSON').toEqual([]);
  expect(report.diagnosis.verdict).toBe(expected.cause);
  expect(report.target.input).toBe(expected.target);
  return report;
}

/** Checks an exported HTML report: the same verdict, and nothing that would load from elsewhere. */
export function checkHtmlExport(content: string, expected: { cause: CauseId; target: string }): void {
  expect(content).toMatch(/^<!doctype html>/i);
  const verdicts = [...content.matchAll(/<[a-z][a-z0-9]*\s[^>]*\bdata-verdict="([^"]*)"/gi)].map((m) => m[1]);
  expect(verdicts, 'data-verdict attributes of the exported HTML').toEqual([expected.cause]);
  expect(remoteUrls(content, expected.target), 'remote URLs in the exported HTML').toEqual([]);
  // Nothing protocol-relative, no imported style sheets, no scripts or frames from a URL.
  expect(content).not.toMatch(/\b(?:src|href|action|poster|srcset)\s*=\s*["']?\s*\/\//i);
  expect(content).not.toMatch(/url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i);
  expect(content).not.toMatch(/@import/i);
  expect(content).not.toMatch(/<(?:script|iframe|link|img)\b[^>]*\b(?:src|href)\s*=\s*["']?(?!data:|#)/i);
}

/**
 * URLs in a document other than the diagnosed target itself (which the report quotes as text) and the SVG
 * namespace name (an identifier, never fetched).
 */
export function remoteUrls(content: string, target: string): string[] {
  const origin = new URL(target.includes('://') ? target : `http://${target}`).origin;
  return [...content.matchAll(/\b(?:https?|wss?|ftp):\/\/[^\s"'<>)&\\]+/gi)]
    .map((m) => m[0])
    .filter(
      (url) => !url.startsWith(origin) && !/^http:\/\/www\.w3\.org\/(?:2000\/svg|1999\/xlink)$/.test(url),
    );
}

/** Checks an exported Markdown report: it names the verdict by its title. */
export function checkMarkdownExport(
  content: string,
  expected: { cause: CauseId; target: string; hop?: number },
): void {
  expect(content).toContain(CAUSE_TITLES[expected.cause]);
  expect(content).toContain(`\`${expected.cause}\``);
  expect(content).toContain(expected.target);
  // The short summary leads, and names the blamed hop by its address.
  const short = content.slice(0, content.indexOf('**Verdict:'));
  expect(short).toContain('## In short');
  expect(short.split('\n').length).toBeLessThanOrEqual(20);
  if (expected.hop !== undefined)
    expect(short).toMatch(new RegExp(`Who sent the reset: .*\\(hop ${expected.hop}\\), address \\S+`));
}

/**
 * The SVG pictures under `selector`, each written out element by element with its attributes sorted (the
 * browser's renderer and svelte/server write them in different orders), keyed by the closest
 * `data-probe-id` (or `picture` when there is none), for comparing a page's pictures with an export's.
 */
export async function canonicalPictures(page: Page, selector: string): Promise<Record<string, string[]>> {
  return page.locator(selector).evaluateAll((svgs) => {
    type Drawn = {
      tagName: string;
      attributes: ArrayLike<{ name: string; value: string }>;
      children: ArrayLike<Drawn>;
      textContent: string | null;
      closest(selector: string): { getAttribute(name: string): string | null } | null;
    };
    const attributes = (e: Drawn) =>
      Array.from(e.attributes)
        .map((a) => `${a.name}=${a.value}`)
        .sort()
        .join(' ');
    const canonical = (e: Drawn): string =>
      `<${e.tagName} ${attributes(e)}>${e.children.length === 0 ? (e.textContent ?? '') : Array.from(e.children).map(canonical).join('')}</>`;
    const byProbe: Record<string, string[]> = {};
    for (const svg of svgs as unknown as Drawn[]) {
      const key = svg.closest('[data-probe-id]')?.getAttribute('data-probe-id') ?? 'picture';
      (byProbe[key] ??= []).push(canonical(svg));
    }
    return byProbe;
  });
}
