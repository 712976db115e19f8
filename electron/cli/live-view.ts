import { styleText } from 'node:util';
import { findingFigures } from '../shared/finding-words.js';
import { CAUSE_TITLES } from '../shared/cause-info.js';
import { showable } from '../shared/printable-text.js';
import type { ProbeReport, Report, StepReport } from '../shared/report-info.js';
import type { RunEvent } from '../shared/run-event-info.js';
import type { StepId, StepStatus } from '../shared/step-info.js';

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

/**
 * The human view of a run: steps print in checklist order as soon as they and the ones before them
 * are done (steps run in parallel), and a status line shows what is running meanwhile. Every text from
 * the run goes through `printable`: a log line or a server's answer quoted in a summary must not
 * recolour or retitle the terminal, or overwrite a line with a carriage return.
 */
export class LiveView {
  private order: StepId[] = [];
  private finished = new Map<StepId, StepReport>();
  private printed = 0;
  private running = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly color: boolean,
  ) {}

  private paint(style: Style, text: string): string {
    return this.color ? styleText(style, text) : text;
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
        this.order = event.plan.steps.map((s) => s.id);
        this.line(this.paint('bold', `Diagnosing ${showable(event.target)}`));
        break;
      case 'probe-started':
        this.running.set(event.probeId, event.probeId);
        this.status();
        break;
      case 'probe-progress':
        this.running.set(event.probeId, `${event.probeId}: ${showable(event.message).replace(/\n/g, ' ')}`);
        this.status();
        break;
      case 'probe-finished':
        this.running.delete(event.probe.id);
        this.status();
        break;
      case 'step-finished':
        this.finished.set(event.step.id, event.step);
        this.flush();
        break;
      case 'run-finished':
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
    this.line(
      `${this.paint(style, mark)} ${this.paint('bold', `${index}. ${showable(step.title)}`)} ${this.paint('gray', `(${(step.durationMs / 1000).toFixed(2)} s)`)}`,
    );
    for (const p of step.probes) {
      const [m, s] = probeMark(p);
      const summary = showable(p.summary);
      this.line(
        `    ${this.paint(s, m)} ${showable(p.title)}: ${p.status === 'skipped' ? this.paint('gray', summary) : summary}`,
      );
    }
  }

  printVerdict(report: Report) {
    const top = report.diagnosis.findings[0]!;
    const healthy = top.cause === 'healthy';
    this.line('');
    const where = [
      `origin: ${top.origin}`,
      top.hop ? `hop ${top.hop}` : null,
      top.phase ? `phase: ${top.phase}` : null,
    ]
      .filter(Boolean)
      .join(', ');
    this.line(
      `${this.paint('bold', 'Verdict:')} ${this.paint(healthy ? 'green' : 'red', `${top.cause}`)} — ${CAUSE_TITLES[top.cause]} (confidence ${Math.round(top.confidence * 100)}%${healthy ? '' : `, ${where}`})`,
    );
    for (const [label, value] of findingFigures(top)) this.line(showable(`${label}: ${value}`));
    this.line(this.paint('bold', 'Evidence:'));
    for (const e of top.evidence) this.line(`  • ${showable(e.text)}`);
    if (top.against.length) {
      this.line(this.paint('bold', 'Against it:'));
      for (const e of top.against) this.line(`  • ${showable(e.text)}`);
    }
    if (top.settle.length) {
      this.line(this.paint('bold', 'What would settle it:'));
      for (const s of top.settle) this.line(`  • ${showable(s.text)}`);
    }
    this.line(this.paint('bold', 'Remedies:'));
    for (const r of top.remedies) this.line(`  • ${showable(r)}`);
    // The candidates of an inconclusive verdict with their odds; a cause ruled out says what ruled it out.
    const others = report.diagnosis.findings.slice(1);
    if (others.length) {
      this.line(this.paint('bold', 'Other findings:'));
      for (const f of others) {
        const out = f.against.find((a) => a.rulesOut);
        this.line(
          showable(
            out
              ? `  • ${f.cause}: ruled out: ${out.text}`
              : `  • ${f.cause} (${Math.round(f.confidence * 100)}%, origin ${f.origin}): ${f.evidence[0]?.text ?? ''}`,
          ),
        );
      }
    }
    for (const n of report.diagnosis.notes) this.line(this.paint('gray', `Note: ${showable(n.text)}`));
  }

  private statusShown = false;

  private status() {
    if (!this.out.isTTY) return;
    const text = [...this.running.values()].join(' | ').slice(0, (this.out.columns ?? 80) - 4);
    this.out.write(`\r\x1b[2K${this.paint('gray', text ? `… ${text}` : '')}`);
    this.statusShown = text !== '';
  }

  private clearStatus() {
    if (this.out.isTTY && this.statusShown) this.out.write('\r\x1b[2K');
    this.statusShown = false;
  }

  line(text: string) {
    this.clearStatus();
    this.out.write(`${text}\n`);
    this.status();
  }
}
