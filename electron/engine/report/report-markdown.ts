import { evidenceLines } from '../../shared/evidence-lines.js';
import { CAUSES_WITHOUT_RESET, CAUSE_TITLES, type Finding } from '../../shared/cause-info.js';
import { codeParts } from '../../shared/code-spans.js';
import { cliSettleText, cliSkipHint } from '../../shared/next-step-words.js';
import { showable } from '../../shared/printable-text.js';
import { hopAddressOf, stepsBesideVerdict } from '../../shared/verdict-words.js';
import type { ProbeReport, Report, StepReport } from '../../shared/report-info.js';
import {
  hopFacts,
  resetStory,
  resetsShown,
  senderWords,
  ticketEnds,
  tracerouteHops,
  type ResetHopLine,
  type SignalGroup,
} from './report-resets.js';
import {
  PHASE_WORDS,
  findingFigures,
  formatDuration,
  optionLines,
  originText,
  otherFindings,
  percent,
  readableTime,
  runDurationMs,
  verdictFinding,
} from './report-text.js';

/**
 * Report text for a ticket or chat. Every string from the report is escaped: targets, error text, probe
 * summaries, evidence and remedies come from people and networks (and a redacted report is full of
 * `<ip-1>`), and a stray `*`, `|` or `<` must not reshape the ticket or vanish as raw HTML. Text is built
 * with the `m` template: what the template says is Markdown, every string put into it is data and is
 * escaped; only `Markdown` values (built the same way, or by `codeSpan`/`codeBlock`) go in as they are.
 */
export function renderMarkdown(report: Report): string {
  const finding = verdictFinding(report);
  const blocks = [
    titleLine(report),
    inShortBlock(report),
    verdictBlock(report),
    section(
      'Evidence',
      bullets(
        (finding?.evidence ?? []).map((e) => e.text),
        'No evidence recorded.',
      ),
    ),
    againstBlock(report),
    settleBlock(report),
    section('Remedies', bullets((finding?.remedies ?? []).map(withCode), 'No remedy recorded.')),
    otherFindingsBlock(report),
    notesBlock(report),
    resetsBlock(report),
    tracerouteBlock(report),
    section('Steps', stepsTable(report.steps)),
    ...stepsBesideVerdict(report.steps, finding).map(stepBlock),
    section('Target', targetBlock(report)),
    report.options.errorText === null
      ? null
      : section('Error text', new Markdown(codeBlock(report.options.errorText))),
    section('Environment', environmentBlock(report)),
    section('Run', runBlock(report)),
  ];
  return `${join(blocks, '\n\n').text}\n`;
}

/**
 * The report's title and its "In short" block, and nothing else: what a support engineer pastes into a
 * ticket's first lines ("Copy summary" in the wizard, report:summary), the whole report attached beside.
 */
export function renderMarkdownSummary(report: Report): string {
  return `${join([titleLine(report), inShortBlock(report)], '\n\n').text}\n`;
}

function titleLine(report: Report): Markdown {
  return m`# Reset Doctor report: ${report.target.input}`;
}

/** Evidence lines the short summary gives: the rest are in the Evidence section below it. */
const IN_SHORT_EVIDENCE = 3;

/**
 * What a provider's support desk acts on, before any detail: the verdict, who sent the reset and from
 * which address, when, between what, the evidence in three lines and the first thing to change.
 */
function inShortBlock(report: Report): Markdown {
  const finding = verdictFinding(report);
  const verdict = report.diagnosis.verdict;
  const candidates = (finding?.candidates ?? []).map((c) => CAUSE_TITLES[c] ?? c);
  const lines = [
    verdict === 'inconclusive'
      ? m`- Verdict: **inconclusive**${candidates.length ? m` (${candidates.join(' or ')})` : m``}`
      : m`- Verdict: **${CAUSE_TITLES[verdict]}**${finding ? m` (${percent(finding.confidence)} confident)` : m``}`,
  ];
  if (finding && verdict !== 'healthy') {
    const address =
      finding.origin === 'path' && finding.hop !== undefined ? hopAddressOf(report, finding.hop) : null;
    const who = CAUSES_WITHOUT_RESET.includes(finding.cause) ? 'Where it fails' : 'Who sent the reset';
    lines.push(m`- ${who}: ${originText(finding)}${address ? m`, address ${address}` : m``}`);
  }
  const to = report.target.addresses[0];
  const ends = ticketEnds(report);
  const host = report.target.host;
  lines.push(
    m`- When: ${readableTime(report.startedAt)}`,
    ends
      ? m`- Between: from ${ends.from} (this machine) to ${ends.to ?? `${to ?? host}:${report.target.port}`}${to === host ? m`` : m` (${host})`}, the ${ends.connection} connection`
      : m`- Between: this machine and ${host}${to && to !== host ? m` (${to})` : m``}, port ${String(report.target.port)}`,
  );
  const evidence = (finding?.evidence ?? []).slice(0, IN_SHORT_EVIDENCE);
  if (evidence.length) lines.push(m`- Evidence:`, ...evidence.map((e) => m`  - ${e.text}`));
  // Inconclusive: what would settle it comes first (its one remedy is to retry meanwhile).
  const settle = finding?.settle[0];
  const settleText = settle ? cliSettleText(settle) : undefined;
  const first =
    verdict === 'inconclusive' ? (settleText ?? finding?.remedies[0]) : (finding?.remedies[0] ?? settleText);
  if (first)
    lines.push(m`- ${verdict === 'inconclusive' ? 'To settle it' : 'What to change'}: ${withCode(first)}`);
  return section('In short', join(lines, '\n'));
}

function verdictBlock(report: Report): Markdown {
  const finding = verdictFinding(report);
  const lines = [
    m`**Verdict: ${CAUSE_TITLES[report.diagnosis.verdict]}** (${codeSpan(report.diagnosis.verdict)})`,
  ];
  if (finding) {
    const details = [m`Confidence: ${percent(finding.confidence)}`, m`Origin: ${originText(finding)}`];
    if (finding.phase !== null) details.push(m`Phase: ${PHASE_WORDS[finding.phase]}`);
    for (const [label, value] of findingFigures(finding)) details.push(m`${label}: ${value}`);
    lines.push(m``, join(details, ' · '));
  }
  if (report.cancelled) lines.push(m``, m`_The run was cancelled: some steps did not finish._`);
  return join(lines, '\n');
}

function againstBlock(report: Report): Markdown | null {
  const against = verdictFinding(report)?.against ?? [];
  return against.length ? section('Against it', bullets(against.map((e) => e.text))) : null;
}

function settleBlock(report: Report): Markdown | null {
  const settle = verdictFinding(report)?.settle ?? [];
  return settle.length
    ? section('What would settle it', bullets(settle.map((s) => withCode(cliSettleText(s)))))
    : null;
}

function otherFindingsBlock(report: Report): Markdown | null {
  const others = otherFindings(report);
  if (others.length === 0) return null;
  return section('Other findings', join(others.map(findingBullet), '\n'));
}

function findingBullet(finding: Finding): Markdown {
  const head = m`- **${CAUSE_TITLES[finding.cause]}** (${codeSpan(finding.cause)}), ${percent(finding.confidence)}, origin: ${originText(finding)}`;
  const sub = [
    ...finding.evidence.map((e) => m`  - Evidence: ${e.text}`),
    ...finding.against.map((e) => m`  - ${e.rulesOut ? 'Rules it out' : 'Against'}: ${e.text}`),
    ...finding.remedies.map((r) => m`  - Remedy: ${withCode(r)}`),
  ];
  return join([head, ...sub], '\n');
}

function notesBlock(report: Report): Markdown | null {
  const notes = report.diagnosis.notes;
  if (notes.length === 0) return null;
  return section(
    'Notes',
    join(
      notes.map((n) => m`- **${n.topic}**: ${n.text}`),
      '\n',
    ),
  );
}

/** After what each connection ended, who sent each reset and the signals that say so, and the hop that resets. */
function resetsBlock(report: Report): Markdown | null {
  const story = resetStory(report);
  if (!story) return null;
  const { lines, tables, untold } = resetsShown(
    story,
    (e) => m`${e.names}: ${e.afterWhat}${e.sender ? m`; ${e.sender}` : ''}`.text,
    (r) => m`${r.connection ? m`${r.connection}: ` : ''}reset, ${senderWords(r)}`.text,
  );
  // The lines are Markdown already: made by the two functions above, or resetsShown's own "and n more".
  const blocks = [
    lines.length
      ? join(
          lines.map((l) => m`- ${new Markdown(l)}`),
          '\n',
        )
      : null,
    ...tables.map(signalsBlock),
  ];
  if (untold) blocks.push(m`_${untold}_`);
  if (story.hop) blocks.push(hopBlock(story.hop));
  return section('Resets: after what, and who sent them', join(blocks, '\n\n'));
}

function signalsBlock({ resets: [reset], title }: SignalGroup): Markdown | null {
  if (!reset) return null;
  const lead = [m`${senderWords(reset, true)}.`];
  if (reset.reason) lead.push(m`${reset.reason}`);
  const rows = reset.signals.map((s) =>
    tableRow([
      s.name,
      s.path ? m`**${s.vote}**` : s.vote,
      s.weight === null ? '' : String(s.weight),
      s.detail,
    ]),
  );
  return join(
    [
      m`### ${title}`,
      m``,
      join(lead, ' '),
      m``,
      tableRow(['Signal', 'Points to', 'Weight', 'What was seen']),
      m`| --- | --- | --- | --- |`,
      ...rows,
    ],
    '\n',
  );
}

function hopBlock(hop: ResetHopLine): Markdown {
  const facts = bullets(hopFacts(hop).map(([k, v]) => m`${k}: ${v}`));
  const attempts = hop.attempts.length
    ? [
        m``,
        tableRow(['TTL', 'Sent', 'Outcome', 'From', 'RST TTL']),
        m`| --- | --- | --- | --- | --- |`,
        ...hop.attempts.map((a) =>
          tableRow([
            String(a.ttl),
            a.payload,
            a.reset ? m`**${a.outcome}**` : a.outcome,
            a.from ?? '',
            a.rstTtl === null ? '' : String(a.rstTtl),
          ]),
        ),
      ]
    : [];
  return join([m`### Which hop resets`, m``, facts, ...attempts], '\n');
}

/**
 * The traceroute as a table a support desk can read in any ticket tool: one row per hop, its round
 * trips, and the hop the verdict blames marked in words. Its columns are padded to one width, so the
 * Markdown reads as a table where it is shown as plain text too.
 */
function tracerouteBlock(report: Report): Markdown | null {
  const hops = tracerouteHops(report);
  if (!hops) return null;
  const finding = verdictFinding(report);
  const blamed = finding?.origin === 'path' ? (finding.hop ?? null) : null;
  const target = new Set(report.target.addresses);
  const rows = hops.map((h) => [
    String(h.ttl),
    h.address ?? 'no answer',
    (h.rttsMs ?? [h.rttMs]).map((r) => (r === null ? 'lost' : r.toFixed(r < 10 ? 2 : 1))).join(', '),
    h.ttl === blamed
      ? '<- blamed by the verdict'
      : h.address !== null && target.has(h.address)
        ? 'the server'
        : '',
  ]);
  const table = paddedTable(['Hop', 'Address', 'RTT (ms)', 'Note'], rows);
  const lead =
    blamed !== null && !hops.some((h) => h.ttl === blamed)
      ? m`The verdict blames hop ${String(blamed)}, beyond the hops the traceroute saw.\n\n`
      : m``;
  return section('Traceroute', m`${lead}${table}`);
}

/** A GFM table whose cells are escaped first, then padded, so its columns line up as plain text. */
function paddedTable(head: string[], rows: string[][]): Markdown {
  const cells = [head, ...rows].map((row) => row.map((c) => md(c, true)));
  const widths = head.map((_, i) => Math.max(3, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  const [first, ...rest] = cells;
  return new Markdown([line(first!), rule, ...rest.map(line)].join('\n'));
}

function stepsTable(steps: StepReport[]): Markdown {
  if (steps.length === 0) return m`_No steps ran._`;
  const rows = steps.map((s) =>
    tableRow([s.title, statusWord(s.status), formatDuration(s.durationMs), s.summary]),
  );
  return join(
    [tableRow(['Step', 'Status', 'Duration', 'Summary']), m`| --- | --- | --- | --- |`, ...rows],
    '\n',
  );
}

function stepBlock(step: StepReport): Markdown {
  const heading = m`### ${step.title}: ${statusWord(step.status)}`;
  const body = step.probes.length === 0 ? m`_No probes._` : join(step.probes.map(probeBullet), '\n');
  return m`${heading}\n\n${step.summary}\n\n${body}`;
}

function probeBullet(probe: ProbeReport): Markdown {
  const status = probe.assessment ? `${probe.status}, ${probe.assessment}` : probe.status;
  const lines = [
    m`- **${probe.title}** (${probe.id}): ${status}, ${formatDuration(probe.durationMs)}. ${probe.summary}`,
  ];
  if (probe.skipReason !== undefined && !probe.summary.includes(probe.skipReason))
    lines.push(m`  - Skipped because: ${probe.skipReason}`);
  if (probe.status === 'skipped' && probe.enables)
    lines.push(m`  - To run it: ${withCode(cliSkipHint(probe))}`);
  if (probe.failure) lines.push(m`  - Failure ${codeSpan(probe.failure.code)}: ${probe.failure.message}`);
  for (const l of evidenceLines(probe.id, probe.data)) {
    const text = l.quoted ? codeSpan(l.text) : l.text;
    lines.push(m`  - ${l.tag}: ${text}${l.note ? m` (${l.note})` : ''}`);
  }
  return join(lines, '\n');
}

function targetBlock(report: Report): Markdown {
  const t = report.target;
  return bullets([
    m`Input: ${t.input}`,
    m`Scheme: ${t.scheme}`,
    m`Host: ${t.host}`,
    m`Port: ${String(t.port)}`,
    m`Addresses: ${t.addresses.length === 0 ? 'none resolved' : t.addresses.join(', ')}`,
  ]);
}

function environmentBlock(report: Report): Markdown {
  const e = report.environment;
  return bullets([
    m`Platform: ${e.platform}`,
    m`Node.js: ${e.nodeVersion}`,
    m`Raw-socket privileges: ${e.privileged ? 'yes' : 'no'} (${e.privilegeNote})`,
  ]);
}

function runBlock(report: Report): Markdown {
  const elapsed = runDurationMs(report);
  return bullets([
    m`Tool: ${report.tool.name} ${report.tool.version}`,
    m`Started: ${report.startedAt}`,
    m`Finished: ${report.finishedAt}${elapsed === null ? '' : m` (${formatDuration(elapsed)})`}`,
    m`Cancelled: ${report.cancelled ? 'yes' : 'no'}`,
    ...optionLines(report.options).map(([label, words]) => m`${label}: ${words}`),
  ]);
}

function statusWord(status: string): string {
  return status.toUpperCase();
}

/** Markdown that is safe as it is: written here, or data that went through `md` or a code span. */
class Markdown {
  constructor(readonly text: string) {}
}

type Piece = Markdown | string;

/** Markdown from a template: the template's own text is trusted, every string put into it is escaped. */
function m(template: TemplateStringsArray, ...values: Piece[]): Markdown {
  let text = template[0]!;
  values.forEach((value, i) => {
    text += (value instanceof Markdown ? value.text : md(value, midLine(text))) + template[i + 1]!;
  });
  return new Markdown(text);
}

/**
 * Whether what comes next sits inside a line's text, after words (not after a list or heading marker):
 * there `[fd00::2]:443` or `1.` cannot start a block, and escaping them would only show the backslash.
 */
function midLine(before: string): boolean {
  const line = before.slice(before.lastIndexOf('\n') + 1);
  return /\S/.test(line.replace(/^\s*(?:(?:[-+*]|\d{1,9}[.)]|#{1,6}|>)\s+)*/, ''));
}

function join(pieces: (Piece | null)[], separator: string): Markdown {
  const present = pieces.filter((p): p is Piece => p !== null);
  return new Markdown(present.map((p) => (p instanceof Markdown ? p.text : md(p))).join(separator));
}

function section(title: string, body: Markdown): Markdown {
  return m`## ${title}\n\n${body}`;
}

function bullets(items: Piece[], empty = ''): Markdown {
  return items.length === 0
    ? m`_${empty}_`
    : join(
        items.map((i) => m`- ${i}`),
        '\n',
      );
}

// `md` turns pipes into `\|`, which GFM tables keep as text.
function tableRow(cells: Piece[]): Markdown {
  return m`| ${join(cells, ' | ')} |`;
}

/** Inline code that its own backticks cannot close; the only place data is not backslash-escaped. */
function codeSpan(text: string): Markdown {
  const oneLine = showable(text).replace(/\n/g, ' ');
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a backtick at either end off the fence; CommonMark strips one each side.
  const pad = longest || /^ .* $/.test(oneLine) ? ' ' : '';
  return new Markdown(`${fence}${pad}${oneLine}${pad}${fence}`);
}

/**
 * Escapes text for inline Markdown (CommonMark and GFM), and no more than it needs: a ticket tool that
 * shows the Markdown as plain text then shows the text as it was ("[::1]:443", "#1", "C:\\logs"), not
 * strewn with backslashes. Control characters are replaced, line breaks and leading spaces (an indented
 * code block) collapse so a cell or bullet stays one line. Escaped wherever they appear: backticks (code),
 * asterisks (emphasis), pipes (table cells) and a `<` that could open a tag or an autolink; only where they
 * could act: a backslash before punctuation, an underscore at a word's edge, brackets when the text holds
 * a link's shape, `&` of an entity, tildes and dollars when there are two (GFM strikethrough, math), and
 * the block markers at the start.
 */
export function md(text: string, midLine = false): string {
  const joined = showable(text).replace(/\s*\n+\s*/g, ' ');
  // Mid-line (after a code span), leading spaces and block markers mean nothing.
  const oneLine = midLine ? joined : joined.replace(/^\s+/, '');
  // An inline link or a full reference needs `](` or `][`; a definition `[x]:` counts only at the start.
  const linkish = /\][([]/.test(oneLine);
  const pairs = (c: string) => oneLine.split(c).length > 2;
  const wordy = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
  const inline = oneLine
    .replace(/\\(?=[!-/:-@[-`{-~]|$)/g, '\\\\')
    .replace(/[`*|]/g, '\\$&')
    .replace(/<(?=[A-Za-z/!?])/g, '\\<')
    .replace(/_/g, (u, at: number, all: string) => (wordy(all[at - 1]) && wordy(all[at + 1]) ? u : '\\_'))
    .replace(/[[\]]/g, (b) => (linkish ? `\\${b}` : b))
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/[~$]/g, (c) => (pairs(c) ? `\\${c}` : c));
  if (midLine) return inline;
  return inline.replace(
    /^(?:[-+](?=[\s-]|$)|#{1,6}(?=\s|$)|>|\[(?=[^\]]*\]:)|\d{1,9}(?=[.)](?:\s|$)))/,
    (lead) => (/\d/.test(lead) ? `${lead}\\` : `\\${lead}`),
  );
}

/** The engine's own text with its `code` as code spans (remedies, settle steps); the rest escaped. */
export function mdWithCode(text: string): string {
  return codeParts(text)
    .map((p, i) => (p.code ? codeSpan(p.text).text : md(p.text, i > 0)))
    .join('');
}

function withCode(text: string): Markdown {
  return new Markdown(mdWithCode(text));
}

/** A fenced block longer than any backtick run inside, so the text cannot close it early. */
export function codeBlock(text: string): string {
  const clean = showable(text);
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${clean}\n${fence}`;
}
