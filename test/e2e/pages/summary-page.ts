import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import type { ExportFormat } from '../../../electron/shared/api-contract.js';

const EXPORT_LABELS: Record<ExportFormat, string> = {
  html: 'Export HTML',
  json: 'Export JSON',
  md: 'Export Markdown',
};

export interface ExportedFile {
  /** The name the page gave the download. */
  fileName: string;
  /** Where the test saved it (inside the test's output directory). */
  path: string;
  content: string;
}

/** The summary: the verdict, its evidence and remedies, and the exports. */
export class SummaryPage {
  readonly heading: Locator;
  /** The verdict card: `data-verdict="<cause id>"`. */
  readonly verdict: Locator;
  readonly verdictTitle: Locator;
  readonly evidence: Locator;
  readonly remedies: Locator;

  constructor(readonly page: Page) {
    const main = page.getByRole('main');
    this.heading = main.getByRole('heading', { level: 2, name: 'Summary' });
    this.verdict = main.locator('[data-verdict]');
    this.verdictTitle = this.verdict.getByRole('heading');
    this.evidence = main.getByRole('region', { name: 'Evidence' }).getByRole('listitem');
    this.remedies = main.getByRole('region', { name: 'Remedies' }).getByRole('listitem');
  }

  /** Waits for the verdict (it appears when every step has finished) and returns its cause id. */
  async verdictId(options: { timeout?: number } = {}): Promise<string> {
    await expect(this.verdict).toBeVisible(options);
    return (await this.verdict.getAttribute('data-verdict')) ?? '';
  }

  async evidenceLines(): Promise<string[]> {
    return this.evidence.allInnerTexts();
  }

  async remedyLines(): Promise<string[]> {
    return this.remedies.allInnerTexts();
  }

  exportButton(format: ExportFormat): Locator {
    return this.page.getByRole('button', { name: EXPORT_LABELS[format], exact: true });
  }

  /** Clicks "Export …", saves the browser's download under the test's output directory, reads it back. */
  async export(format: ExportFormat, testInfo: TestInfo): Promise<ExportedFile> {
    const button = this.exportButton(format);
    await expect(button).toBeEnabled();
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    const failure = await download.failure();
    if (failure) throw new Error(`the ${format} download failed: ${failure}`);
    const fileName = download.suggestedFilename();
    const path = testInfo.outputPath(`export-${format}-${fileName}`);
    await download.saveAs(path);
    return { fileName, path, content: await readFile(path, 'utf8') };
  }
}
