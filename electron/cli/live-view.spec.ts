import { describe, expect, it } from 'vitest';
import { sampleReport } from '../engine/report/report-fixture.js';
import { LiveView } from './live-view.js';

/** A terminal stand-in that keeps what was written. */
function fakeOut(isTTY: boolean) {
  const written: string[] = [];
  const out = { isTTY, columns: 200, write: (s: string) => written.push(s) > 0 };
  return { out: out as unknown as NodeJS.WriteStream, text: () => written.join('') };
}

const ESCAPE = '\x1b]0;pwned\x07\x1b[31m';

describe('LiveView', () => {
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
