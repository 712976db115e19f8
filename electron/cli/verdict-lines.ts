import type { styleText } from 'node:util';
import { CAUSE_TITLES } from '../shared/cause-info.js';
import { findingFigures } from '../shared/finding-words.js';
import { cliSettleText } from '../shared/next-step-words.js';
import { showable } from '../shared/printable-text.js';
import type { Report } from '../shared/report-info.js';
import { hopAddressOf } from '../shared/verdict-words.js';

export type Paint = (style: Parameters<typeof styleText>[0], text: string) => string;

/**
 * A part of the verdict: a heading and its bullets. `least` is what a short screen keeps of its bullets
 * (0: the whole part goes), and `drop` the order parts give way in (1 first; 0 never), so the verdict
 * line, the evidence and the remedies stay on screen.
 */
export interface VerdictSection {
  lines: string[];
  head: number;
  least: number;
  drop: number;
}

/** The verdict of a run, part by part, as the terminal prints it. */
export function verdictSections(report: Report, paint: Paint): VerdictSection[] {
  const top = report.diagnosis.findings[0]!;
  const healthy = top.cause === 'healthy';
  // The blamed hop with its address (the replays' or the traceroute's), for a ticket to the path's owner.
  const address = top.origin === 'path' && top.hop ? hopAddressOf(report, top.hop) : null;
  const where = [
    `origin: ${top.origin}`,
    top.hop ? `hop ${top.hop}${address ? ` (${address})` : ''}` : null,
    top.phase ? `phase: ${top.phase}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const bullets = (texts: string[]) => texts.map((t) => `  • ${showable(t)}`);
  const part = (title: string, lines: string[], least: number, drop: number): VerdictSection[] =>
    lines.length ? [{ lines: [paint('bold', title), ...lines], head: 1, least, drop }] : [];
  // The candidates of an inconclusive verdict with their odds; a cause ruled out says what ruled it out.
  const others = report.diagnosis.findings.slice(1).map((f) => {
    const out = f.against.find((a) => a.rulesOut);
    return showable(
      out
        ? `  • ${f.cause}: ruled out: ${out.text}`
        : `  • ${f.cause} (${Math.round(f.confidence * 100)}%, origin ${f.origin}): ${f.evidence[0]?.text ?? ''}`,
    );
  });
  return [
    {
      lines: [
        '',
        `${paint('bold', 'Verdict:')} ${paint(healthy ? 'green' : 'red', `${top.cause}`)} — ${CAUSE_TITLES[top.cause]} (confidence ${Math.round(top.confidence * 100)}%${healthy ? '' : `, ${where}`})`,
        ...findingFigures(top).map(([label, value]) => showable(`${label}: ${value}`)),
      ],
      head: 0,
      least: 0,
      drop: 0,
    },
    // A verdict always says what it rests on and what to do, even when nothing backs it.
    {
      lines: [paint('bold', 'Evidence:'), ...bullets(top.evidence.map((e) => e.text))],
      head: 1,
      least: 2,
      drop: 4,
    },
    ...part('Against it:', bullets(top.against.map((e) => e.text)), 0, 3),
    ...part('What would settle it:', bullets(top.settle.map(cliSettleText)), 1, 5),
    { lines: [paint('bold', 'Remedies:'), ...bullets(top.remedies)], head: 1, least: 2, drop: 6 },
    ...part('Other findings:', others, 0, 2),
    ...report.diagnosis.notes.map((n) => ({
      lines: [paint('gray', `Note: ${showable(n.text)}`)],
      head: 0,
      least: 0,
      drop: 1,
    })),
  ];
}

/**
 * The verdict within `rows` screen lines (as `height` counts a line once wrapped): the parts give way in
 * their order, each to the bullets it keeps, and a last line says how much was left out and where it
 * is. Untouched when it fits.
 */
export function fitVerdict(
  sections: VerdictSection[],
  rows: number,
  height: (line: string) => number,
  hint: (left: number) => string,
): string[] {
  const total = (parts: VerdictSection[]) =>
    parts.reduce((sum, s) => sum + s.lines.reduce((n, l) => n + height(l), 0), 0);
  const full = total(sections);
  if (full <= rows) return sections.flatMap((s) => s.lines);
  let kept = sections;
  const order = [...new Set(sections.map((s) => s.drop).filter((d) => d > 0))].sort((a, b) => a - b);
  for (const drop of order) {
    kept = kept.flatMap((s) => {
      if (s.drop !== drop) return [s];
      if (s.least === 0) return [];
      return [{ ...s, lines: s.lines.slice(0, s.head + s.least) }];
    });
    // One line is kept for the hint.
    if (total(kept) + 1 <= rows) break;
  }
  return [...kept.flatMap((s) => s.lines), hint(full - total(kept))];
}
