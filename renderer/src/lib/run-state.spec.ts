import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../electron/shared/run-event-info.js';
import { SAMPLE_RUN_ID, demoReport, sampleRerunEvents, sampleRunEvents } from '../../dev/sample-run.js';
import { RunState } from './run-state.svelte.js';

const events = (): RunEvent[] => sampleRunEvents().map((e) => e.event);

function started(): RunState {
  const run = new RunState();
  run.prepare('https://api.example.com:8443/v1/orders');
  run.adopt(SAMPLE_RUN_ID);
  return run;
}

function feedUntil(run: RunState, all: RunEvent[], stop: (e: RunEvent) => boolean): RunEvent[] {
  const rest = [...all];
  while (rest.length) {
    const e = rest.shift()!;
    run.handle(e);
    if (stop(e)) break;
  }
  return rest;
}

describe('RunState', () => {
  it('draws every step and probe of the plan pending', () => {
    const run = started();
    run.handle(events()[0]!);
    expect(run.steps.map((s) => s.title)).toEqual([
      'Identify the application',
      'Network connectivity',
      'Server logs',
      'Firewall and security',
      'Application errors',
      'TCP handshake',
    ]);
    expect(run.steps.every((s) => s.status === 'pending')).toBe(true);
    expect(run.steps[1]!.probes.map((p) => p.id)).toEqual([
      'dns',
      'ping',
      'traceroute',
      'tcp-connect',
      'path-mtu',
    ]);
    expect(run.steps[1]!.probes.every((p) => p.status === 'pending')).toBe(true);
    expect(run.active).toBe(true);
  });

  it('holds events that arrive before run:start answers, and ignores other runs', () => {
    const run = new RunState();
    run.prepare('api.example.com');
    const [first, second] = events();
    run.handle(first!);
    run.handle({ type: 'step-started', runId: 'another-run', stepId: 'identify', at: '' });
    expect(run.steps.every((s) => s.probes.length === 0)).toBe(true);
    run.adopt(SAMPLE_RUN_ID);
    expect(run.steps[0]!.probes).toHaveLength(3);
    run.handle(second!);
    expect(run.steps[0]!.status).toBe('running');
    run.handle({ type: 'step-started', runId: 'another-run', stepId: 'firewall', at: '' });
    expect(run.steps[3]!.status).toBe('pending');
  });

  it('follows a probe from pending to running (with progress and live data) to complete', () => {
    const run = started();
    const all = events();
    let rest = feedUntil(run, all, (e) => e.type === 'probe-started' && e.probeId === 'ping');
    const ping = () => run.steps[1]!.probes.find((p) => p.id === 'ping')!;
    expect(ping().status).toBe('running');
    rest = feedUntil(run, rest, (e) => e.type === 'probe-progress' && e.probeId === 'ping');
    expect(ping().progressMessage).toBe('echo 1/10');
    expect(ping().progressFraction).toBeCloseTo(0.1);
    expect(ping().partials).toEqual([{ seq: 0, rttMs: 12.4 }]);
    feedUntil(run, rest, (e) => e.type === 'probe-finished' && e.probe.id === 'ping');
    expect(ping().status).toBe('complete');
    expect(ping().assessment).toBe('warn');
    expect(ping().summary).toContain('9 of 10 replies');
    expect(ping().progressMessage).toBeNull();
  });

  it('takes the step report as the truth: probes skipped without events, status, announcement', () => {
    const run = started();
    feedUntil(run, events(), (e) => e.type === 'step-finished' && e.step.id === 'server-logs');
    const logs = run.steps[2]!;
    expect(logs.status).toBe('skipped');
    expect(logs.probes[0]!.status).toBe('skipped');
    expect(logs.probes[0]!.skipReason).toContain('No log file was given');
    expect(run.announcement).toBe('Step 3, Server logs: skipped.');
  });

  it('ends with the report, and a re-run restarts only its step', () => {
    const run = started();
    for (const e of events()) run.handle(e);
    expect(run.active).toBe(false);
    expect(run.report?.diagnosis.verdict).toBe('firewall-reset');
    expect(run.finishedSteps).toBe(6);
    expect(run.announcement).toBe('Diagnosis ready: A firewall or middlebox sends the reset.');

    run.beginRerun();
    expect(run.active).toBe(true);
    const rerun = sampleRerunEvents(SAMPLE_RUN_ID, 'firewall').map((e) => e.event);
    run.handle(rerun[0]!);
    expect(run.steps[3]!.status).toBe('running');
    expect(run.steps[3]!.probes.every((p) => p.status === 'pending')).toBe(true);
    expect(run.steps[1]!.status).toBe('warn');
    expect(run.report).not.toBeNull();
    for (const e of rerun.slice(1)) run.handle(e);
    expect(run.steps[3]!.status).toBe('fail');
    expect(run.active).toBe(false);
  });

  it('walks the wizard: next, back, summary, within bounds', () => {
    const run = started();
    run.handle(events()[0]!);
    run.back();
    expect(run.currentIndex).toBe(0);
    run.next();
    run.next();
    expect(run.currentStep?.id).toBe('server-logs');
    run.showSummary();
    expect(run.onSummary).toBe(true);
    expect(run.currentStep).toBeNull();
    run.next();
    expect(run.currentIndex).toBe(6);
  });

  it('keeps a probe the plan did not list (a step’s own error)', () => {
    const run = started();
    run.handle(events()[0]!);
    const report = demoReport();
    const step = report.steps[0]!;
    step.status = 'error';
    step.probes.push({
      id: 'identify-error',
      title: 'Step error',
      status: 'failed',
      durationMs: 0,
      summary: 'internal error: boom',
      failure: { code: 'internal_error', message: 'boom' },
      data: null,
    });
    run.handle({ type: 'step-finished', runId: SAMPLE_RUN_ID, step });
    expect(run.steps[0]!.probes.map((p) => p.id)).toEqual([
      'target',
      'error-text',
      'privileges',
      'identify-error',
    ]);
    expect(run.steps[0]!.probes[3]!.failure?.message).toBe('boom');
  });
});
