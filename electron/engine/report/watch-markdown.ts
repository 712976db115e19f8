import type { WatchResult } from '../../shared/watch-info.js';
import {
  catchBefore,
  caughtHeading,
  catchOwner,
  catchSender,
  catchTtl,
  rttFigure,
  summaryLines,
  watchSeconds,
} from '../../shared/watch-words.js';
import { md, mdWithCode } from './report-markdown.js';
import type { PcapFrames } from '../watch/watch-pcap.js';

/** Rows of the catches table: the rest are counted below it. */
const MAX_ROWS = 200;

/**
 * A watch as Markdown for a ticket: what was watched and the counts first, then each reset with who
 * sent it, then the timeline's busy slices. The words are the CLI's and the wizard's (watch-words.ts).
 */
export function renderWatchMarkdown(r: WatchResult, frames: Record<string, PcapFrames> = {}): string {
  const framed = Object.keys(frames).length > 0;
  const [summary = '', ...rest] = summaryLines(r);
  const lines = [
    `# Reset Doctor watch: ${md(r.target.input)}`,
    '',
    md(summary),
    '',
    `Watched from ${md(r.startedAt)} to ${md(r.finishedAt)}, by ${r.seenBy === 'capture' ? 'packet capture' : 'the socket table (no capture)'}.`,
    '',
    ...rest.map((line) => `- ${md(line)}`),
  ];
  const lead = r.diagnosis?.findings[0];
  if (lead && lead.remedies.length > 0) {
    lines.push('', '## What to change', '');
    for (const remedy of lead.remedies.slice(0, 4)) lines.push(`- ${mdWithCode(remedy)}`);
  }
  if (r.catches.length > 0) {
    lines.push('', `## ${caughtHeading(r.catches)}`, '');
    // With the packets kept, each row names its frames in the pcapng export, to check it in Wireshark.
    lines.push(
      `| When | Program | Local port | Before the reset | Who sent it |${framed ? ' Frames in the pcapng |' : ''}`,
      `|---|---|---|---|---|${framed ? '---|' : ''}`,
    );
    for (const c of r.catches.slice(0, MAX_ROWS)) {
      const f = frames[c.connectionId];
      const cell = framed ? ` ${f ? `${f.first}–${f.last}` : '—'} |` : '';
      lines.push(
        `| +${watchSeconds(c.at)} | ${md(catchOwner(c))} | ${c.localPort} | ${md(catchBefore(c))} | ${md(catchSender(c) + catchTtl(c))} |${cell}`,
      );
    }
    const more = r.catches.length - MAX_ROWS + r.catchesDropped;
    if (more > 0) lines.push('', `${more} more resets are in the JSON export or were counted, not kept.`);
    const reasons = r.catches.filter((c) => c.verdict !== null).slice(0, 3);
    if (reasons.length > 0) {
      lines.push('', 'Why, for the first of them:', '');
      for (const c of reasons)
        lines.push(`- +${watchSeconds(c.at)} :${c.localPort}: ${md(c.verdict!.reason)}`);
    }
  }
  const busy = r.timeline.slices.filter((s) => s.opened + s.closed + s.resets + s.retransmits > 0);
  if (busy.length > 0) {
    lines.push('', `## Timeline (slices of ${watchSeconds(r.timeline.sliceMs)})`, '');
    lines.push(
      '| From | Opened | Closed by the target | Reset | Open at most | Round trip at most | Retransmitted |',
      '|---|---|---|---|---|---|---|',
    );
    for (const s of busy)
      lines.push(
        `| +${watchSeconds(s.at)} | ${s.opened} | ${s.closed} | ${s.resets} | ${s.open} | ${s.rttMs === null ? '–' : `${rttFigure(s.rttMs)} ms`} | ${s.retransmits} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
