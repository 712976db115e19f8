import { wizardSettleText } from '../../shared/next-step-words.js';
import type { ExportPictures } from '../../shared/export-pictures-info.js';
import type { WatchResult } from '../../shared/watch-info.js';
import {
  catchBefore,
  catchKind,
  catchOwner,
  catchSender,
  catchTtl,
  caughtHeading,
  summaryLines,
  watchSeconds,
  watchVerdictLine,
} from '../../shared/watch-words.js';
import { card, codeList, esc, htmlPage, list } from './report-html-parts.js';
import { readableTime } from './report-text.js';
import { exportCss } from './report-html-style.js';
import type { PcapFrames } from '../watch/watch-pcap.js';

/** Rows of the catches table: the rest are in the JSON export. */
const MAX_ROWS = 200;

/**
 * A watch as one self-contained HTML page (no scripts, nothing fetched), for a ticket or a provider: the
 * verdict, the timeline drawn by the wizard's own component (server-rendered, export-pictures-info.ts),
 * the summary and each catch with its frames in the pcapng. Every string from the watch is escaped; the
 * component escapes its own.
 */
export function renderWatchHtml(
  r: WatchResult,
  pictures: ExportPictures | null,
  frames: Record<string, PcapFrames> = {},
): string {
  const verdict = watchVerdictLine(r.diagnosis, r.counts, wizardSettleText);
  const lead = r.diagnosis?.findings[0];
  const timeline = pictures?.watchTimeline(r.timeline, r.catches) ?? null;
  const body = [
    `<h1>Reset Doctor watch: ${esc(r.target.input)}</h1>`,
    `<p class="sub">${esc(`${readableTime(r.startedAt)} to ${readableTime(r.finishedAt)}, by ${r.seenBy === 'capture' ? 'packet capture' : 'the socket table (no capture)'}`)}</p>`,
    card(
      'Verdict',
      `<p>${esc(verdict ?? 'No verdict: fewer than two resets (or silences) were caught.')}</p>${
        lead && lead.remedies.length > 0
          ? `<h3>What to change</h3>${codeList(lead.remedies.slice(0, 4), '')}`
          : ''
      }`,
    ),
    card(
      'Timeline',
      timeline?.body ??
        `<p class="sub">${esc('The picture is missing: this copy of Reset Doctor was built without its export pictures (npm run build). The timeline is in the JSON and Markdown exports.')}</p>`,
    ),
    card('Summary', list(summaryLines(r, wizardSettleText), '')),
    catchesCard(r, frames),
    `<footer>Made by Reset Doctor, from the watch's result (JSON export for everything).</footer>`,
  ];
  return htmlPage({
    title: `Reset Doctor watch: ${r.target.input}`,
    css: exportCss(pictures?.palette ?? null, '.catches td:first-child { white-space: nowrap; }'),
    head: timeline ? [timeline.head] : [],
    body: body.join('\n'),
  });
}

function catchesCard(r: WatchResult, frames: Record<string, PcapFrames>): string {
  if (r.catches.length === 0) return card('Resets caught', `<p class="sub">None.</p>`);
  const framed = Object.keys(frames).length > 0;
  const rows = r.catches.slice(0, MAX_ROWS).map((c) => {
    const f = frames[c.connectionId];
    const cells = [
      `+${watchSeconds(c.at)}`,
      catchKind(c),
      catchOwner(c),
      String(c.localPort),
      catchBefore(c),
      catchSender(c) + catchTtl(c),
      ...(framed ? [f ? `${f.first}–${f.last}` : '—'] : []),
    ];
    return `<tr>${cells.map((cell) => `<td>${esc(cell)}</td>`).join('')}</tr>`;
  });
  const head = [
    'When',
    'What',
    'Program',
    'Local port',
    'Before',
    'Who, or what',
    ...(framed ? ['Frames in the pcapng'] : []),
  ];
  const more = r.catches.length - MAX_ROWS + r.catchesDropped;
  return card(
    caughtHeading(r.catches),
    `<table class="catches"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>${
      more > 0
        ? `<p class="sub">${esc(`${more} more are in the JSON export or were counted, not kept.`)}</p>`
        : ''
    }`,
  );
}
