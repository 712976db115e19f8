import { describe, expect, it } from 'vitest';
import { SAMPLE_RUN_ID, demoReport, sampleRunEvents } from '../../dev/sample-run.js';
import { RunState, type StepState } from './run-state.svelte.js';
import { findingsForStep, stepMeaning } from './step-text.js';

function finishedRun(): RunState {
  const run = new RunState();
  run.prepare('https://api.example.com:8443/v1/orders');
  run.adopt(SAMPLE_RUN_ID);
  for (const { event } of sampleRunEvents()) run.handle(event);
  return run;
}

const step = (run: RunState, id: string): StepState => run.steps.find((s) => s.id === id)!;

describe('findingsForStep', () => {
  it('ties evidence to the step by the probe id it names, not by its words', () => {
    const run = finishedRun();
    const report = demoReport();
    const finding = report.diagnosis.findings[0]!;
    // Words that name another probe do not move the item: its probe id does.
    finding.evidence = [
      { ...finding.evidence[0]!, text: 'Ping: 3 of 20 echo requests lost.', probe: 'reset-origin' },
    ];
    expect(findingsForStep(step(run, 'connectivity'), report).map((r) => r.finding.cause)).toEqual([
      'packet-loss',
    ]);
    expect(findingsForStep(step(run, 'handshake'), report).map((r) => r.finding.cause)).toEqual([
      'firewall-reset',
    ]);
  });
});

describe('stepMeaning', () => {
  it('ties a step to the findings its probes are evidence for', () => {
    const run = finishedRun();
    const related = findingsForStep(step(run, 'connectivity'), run.report);
    expect(related.map((r) => r.finding.cause)).toEqual(['firewall-reset', 'packet-loss']);
    expect(stepMeaning(step(run, 'connectivity'), run.report, false)).toBe(
      'This step is evidence for the verdict: A firewall or middlebox sends the reset (86% confidence, coming from a device ' +
        'on the path (hop 4)). TCP connects in 12.1 ms in 5 of 5 attempts, with no reset before the ClientHello. ' +
        'It also bears on 1 other possible cause.',
    );
  });

  it('speaks from the status when no finding rests on the step', () => {
    const run = finishedRun();
    expect(stepMeaning(step(run, 'identify'), run.report, false)).toBe(
      'The target is clear, and the run knows what it is allowed to measure.',
    );
    expect(stepMeaning(step(run, 'server-logs'), run.report, false)).toBe(
      'This step was skipped (No log file was given: fill in "Server log file" on the start page with the server log ' +
        'around the time of a reset). ' +
        'The verdict rests on the other steps.',
    );
    const identify = step(run, 'identify');
    identify.status = 'warn';
    expect(stepMeaning(identify, run.report, false)).toBe(
      'The application did meet a reset (Node.js ECONNRESET while reading: the peer (or a device for it) sent a TCP reset). ' +
        'The next steps find out who sent it, and why.',
    );
    identify.status = 'running';
    expect(stepMeaning(identify, null, true)).toBe(
      'Still measuring. The meaning follows once every check of this step is done.',
    );
  });

  it('a firewall step that passed beside a verdict blaming the path says it judged the connect test alone', () => {
    const run = finishedRun();
    const firewall = step(run, 'firewall');
    firewall.status = 'pass';
    firewall.probes = firewall.probes.filter((p) => p.id !== 'path-evidence');
    expect(findingsForStep(firewall, run.report)).toEqual([]);
    expect(stepMeaning(firewall, run.report, false)).toBe(
      'No firewall on this machine interferes, and the connect test met none on the path. The reset the verdict ' +
        'blames on a device on the path (hop 4) came later: see the TCP handshake step.',
    );
  });

  it('says which check could not run when a step errs', () => {
    const run = finishedRun();
    const connectivity = step(run, 'connectivity');
    connectivity.status = 'error';
    expect(stepMeaning(connectivity, null, false)).toBe(
      'A check could not run (The kernel refused to set the don’t-fragment flag on the probe socket (EPERM)), so this ' +
        'step tells only part of the story.',
    );
  });

  it('does not tie a healthy verdict to any step', () => {
    const report = demoReport();
    report.diagnosis = {
      verdict: 'healthy',
      findings: [
        {
          cause: 'healthy',
          origin: 'unknown',
          phase: null,
          confidence: 0.7,
          evidence: [
            { probe: 'ping', kind: 'ping', text: 'Ping: 10/10 replies.', figures: {}, weight: 0.05 },
          ],
          against: [],
          remedies: [],
          settle: [],
        },
      ],
      notes: [],
    };
    const run = finishedRun();
    expect(findingsForStep(step(run, 'connectivity'), report)).toEqual([]);
  });
});
