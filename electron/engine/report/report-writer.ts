import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Report } from '../../shared/report-info.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';
import { validateReport } from './report-schema.js';

export type ReportFormat = 'json' | 'html' | 'md';

const EXTENSIONS: Record<string, ReportFormat> = {
  '.json': 'json',
  '.html': 'html',
  '.htm': 'html',
  '.md': 'md',
  '.markdown': 'md',
};

/** The format a file name asks for, or null when its extension is not one we write. */
export function formatFromPath(file: string): ReportFormat | null {
  return EXTENSIONS[extname(file).toLowerCase()] ?? null;
}

export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtml(report);
    case 'md':
      return renderMarkdown(report);
  }
}

/**
 * Validates, renders and writes a report. A report that breaks the schema is refused rather than
 * written, since people hand these files to others who cannot rerun the tool. The file appears
 * whole or not at all: the text goes to a temporary file in the same directory, then is renamed.
 */
export async function writeReport(report: Report, file: string): Promise<void> {
  const format = formatFromPath(file);
  if (format === null) {
    throw new Error(`Cannot tell the report format from "${basename(file)}": use .json, .html or .md`);
  }
  const check = validateReport(report);
  if (!check.valid) {
    const shown = check.errors.slice(0, 3).join('; ');
    const more = check.errors.length > 3 ? ` (and ${check.errors.length - 3} more)` : '';
    throw new Error(`The report is not valid, so it was not written: ${shown}${more}`);
  }
  const text = renderReport(report, format);
  // Same directory, so the rename never crosses file systems and stays atomic.
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      // Flush before the rename so a crash cannot leave a complete name pointing at empty data.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
