import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleReport } from '../engine/report/report-fixture.js';
import type { Report } from '../shared/report-info.js';
import { reportPlan, type RunEvent } from '../shared/run-event-info.js';
import { LiveView, type LiveViewOptions } from './live-view.js';

/** A terminal (or a pipe) stand-in that keeps what was written. */
function fakeOut(isTTY: boolean, columns = 200, rows = 24) {
  const written: string[] = [];
  const out = { isTTY, columns, rows, write: (s: string) => written.push(s) > 0 };
  return { out: out as unknown as NodeJS.WriteStream, text: () => written.join(''), written };
}

const ESCAPE = '\x1b]0;pwned\x07\x1b[31m';

/**
 * What a terminal `columns` wide shows at the end: carriage returns go back to the line's start, a
 * clear empties the line, a full line wraps, colour codes take no room.
 */
function finalScreen(output: string, columns: number): string[] {
  const lines: string[] = [''];
  let col = 0;
  const newLine = () => {
    lines.push('');
    col = 0;
  };
  // eslint-disable-next-line no-control-regex -- the terminal's own codes are what is played back
  for (const [unit] of output.matchAll(/\x1b\[[0-9;]*[A-Za-z]|[^]/gu)) {
    const row = lines.length - 1;
    if (unit === '\r') col = 0;
    else if (unit === '\n') newLine();
    else if (unit === '\x1b[2K') lines[row] = '';
    else if (!unit.startsWith('\x1b')) {
      if (col === columns) newLine();
      const at = lines.length - 1;
      lines[at] = lines[at]!.padEnd(col).slice(0, col) + unit + lines[at]!.slice(col + 1);
      col += 1;
    }
  }
  // The cursor's own line after the last newline is where the prompt comes.
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The events of a whole run that ended in `report`, each probe started, reported and finished in turn. */
function runEvents(report: Report, progress: (probeId: string) => RunEvent[] = () => []): RunEvent[] {
  const runId = 'r';
  const events: RunEvent[] = [
    {
      type: 'run-started',
      runId,
      at: report.startedAt,
      target: report.target.input,
      plan: reportPlan(report),
    },
  ];
  for (const step of report.steps) {
    events.push({ type: 'step-started', runId, stepId: step.id, at: report.startedAt });
    for (const probe of step.probes) {
      events.push({ type: 'probe-started', runId, stepId: step.id, probeId: probe.id, at: report.startedAt });
      events.push(...progress(probe.id), { type: 'probe-finished', runId, stepId: step.id, probe });
    }
    events.push({ type: 'step-finished', runId, step });
  }
  events.push({ type: 'run-finished', runId, report });
  return events;
}

function idleProgress(fraction: number): RunEvent {
  return {
    type: 'probe-progress',
    runId: 'r',
    stepId: 'application',
    probeId: 'idle-timeout',
    message: 'idle round 1: 3 of 10 back',
    fraction,
    partial: null,
  };
}

/** Plays a run to a view and prints its verdict, as reset-doctor does; returns what was written. */
function play(report: Report, out: ReturnType<typeof fakeOut>, options: LiveViewOptions = {}) {
  let clock = 0;
  // Coloured on a terminal, as reset-doctor does: the widths must not count the colour codes.
  const view = new LiveView(out.out, out.out.isTTY, { now: () => clock, ...options });
  // The idle test reports how far it is as it waits, 10 s apart.
  for (const event of runEvents(report, (id) =>
    id === 'idle-timeout' ? [0.1, 0.4, 0.7].map(idleProgress) : [],
  )) {
    clock += 10_000;
    view.onEvent(event);
  }
  view.printVerdict(report);
  return out.text();
}

const words = (text: string) => stripVTControlCharacters(text).split(/\s+/).filter(Boolean);

describe('LiveView on an 80×24 terminal', () => {
  const report = sampleReport();
  let tty = '';
  let screen: string[] = [];
  beforeAll(() => {
    // Colour as on a real terminal (util.styleText leaves it out when the test's own stdout is a pipe).
    vi.stubEnv('FORCE_COLOR', '1');
    tty = play(report, fakeOut(true, 80, 24));
    screen = finalScreen(tty, 80);
  });
  afterAll(() => vi.unstubAllEnvs());

  it('writes no line, status line included, wider than the terminal, colour codes not counted', () => {
    expect(tty).toContain('\x1b[31m');
    const segments = tty.replaceAll('\x1b[2K', '').split(/[\r\n]/);
    const widest = Math.max(...segments.map((s) => [...stripVTControlCharacters(s)].length));
    expect(widest).toBeLessThanOrEqual(80);
    expect(widest).toBeGreaterThan(60);
  });

  it('leaves the verdict on the last screen, with a row for the prompt', () => {
    const verdict = screen.findIndex((l) => l.startsWith('Verdict: firewall-reset'));
    expect(verdict).toBeGreaterThanOrEqual(0);
    expect(screen.length - verdict).toBeLessThanOrEqual(24 - 1);
    // What the verdict rests on and what to do are on that screen too, and the blamed hop's address.
    expect(screen.slice(verdict)).toContain('Remedies:');
    expect(screen.slice(verdict, verdict + 2).join(' ')).toContain('hop 4 (198.51.100.1)');
  });

  it('prints a line per step and lines only for the probes that found something', () => {
    const verdict = screen.findIndex((l) => l.startsWith('Verdict:'));
    const probes = report.steps.flatMap((s) => s.probes);
    const noteworthy = probes.filter(
      (p) => p.status === 'failed' || (p.status === 'complete' && p.assessment !== 'ok'),
    );
    // The heading, a line per step, at most two per noteworthy probe (their summaries are under two
    // 74-column lines), and the blank line before the verdict; the verdict itself fits the 24 rows.
    expect(verdict).toBeLessThanOrEqual(1 + report.steps.length + 2 * noteworthy.length + 1);
    for (const p of probes)
      expect(screen.some((l) => l.includes(`${p.title}:`))).toBe(noteworthy.includes(p));
    expect(report.steps.every((s, i) => screen.some((l) => l.includes(`${i + 1}. ${s.title}`)))).toBe(true);
    // --verbose shows every probe, and takes more than the screen.
    const verbose = finalScreen(play(sampleReport(), fakeOut(true, 80, 24), { verbose: true }), 80);
    for (const p of probes) expect(verbose.some((l) => l.includes(`${p.title}:`))).toBe(true);
    expect(verbose.length).toBeGreaterThan(screen.length);
  });

  it('breaks lines between words only', () => {
    // Every word on screen is a word of the run's texts: a word cut in two would leave pieces that are not.
    const known = new Set([
      ...words(play(sampleReport(), fakeOut(false))),
      ...report.steps.flatMap((s) => words(s.summary)),
    ]);
    const shown = screen.filter((l) => !/^\(\d+ more lines/.test(l)).flatMap(words);
    expect(shown.length).toBeGreaterThan(200);
    expect(shown.map((w) => w.replace(/…$/, '')).filter((w) => w !== '' && !known.has(w))).toEqual([]);
  });

  it('cuts a long verdict to the screen and says what was left out', () => {
    const long = sampleReport();
    const top = long.diagnosis.findings[0]!;
    top.evidence = Array.from({ length: 12 }, (_, i) => ({
      ...top.evidence[0]!,
      text: `clue ${i} ${'word '.repeat(20)}`,
    }));
    const shown = finalScreen(play(long, fakeOut(true, 80, 24)), 80);
    const verdict = shown.findIndex((l) => l.startsWith('Verdict:'));
    expect(shown.length - verdict).toBeLessThanOrEqual(24 - 1);
    expect(shown.at(-1)).toMatch(/^\(\d+ more lines: --verbose or --report FILE\.html shows them\)$/);
    expect(shown.some((l) => l.includes('clue 0'))).toBe(true);
    expect(shown.some((l) => l.includes('clue 11'))).toBe(false);
  });

  it('shows a bar with the time left while the idle test says how far it is, then clears it', () => {
    const out = fakeOut(true, 80, 24);
    let clock = 0;
    const view = new LiveView(out.out, false, { now: () => clock });
    view.onEvent(runEvents(sampleReport())[0]!);
    view.onEvent({
      type: 'probe-started',
      runId: 'r',
      stepId: 'application',
      probeId: 'idle-timeout',
      at: '',
    });
    clock = 20_000;
    const before = out.written.length;
    view.onEvent(idleProgress(0.25));
    const status = out.written.slice(before).join('');
    // 20 s for a quarter: three quarters left take 60 s more. Drawn in place, on one line.
    expect(status).toBe('\r\x1b[2KIdle timeout  [#####...............]  25%  about 1 m left');
    view.onEvent({ type: 'run-finished', runId: 'r', report: sampleReport() });
    expect(out.text().endsWith('\r\x1b[2K')).toBe(true);
  });
});

describe('LiveView in a pipe', () => {
  it('writes every probe line whole, with no status line, bar or carriage return', () => {
    const report = sampleReport();
    const piped = play(report, fakeOut(false, 80));
    expect(piped).not.toContain('\r');
    expect(piped).not.toContain('\x1b');
    expect(piped).not.toContain('[#');
    const lines = piped.split('\n');
    for (const p of report.steps.flatMap((s) => s.probes))
      expect(lines.some((l) => l.endsWith(`${p.title}: ${p.summary}`))).toBe(true);
    // Not cut to 80 columns: a log keeps each line as one.
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(80);
    expect(lines).toContain('Remedies:');
  });

  it('prints no control character that came from the run: no recolouring, retitling or overwriting', () => {
    const { out, text } = fakeOut(false);
    const view = new LiveView(out, false);
    const report = sampleReport();
    const step = report.steps[0]!;
    step.probes[0]!.summary = `nginx said ${ESCAPE}hello\rfake line`;
    report.diagnosis.findings[0]!.evidence[0]!.text = `log line ${ESCAPE}x`;
    report.diagnosis.findings[0]!.remedies[0] = 'one\u202eeno';
    view.onEvent({
      type: 'run-started',
      runId: 'r',
      at: report.startedAt,
      target: `evil${ESCAPE}`,
      plan: { steps: [{ id: step.id, title: step.title, needs: [], probes: [] }] },
    } as never);
    view.onEvent({ type: 'step-finished', runId: 'r', step, at: report.finishedAt } as never);
    view.printVerdict(report);
    const printed = text();
    // eslint-disable-next-line no-control-regex -- none may be left
    expect(printed).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(printed).toContain('Diagnosing evil\uFFFD]0;pwned\uFFFD\uFFFD[31m');
    expect(printed).toContain('nginx said \uFFFD]0;pwned\uFFFD\uFFFD[31mhello\nfake line');
    expect(printed).toContain('  • log line \uFFFD]0;pwned');
    expect(printed).toContain('  • one\uFFFDeno');
  });
});
