import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Report } from '../../shared/report-info.js';
import { fileErrorWords } from '../net/errno-failure.js';
import { loadExportPictures } from './export-pictures-loader.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';

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

/** The report as text; HTML draws its pictures with the wizard's components (loaded once, when asked). */
export async function renderReport(report: Report, format: ReportFormat): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtml(report, await loadExportPictures());
    case 'md':
      return renderMarkdown(report);
  }
}

/**
 * Why a report cannot be written to this path, in a few words, or null: checked before a run, so a
 * typo in the directory does not cost the whole diagnosis. An existing directory or device is refused
 * (the rename would replace a device node), and the directory must take a new file: one is created
 * there under the temporary name the writer uses, and removed.
 */
export async function reportFileProblem(file: string): Promise<string | null> {
  try {
    const existing = await stat(file);
    if (existing.isDirectory()) return 'a directory: give a file name in it';
    if (!existing.isFile()) return 'not a regular file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return fileErrorWords(error);
  }
  const dir = dirname(file);
  const temp = tempName(file);
  try {
    await (await open(temp, 'wx')).close();
    await rm(temp, { force: true });
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `the directory ${dir} does not exist`;
    return `cannot create a file in ${dir}: ${fileErrorWords(error)}`;
  }
}

/** Same directory as the report, so the rename never crosses file systems and stays atomic. */
function tempName(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Temporary files being written. A process that exits on the spot (a second Ctrl-C calls process.exit)
 * runs no finally blocks, so they are removed in its 'exit' event, which still runs synchronous code.
 */
const unfinished = new Set<string>();

function removeUnfinished(): void {
  for (const temp of unfinished) rmSync(temp, { force: true });
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
  // Loaded here, not at start-up: the validator (Ajv) costs every CLI start about 50 ms otherwise.
  const { validateReport } = await import('./report-schema.js');
  const check = validateReport(report);
  if (!check.valid) {
    const shown = check.errors.slice(0, 3).join('; ');
    const more = check.errors.length > 3 ? ` (and ${check.errors.length - 3} more)` : '';
    throw new Error(`The report is not valid, so it was not written: ${shown}${more}`);
  }
  await writeFileAtomic(file, await renderReport(report, format));
}

/**
 * Writes the file whole or not at all: a temporary file beside it, flushed, then renamed over the name
 * (reports, and watch's pcapng).
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temp = tempName(file);
  if (unfinished.size === 0) process.on('exit', removeUnfinished);
  unfinished.add(temp);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(content);
      // Flush before the rename so a crash cannot leave a complete name pointing at empty data.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    unfinished.delete(temp);
    if (unfinished.size === 0) process.off('exit', removeUnfinished);
  }
}
