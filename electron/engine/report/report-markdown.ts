import { evidenceLines } from '../../shared/evidence-lines.js';
import { CAUSE_TITLES, type Finding } from '../../shared/cause-info.js';
import type { ProbeReport, Report, StepReport } from '../../shared/report-info.js';
import {
  hopFacts,
  resetStory,
  resetsShown,
  senderWords,
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
  runDurationMs,
  verdictFinding,
} from './report-text.js';

/**
 * Report text for a ticket or chat. Every string from the report is escaped: targets, error text and
 * probe summaries come from people and networks, and a stray `*`, `|` or `<` must not reshape the ticket.
 */
export function renderMarkdown(report: Report): string {
  const blocks = [
    `# Reset Doctor report: ${md(report.target.input)}`,
    verdictBlock(report),
    section(
      'Evidence',
      bullets(
        (verdictFinding(report)?.evidence ?? []).map((e) => e.text),
        'No evidence recorded.',
      ),
    ),
    againstBlock(report),
    settleBlock(report),
    section('Remedies', bullets(verdictFinding(report)?.remedies ?? [], 'No remedy recorded.')),
    otherFindingsBlock(report),
    notesBlock(report),
    resetsBlock(report),
    section('Steps', stepsTable(report.steps)),
    ...report.steps.map(stepBlock),
    section('Target', targetBlock(report)),
    report.options.errorText === null ? null : section('Error text', codeBlock(report.options.errorText)),
    section('Environment', environmentBlock(report)),
    section('Run', runBlock(report)),
  ];
  return `${blocks.filter((b): b is string => b !== null).join('\n\n')}\n`;
}

function verdictBlock(report: Report): string {
  const title = CAUSE_TITLES[report.diagnosis.verdict];
  const finding = verdictFinding(report);
  const lines = [`**Verdict: ${md(title)}** (\`${report.diagnosis.verdict}\`)`];
  if (finding) {
    const details = [`Confidence: ${percent(finding.confidence)}`, `Origin: ${md(originText(finding))}`];
    if (finding.phase !== null) details.push(`Phase: ${PHASE_WORDS[finding.phase]}`);
    for (const [label, value] of findingFigures(finding)) details.push(`${label}: ${md(value)}`);
    lines.push('', details.join(' · '));
  }
  if (report.cancelled) lines.push('', '_The run was cancelled: some steps did not finish._');
  return lines.join('\n');
}

function againstBlock(report: Report): string | null {
  const against = verdictFinding(report)?.against ?? [];
  return against.length
    ? section(
        'Against it',
        bullets(
          against.map((e) => e.text),
          '',
        ),
      )
    : null;
}

function settleBlock(report: Report): string | null {
  const settle = verdictFinding(report)?.settle ?? [];
  return settle.length
    ? section(
        'What would settle it',
        bullets(
          settle.map((s) => s.text),
          '',
        ),
      )
    : null;
}

function otherFindingsBlock(report: Report): string | null {
  const others = otherFindings(report);
  if (others.length === 0) return null;
  return section('Other findings', others.map(findingBullet).join('\n'));
}

function findingBullet(finding: Finding): string {
  const head = `- **${md(CAUSE_TITLES[finding.cause])}** (\`${finding.cause}\`), ${percent(finding.confidence)}, origin: ${md(originText(finding))}`;
  const sub = [
    ...finding.evidence.map((e) => `  - Evidence: ${md(e.text)}`),
    ...finding.against.map((e) => `  - ${e.rulesOut ? 'Rules it out' : 'Against'}: ${md(e.text)}`),
    ...finding.remedies.map((r) => `  - Remedy: ${md(r)}`),
  ];
  return [head, ...sub].join('\n');
}

function notesBlock(report: Report): string | null {
  const notes = report.diagnosis.notes;
  if (notes.length === 0) return null;
  return section('Notes', notes.map((n) => `- **${md(n.topic)}**: ${md(n.text)}`).join('\n'));
}

/** After what each connection ended, who sent each reset and the signals that say so, and the hop that resets. */
function resetsBlock(report: Report): string | null {
  const story = resetStory(report);
  if (!story) return null;
  const { lines, tables, untold } = resetsShown(
    story,
    (e) => `${md(e.names)}: ${md(e.afterWhat)}${e.sender ? `; ${md(e.sender)}` : ''}`,
    (r) => `${r.connection ? `${md(r.connection)}: ` : ''}reset, ${md(senderWords(r))}`,
  );
  const blocks = [lines.length ? bullets(lines) : null, ...tables.map(signalsBlock)];
  if (untold) blocks.push(`_${untold}_`);
  if (story.hop) blocks.push(hopBlock(story.hop));
  return section(
    'Resets: after what, and who sent them',
    blocks.filter((b): b is string => b !== null).join('\n\n'),
  );
}

function signalsBlock({ resets: [reset], title }: SignalGroup): string {
  if (!reset) return '';
  const lead = [`${md(senderWords(reset, true))}.`];
  if (reset.reason) lead.push(md(reset.reason));
  const rows = reset.signals.map((s) =>
    tableRow([
      md(s.name),
      s.path ? `**${md(s.vote)}**` : md(s.vote),
      s.weight === null ? '' : String(s.weight),
      md(s.detail),
    ]),
  );
  return [
    `### ${md(title)}`,
    '',
    lead.join(' '),
    '',
    tableRow(['Signal', 'Points to', 'Weight', 'What was seen']),
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function hopBlock(hop: ResetHopLine): string {
  const facts = bullets(hopFacts(hop).map(([k, v]) => `${k}: ${md(v)}`));
  const attempts = hop.attempts.length
    ? [
        '',
        tableRow(['TTL', 'Sent', 'Outcome', 'From', 'RST TTL']),
        '| --- | --- | --- | --- | --- |',
        ...hop.attempts.map((a) =>
          tableRow([
            String(a.ttl),
            md(a.payload),
            a.reset ? `**${md(a.outcome)}**` : md(a.outcome),
            a.from === null ? '' : md(a.from),
            a.rstTtl === null ? '' : String(a.rstTtl),
          ]),
        ),
      ].join('\n')
    : '';
  return `### Which hop resets\n\n${facts}${attempts ? `\n${attempts}` : ''}`;
}

function stepsTable(steps: StepReport[]): string {
  if (steps.length === 0) return '_No steps ran._';
  const rows = steps.map((s) =>
    tableRow([md(s.title), statusWord(s.status), formatDuration(s.durationMs), md(s.summary)]),
  );
  return [tableRow(['Step', 'Status', 'Duration', 'Summary']), '| --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

function stepBlock(step: StepReport): string {
  const heading = `### ${md(step.title)}: ${statusWord(step.status)}`;
  const body = step.probes.length === 0 ? '_No probes._' : step.probes.map(probeBullet).join('\n');
  return `${heading}\n\n${md(step.summary)}\n\n${body}`;
}

function probeBullet(probe: ProbeReport): string {
  const status = probe.assessment ? `${probe.status}, ${probe.assessment}` : probe.status;
  const lines = [
    `- **${md(probe.title)}** (${md(probe.id)}): ${status}, ${formatDuration(probe.durationMs)}. ${md(probe.summary)}`,
  ];
  if (probe.skipReason !== undefined && !probe.summary.includes(probe.skipReason))
    lines.push(`  - Skipped because: ${md(probe.skipReason)}`);
  if (probe.failure) lines.push(`  - Failure \`${probe.failure.code}\`: ${md(probe.failure.message)}`);
  for (const l of evidenceLines(probe.id, probe.data)) {
    const text = l.quoted ? codeSpan(l.text) : md(l.text);
    lines.push(`  - ${md(l.tag)}: ${text}${l.note ? ` (${md(l.note)})` : ''}`);
  }
  return lines.join('\n');
}

/** Inline code that its own backticks cannot close. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest ? ' ' : ''}${text.replace(/\r?\n/g, ' ')}${longest ? ' ' : ''}${fence}`;
}

function targetBlock(report: Report): string {
  const t = report.target;
  const addresses = t.addresses.length === 0 ? 'none resolved' : t.addresses.map(md).join(', ');
  return bullets([
    `Input: ${md(t.input)}`,
    `Scheme: ${t.scheme}`,
    `Host: ${md(t.host)}`,
    `Port: ${t.port}`,
    `Addresses: ${addresses}`,
  ]);
}

function environmentBlock(report: Report): string {
  const e = report.environment;
  return bullets([
    `Platform: ${md(e.platform)}`,
    `Node.js: ${md(e.nodeVersion)}`,
    `Raw-socket privileges: ${e.privileged ? 'yes' : 'no'} (${md(e.privilegeNote)})`,
  ]);
}

function runBlock(report: Report): string {
  const elapsed = runDurationMs(report);
  return bullets([
    `Tool: ${md(report.tool.name)} ${md(report.tool.version)}`,
    `Started: ${md(report.startedAt)}`,
    `Finished: ${md(report.finishedAt)}${elapsed === null ? '' : ` (${formatDuration(elapsed)})`}`,
    `Cancelled: ${report.cancelled ? 'yes' : 'no'}`,
    ...optionLines(report.options).map(([label, words]) => `${label}: ${md(words)}`),
  ]);
}

function statusWord(status: string): string {
  return status.toUpperCase();
}

function section(title: string, body: string): string {
  return `## ${title}\n\n${body}`;
}

function bullets(items: string[], empty = ''): string {
  return items.length === 0 ? `_${empty}_` : items.map((i) => `- ${i}`).join('\n');
}

// Callers pass cells already escaped; `md` turns pipes into `\|`, which GFM tables keep as text.
function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/**
 * Escapes text for inline Markdown (CommonMark and GFM). Line breaks collapse to spaces so a cell or
 * bullet stays one line; characters that start blocks only matter at the start, so only there.
 */
export function md(text: string): string {
  const oneLine = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const inline = oneLine.replace(/[\\`*_[\]<>|~&$#!]/g, '\\$&');
  return inline.replace(/^(\s*)([-+]|\d{1,9}(?=[.)](?:\s|$)))/, (_m, space: string, lead: string) =>
    /\d/.test(lead) ? `${space}${lead}\\` : `${space}\\${lead}`,
  );
}

/** A fenced block longer than any backtick run inside, so the text cannot close it early. */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}
