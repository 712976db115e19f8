import type { Report } from '../../shared/report-info.js';
import { esc, keyValues } from './report-html-parts.js';
import {
  hopFacts,
  resetStory,
  resetsShown,
  senderWords,
  type ResetHopLine,
  type SignalGroup,
} from './report-resets.js';

/**
 * The resets card: after what each connection ended, who sent each reset with every signal's vote in
 * words, and the hop the replay found. Empty when the run met no reset and replayed nothing.
 */
export function resetsCard(report: Report): string {
  const story = resetStory(report);
  if (!story) return '';
  const { lines, tables, untold } = resetsShown(
    story,
    (e) =>
      `<span class="mono">${esc(e.names)}</span>: ${esc(e.afterWhat)}${e.sender ? `; ${esc(e.sender)}` : ''}`,
    (r) =>
      `${r.connection ? `<span class="mono">${esc(r.connection)}</span>: ` : ''}reset, ${esc(senderWords(r))}`,
  );
  const parts = [
    '<h2>Resets: after what, and who sent them</h2>',
    lines.length ? `<ul class="list">${lines.map((l) => `<li>${l}</li>`).join('')}</ul>` : '',
    ...tables.map(signalsTable),
    untold ? `<p class="sub">${untold}</p>` : '',
    story.hop ? hopSection(story.hop) : '',
  ];
  return `<section class="card resets">${parts.join('')}</section>`;
}

function signalsTable({ resets: [reset], title }: SignalGroup): string {
  if (!reset) return '';
  const rows = reset.signals.map(
    (s) =>
      `<tr><td><strong>${esc(s.name)}</strong></td><td class="${s.path ? 'vote-path' : 'vote'}">${esc(s.vote)}</td>` +
      `<td class="num">${s.weight === null ? '' : esc(String(s.weight))}</td><td>${esc(s.detail)}</td></tr>`,
  );
  return (
    `<h3 class="gap">${esc(title)}</h3>` +
    `<p class="sender">${esc(senderWords(reset, true))}.${reset.reason ? ` <span class="why">${esc(reset.reason)}</span>` : ''}</p>` +
    '<table class="signals"><thead><tr><th>Signal</th><th>Points to</th><th>Weight</th><th>What was seen</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function hopSection(hop: ResetHopLine): string {
  const rows = hop.attempts.map(
    (a) =>
      `<tr><td class="num">${esc(String(a.ttl))}</td><td>${esc(a.payload)}</td>` +
      `<td class="${a.reset ? 'vote-path' : ''}">${esc(a.outcome)}</td><td class="mono">${esc(a.from ?? '')}</td>` +
      `<td class="num">${a.rstTtl === null ? '' : esc(String(a.rstTtl))}</td></tr>`,
  );
  const table = rows.length
    ? '<table class="attempts"><thead><tr><th>TTL</th><th>Sent</th><th>Outcome</th><th>From</th><th>RST TTL</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table>`
    : '';
  return `<h3 class="gap">Which hop resets</h3>${keyValues(hopFacts(hop))}${table}`;
}
