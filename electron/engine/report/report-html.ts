import { CAUSE_TITLES, type Finding } from '../../shared/cause-info.js';
import { wizardSettleText } from '../../shared/next-step-words.js';
import { stepsBesideVerdict, blamedAddressWords } from '../../shared/verdict-words.js';
import { printableJson } from '../../shared/printable-text.js';
import { pictureKey, type ExportPictures } from '../../shared/export-pictures-info.js';
import type { Report, StepReport } from '../../shared/report-info.js';
import {
  badge,
  card,
  codeList,
  esc,
  evidenceList,
  htmlPage,
  keyValues,
  probeTable,
  withCode,
} from './report-html-parts.js';
import { resetsCard } from './report-html-resets.js';
import { ticketEnds } from './report-resets.js';
import { exportCss } from './report-html-style.js';
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
 * One self-contained HTML page for people who were not at the machine: no scripts, no external
 * resources, readable offline and on paper. Every string from the report is escaped. Each check's
 * picture is the wizard's own component, server-rendered (export-pictures-info.ts): `pictures` is null
 * in a copy built without them, and the page then says so where a picture would be.
 */
export function renderHtml(report: Report, pictures: ExportPictures | null): string {
  const main = verdictFinding(report);
  const steps = stepsBesideVerdict(report.steps, main);
  const drawn = pictures?.reportPictures(report) ?? null;
  const body = [
    header(report),
    verdictCard(report, main),
    card('Evidence', evidenceList(main?.evidence ?? [], 'No evidence recorded.')),
    main?.against.length ? card('Against it', evidenceList(main.against, '')) : '',
    main?.settle.length ? card('What would settle it', codeList(main.settle.map(wizardSettleText), '')) : '',
    card('Remedies', codeList(main?.remedies ?? [], 'No remedy recorded.')),
    otherFindingsCard(report),
    notesCard(report),
    resetsCard(report),
    '<h2>Steps</h2>',
    drawn ? '' : `<p class="sub">${esc(MISSING_PICTURES)}</p>`,
    `<ol class="steps">${steps.map((s) => stepItem(s, drawn?.byProbe ?? {})).join('')}</ol>`,
    targetCard(report),
    card('Environment', environment(report)),
    card('Run', run(report)),
    rawJson(report),
    `<footer>Made by ${esc(report.tool.name)} ${esc(report.tool.version)}, report format ${esc(report.schema)}.</footer>`,
  ];
  return htmlPage({
    title: `Reset Doctor report: ${report.target.input}`,
    css: exportCss(pictures?.palette ?? null),
    head: [
      `<meta name="generator" content="${esc(`${report.tool.name} ${report.tool.version}`)}">`,
      drawn?.head ?? '',
    ],
    body: body.filter((b) => b !== '').join('\n'),
  });
}

function header(report: Report): string {
  const when = readableTime(report.startedAt);
  // The connection a support desk looks up in its logs, from this machine's end.
  const ends = ticketEnds(report);
  const from = ends ? ` · from ${ends.from} (this machine)` : '';
  return (
    `<header><h1>Connection reset report: ${esc(report.target.input)}</h1>` +
    `<p class="sub">${esc(report.target.host)} port ${esc(String(report.target.port))} · ${esc(when)}${esc(from)}</p></header>`
  );
}

function verdictCard(report: Report, finding: Finding | null): string {
  const verdict = report.diagnosis.verdict;
  const facts: [string, string][] = [];
  if (finding) {
    const width = Math.min(100, Math.max(0, Math.round(finding.confidence * 100)));
    facts.push([
      'Confidence',
      `${esc(percent(finding.confidence))}<span class="meter" aria-hidden="true"><span style="width:${width}%"></span></span>`,
    ]);
    facts.push(['Origin', esc(`${originText(finding)}${blamedAddressWords(report, finding)}`)]);
    if (finding.phase !== null) facts.push(['Phase', esc(PHASE_WORDS[finding.phase] ?? finding.phase)]);
    for (const [label, value] of findingFigures(finding)) facts.push([label, esc(value)]);
  }
  facts.push(['Cause id', `<code>${esc(verdict)}</code>`]);
  const factList = facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('');
  const cancelled = report.cancelled
    ? '<p class="cancelled">The run was cancelled: some steps did not finish.</p>'
    : '';
  return (
    `<section class="card verdict" data-verdict="${esc(verdict)}"><p class="label">Verdict</p>` +
    `<h2>${esc(CAUSE_TITLES[verdict] ?? verdict)}</h2><dl class="facts">${factList}</dl>${cancelled}</section>`
  );
}

function otherFindingsCard(report: Report): string {
  const others = otherFindings(report);
  if (others.length === 0) return '';
  const items = others.map((f) => {
    const head = `<strong>${esc(CAUSE_TITLES[f.cause] ?? f.cause)}</strong> <code>${esc(f.cause)}</code>, ${esc(percent(f.confidence))}, origin: ${esc(originText(f))}`;
    const evidence = f.evidence.map((e) => `<li>Evidence: ${esc(e.text)}</li>`);
    const opposing = f.against.map(
      (e) => `<li>${e.rulesOut ? 'Rules it out' : 'Against'}: ${esc(e.text)}</li>`,
    );
    const remedies = f.remedies.map((r) => `<li>Remedy: ${withCode(r)}</li>`);
    return `<li>${head}<ul class="list">${[...evidence, ...opposing, ...remedies].join('')}</ul></li>`;
  });
  return `<section class="card"><h2>Other findings</h2><ul class="list">${items.join('')}</ul></section>`;
}

function notesCard(report: Report): string {
  const notes = report.diagnosis.notes;
  if (notes.length === 0) return '';
  const items = notes.map((n) => `<li><strong>${esc(n.topic)}:</strong> ${esc(n.text)}</li>`).join('');
  return `<section class="card"><h2>Notes</h2><ul class="list">${items}</ul></section>`;
}

const MISSING_PICTURES =
  'The pictures are missing: this copy of Reset Doctor was built without its export pictures (npm run build). The JSON export holds their data.';

function stepItem(step: StepReport, byProbe: Record<string, string>): string {
  const pictures = step.probes
    .map((p) => {
      const body = byProbe[pictureKey(step.id, p.id)];
      return body === undefined
        ? ''
        : `<section class="probe-picture" data-probe-id="${esc(p.id)}"><h4>${esc(p.title)}</h4>${body}</section>`;
    })
    .join('');
  return (
    `<li class="card step" id="step-${esc(step.id)}"><div class="step-head">${badge(step.status)}` +
    `<h3>${esc(step.title)}</h3><span class="dur">${esc(formatDuration(step.durationMs))}</span></div>` +
    `<p class="summary">${esc(step.summary)}</p>${probeTable(step.probes)}${pictures}</li>`
  );
}

function targetCard(report: Report): string {
  const t = report.target;
  const pairs: [string, string][] = [
    ['Input', t.input],
    ['Scheme', t.scheme],
    ['Host', t.host],
    ['Port', String(t.port)],
    ['Addresses', t.addresses.length === 0 ? 'none resolved' : t.addresses.join(', ')],
  ];
  const errorText = report.options.errorText;
  const error = errorText === null ? '' : `<h3 class="gap">Error text</h3><pre>${esc(errorText)}</pre>`;
  return card('Target', keyValues(pairs) + error);
}

function environment(report: Report): string {
  const e = report.environment;
  return keyValues([
    ['Platform', e.platform],
    ['Node.js', e.nodeVersion],
    ['Raw sockets', e.privileged ? 'allowed' : 'not allowed'],
    ['Privileges', e.privilegeNote],
  ]);
}

function run(report: Report): string {
  const elapsed = runDurationMs(report);
  return keyValues([
    ['Tool', `${report.tool.name} ${report.tool.version}`],
    ['Started', report.startedAt],
    ['Finished', `${report.finishedAt}${elapsed === null ? '' : ` (${formatDuration(elapsed)})`}`],
    ['Cancelled', report.cancelled ? 'yes' : 'no'],
    ...optionLines(report.options),
  ]);
}

function rawJson(report: Report): string {
  return (
    '<section class="card raw"><details><summary>Raw report (JSON)</summary>' +
    `<pre>${esc(printableJson(JSON.stringify(report, null, 2)))}</pre></details></section>`
  );
}
