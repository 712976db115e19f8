import type { EvidenceItem } from '../../shared/cause-info.js';
import { codeParts } from '../../shared/code-spans.js';
import { evidenceLines } from '../../shared/evidence-lines.js';
import { wizardSkipHint, wizardWords } from '../../shared/next-step-words.js';
import { showable } from '../../shared/printable-text.js';
import type { ProbeReport } from '../../shared/report-info.js';
import { formatDuration } from './report-text.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for element content and quoted attributes alike, so no call site has to choose; control
 * and bidirectional-override characters become U+FFFD (see printable-text.ts).
 */
export function esc(text: string): string {
  return showable(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const STATUS_MARKS: Record<string, string> = {
  pass: '✓',
  ok: '✓',
  complete: '✓',
  warn: '!',
  fail: '✕',
  failed: '✕',
  error: '✕',
  skipped: '–',
  pending: '…',
  running: '…',
};

/** A status as words plus a mark, so it reads without colour (print, colour blindness). */
export function badge(status: string): string {
  const mark = STATUS_MARKS[status] ?? '';
  const cls = /^[a-z-]+$/.test(status) ? ` s-${status}` : '';
  return `<span class="badge${cls}">${mark ? `${mark} ` : ''}${esc(status)}</span>`;
}

/** Wraps already-escaped HTML in a titled card. */
export function card(title: string, html: string): string {
  return `<section class="card"><h2>${esc(title)}</h2>${html}</section>`;
}

/** The engine's own text (a remedy, a step to settle it) with its `code` as <code>; all of it escaped. */
export function withCode(text: string): string {
  return codeParts(text)
    .map((p) => (p.code ? `<code>${esc(p.text)}</code>` : esc(p.text)))
    .join('');
}

/** Remedies and steps: a list whose `code` shows as code. */
export function codeList(items: string[], empty: string): string {
  if (items.length === 0) return `<p class="sub">${esc(empty)}</p>`;
  return `<ul class="list">${items.map((i) => `<li>${withCode(i)}</li>`).join('')}</ul>`;
}

export function list(items: string[], empty: string): string {
  if (items.length === 0) return `<p class="sub">${esc(empty)}</p>`;
  return `<ul class="list">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

/** Evidence items, each linked by its probe id to the probe's row in the steps below. */
export function evidenceList(items: EvidenceItem[], empty: string): string {
  if (items.length === 0) return `<p class="sub">${esc(empty)}</p>`;
  const li = (e: EvidenceItem) =>
    `<li>${esc(e.text)} <a class="sub" href="#probe-${esc(e.probe)}">${esc(e.probe)}</a></li>`;
  return `<ul class="list">${items.map(li).join('')}</ul>`;
}

/** Label/value pairs; values are escaped here, labels are the renderer's own words. */
export function keyValues(pairs: [string, string][]): string {
  const rows = pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  return `<dl class="kv">${rows}</dl>`;
}

export function probeTable(probes: ProbeReport[]): string {
  if (probes.length === 0) return '<p class="sub">No probes.</p>';
  const rows = probes.map((p) => {
    const status = p.assessment ? `${badge(p.status)} ${badge(p.assessment)}` : badge(p.status);
    const why: string[] = [];
    if (p.skipReason !== undefined && !p.summary.includes(p.skipReason))
      why.push(`<span class="why">Skipped because: ${esc(wizardWords(p.skipReason))}</span>`);
    if (p.status === 'skipped' && p.enables)
      why.push(`<span class="why">To run it: ${withCode(wizardSkipHint(p))}</span>`);
    if (p.failure) {
      why.push(
        `<span class="why failure">Failed (<code>${esc(p.failure.code)}</code>): ${esc(p.failure.message)}</span>`,
      );
    }
    const lines = evidenceLines(p.id, p.data);
    if (lines.length > 0) {
      const items = lines.map(
        (l) =>
          `<li><span class="why">${esc(l.tag)}</span> ${l.quoted ? `<code>${esc(l.text)}</code>` : esc(l.text)}${l.note ? ` <span class="why">${esc(l.note)}</span>` : ''}</li>`,
      );
      why.push(`<ul class="evidence-lines">${items.join('')}</ul>`);
    }
    return (
      `<tr id="probe-${esc(p.id)}"><td><strong>${esc(p.title)}</strong><br><code class="sub">${esc(p.id)}</code></td>` +
      `<td class="status">${status}</td><td class="num">${esc(formatDuration(p.durationMs))}</td>` +
      // The HTML speaks to the wizard's user: the start page's fields, not the CLI's flags.
      `<td>${esc(wizardWords(p.summary))}${why.join('')}</td></tr>`
    );
  });
  return (
    '<table><thead><tr><th class="probe">Probe</th><th>Status</th><th>Time</th><th>Result</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

// The policy makes the no-script, no-network promise hold even if some text ever escaped unescaped.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** A whole page: escaped title, the style, already-escaped head extras and body; no script, nothing fetched. */
export function htmlPage(page: { title: string; css: string; head?: string[]; body: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    ...(page.head ?? []),
    `<title>${esc(page.title)}</title>`,
    `<style>${page.css}</style>`,
    '</head>',
    '<body>',
    `<main>${page.body}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
