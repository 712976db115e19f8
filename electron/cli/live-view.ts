import { styleText } from 'node:util';
import { cliSkipHint, thenHint } from '../shared/next-step-words.js';
import { showable } from '../shared/printable-text.js';
import type { ProbeReport, Report, StepReport } from '../shared/report-info.js';
import type { RunEvent } from '../shared/run-event-info.js';
import type { StepId, StepStatus } from '../shared/step-info.js';
import { progressLine } from './progress-bar.js';
import { fitLine, fitToTerminal, terminalWidth, visibleWidth } from './terminal-wrap.js';
import { fitVerdict, verdictSections, type Paint } from './verdict-lines.js';

type Style = Parameters<typeof styleText>[0];

const STEP_MARK: Record<StepStatus, [string, Style]> = {
  pending: ['·', 'gray'],
  running: ['…', 'gray'],
  pass: ['✓', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✗', 'red'],
  skipped: ['-', 'gray'],
  error: ['?', 'magenta'],
};

function probeMark(p: ProbeReport): [string, Style] {
  if (p.status === 'skipped') return ['-', 'gray'];
  if (p.status === 'failed') return ['?', 'magenta'];
  return p.assessment === 'fail' ? ['✗', 'red'] : p.assessment === 'warn' ? ['!', 'yellow'] : ['✓', 'green'];
}

/** A probe worth a line of its own in the compact view: it found something, or could not run. */
function noteworthy(p: ProbeReport): boolean {
  return p.status === 'failed' || (p.status === 'complete' && p.assessment !== 'ok');
}

/** A terminal's height when it does not say. */
const DEFAULT_ROWS = 24;
/** Left below the verdict: the "Report written to" line and the shell's prompt. */
const ROWS_BELOW_VERDICT = 2;

export interface LiveViewOptions {
  /** On a terminal too, every probe's line and the whole verdict (a pipe always gets them). */
  verbose?: boolean;
  /** The clock a progress bar's time left is reckoned on; a spec passes its own. */
  now?: () => number;
}

interface Running {
  title: string;
  startedAt: number;
  message: string | null;
  fraction: number | null;
}

/**
 * The human view of a run: steps print in checklist order as soon as they and the ones before them
 * are done (steps run in parallel), and a status line shows what is running meanwhile, with a bar and
 * the time left for a probe that says how far it is. On a terminal it is compact, so a whole run and
 * its verdict fit an 80×24 screen: a line per step, lines only for the probes that found something,
 * the verdict cut to the screen, every line wrapped at word boundaries. A pipe (a CI log, a file) gets
 * every line whole and no status line. Every text from the run goes through `showable`: a log line or
 * a server's answer quoted in a summary must not recolour or retitle the terminal, or overwrite a line
 * with a carriage return.
 */
export class LiveView {
  private order: StepId[] = [];
  private titles = new Map<string, string>();
  private finished = new Map<StepId, StepReport>();
  private printed = 0;
  private running = new Map<string, Running>();
  private readonly compact: boolean;
  private readonly now: () => number;
  private readonly paint: Paint;

  constructor(
    private readonly out: NodeJS.WriteStream,
    color: boolean,
    options: LiveViewOptions = {},
  ) {
    this.compact = out.isTTY === true && !options.verbose;
    this.now = options.now ?? Date.now;
    this.paint = (style, text) => (color ? styleText(style, text) : text);
  }

  /** Read each time: a terminal can be resized during a long run. */
  private get width(): number {
    return terminalWidth(this.out);
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
        this.order = event.plan.steps.map((s) => s.id);
        for (const p of event.plan.steps.flatMap((s) => s.probes)) this.titles.set(p.id, p.title);
        this.line(this.paint('bold', `Diagnosing ${showable(event.target)}`));
        break;
      case 'probe-started':
        this.running.set(event.probeId, {
          title: this.titles.get(event.probeId) ?? event.probeId,
          startedAt: this.now(),
          message: null,
          fraction: null,
        });
        this.status();
        break;
      case 'probe-progress': {
        const probe = this.running.get(event.probeId);
        if (!probe) break;
        probe.message = showable(event.message).replace(/\n/g, ' ');
        probe.fraction = event.fraction;
        this.status();
        break;
      }
      case 'probe-finished':
        this.running.delete(event.probe.id);
        this.status();
        break;
      case 'step-finished':
        this.finished.set(event.step.id, event.step);
        this.flush();
        break;
      case 'run-finished':
        this.running.clear();
        this.clearStatus();
        break;
      default:
        break;
    }
  }

  private flush() {
    while (this.printed < this.order.length) {
      const step = this.finished.get(this.order[this.printed]!);
      if (!step) break;
      this.printed += 1;
      this.printStep(step, this.printed);
    }
  }

  private printStep(step: StepReport, index: number) {
    const [mark, style] = STEP_MARK[step.status];
    const title = `${index}. ${showable(step.title)}`;
    const took = `(${(step.durationMs / 1000).toFixed(2)} s)`;
    // Compact: the step's own summary on its line, cut to what the line has left.
    const room = this.width - visibleWidth(`${mark} ${title} ${took}  `);
    const summary =
      this.compact && room >= 12 && step.summary
        ? `  ${this.paint('gray', fitLine(showable(step.summary).replace(/\n/g, ' '), room))}`
        : '';
    this.line(
      `${this.paint(style, mark)} ${this.paint('bold', title)} ${this.paint('gray', took)}${summary}`,
    );
    for (const p of step.probes) {
      if (this.compact && !noteworthy(p)) continue;
      const [m, s] = probeMark(p);
      // A skipped probe says how to make it run, with the CLI's flag (the report holds the option).
      const hint = p.status === 'skipped' ? cliSkipHint(p) : '';
      const text = showable(thenHint(p.summary, hint));
      this.line(
        `    ${this.paint(s, m)} ${showable(p.title)}: ${p.status === 'skipped' ? this.paint('gray', text) : text}`,
      );
    }
  }

  printVerdict(report: Report) {
    const sections = verdictSections(report, this.paint);
    const lines = this.compact
      ? fitVerdict(
          sections,
          (this.out.rows || DEFAULT_ROWS) - ROWS_BELOW_VERDICT,
          (line) => fitToTerminal(line, this.out).split('\n').length,
          (left) => this.paint('gray', `(${left} more lines: --verbose or --report FILE.html shows them)`),
        )
      : sections.flatMap((s) => s.lines);
    for (const l of lines) this.line(l);
  }

  private statusShown = false;

  /** What is running, on one line overwritten in place; a probe that says how far it is gets a bar. */
  private status() {
    if (!this.out.isTTY) return;
    const probes = [...this.running.values()];
    const measured = probes.find((p) => p.fraction !== null);
    const parts = probes
      .filter((p) => p !== measured)
      .map((p) => (p.message ? `${p.title}: ${p.message}` : p.title));
    if (measured)
      parts.unshift(progressLine(measured.title, measured.fraction!, this.now() - measured.startedAt));
    // One column spare: a line that fills the last one wraps on some terminals, and \r would not undo it.
    const text = parts.length ? fitLine(`${measured ? '' : '… '}${parts.join(' | ')}`, this.width - 1) : '';
    if (text === '' && !this.statusShown) return;
    this.out.write(`\r\x1b[2K${text ? this.paint('gray', text) : ''}`);
    this.statusShown = text !== '';
  }

  private clearStatus() {
    if (this.out.isTTY && this.statusShown) this.out.write('\r\x1b[2K');
    this.statusShown = false;
  }

  /** A line of the run, wrapped to the terminal (a pipe gets it whole), with the status line kept below. */
  line(text: string) {
    this.clearStatus();
    this.out.write(`${fitToTerminal(text, this.out)}\n`);
    this.status();
  }
}
