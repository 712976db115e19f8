import { describe, expect, it } from 'vitest';
import { CAUSE_IDS, ORIGINS, PHASES } from '../../shared/cause-info.js';
import { FAILURE_CODES } from '../../shared/failure-info.js';
import type { Report } from '../../shared/report-info.js';
import { RUN_OPTIONS, type RunOptionSpec } from '../../shared/run-options-info.js';
import { STEP_IDS, type Assessment, type ProbeStatus, type StepStatus } from '../../shared/step-info.js';
import { sampleReport } from './report-fixture.js';
import { REPORT_SCHEMA, validateReport } from './report-schema.js';

// Records keyed by the union types: adding a status to step-info.ts without listing it here fails
// to compile, and the test below then makes the schema follow.
const STEP_STATUSES: Record<StepStatus, true> = {
  pending: true,
  running: true,
  pass: true,
  warn: true,
  fail: true,
  skipped: true,
  error: true,
};
const PROBE_STATUSES: Record<ProbeStatus, true> = {
  pending: true,
  running: true,
  complete: true,
  skipped: true,
  failed: true,
};
const ASSESSMENTS: Record<Assessment, true> = { ok: true, warn: true, fail: true };

/** What report.schema.json must say of one run option, read from the options' table. */
function optionSchema(option: RunOptionSpec): Record<string, unknown> {
  switch (option.kind) {
    case 'text':
    case 'path':
      return { type: ['string', 'null'] };
    case 'steps':
      return { type: 'array', items: { $ref: '#/$defs/stepId' }, uniqueItems: true };
    case 'number':
    case 'integer':
      return {
        type: option.default === null ? [option.kind, 'null'] : option.kind,
        minimum: option.min,
        maximum: option.max,
      };
  }
}

function errorsOf(report: unknown): string[] {
  const result = validateReport(report);
  if (result.valid) throw new Error('expected the report to be invalid');
  return result.errors;
}

/** A sample report as plain JSON, so tests can break it in ways the Report type forbids. */
function mutable(): Record<string, unknown> & { steps: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(sampleReport())) as Record<string, unknown> & {
    steps: Record<string, unknown>[];
  };
}

describe('validateReport', () => {
  it('accepts the sample report, and its JSON round trip', () => {
    expect(validateReport(sampleReport())).toEqual({ valid: true });
    expect(validateReport(JSON.parse(JSON.stringify(sampleReport())))).toEqual({ valid: true });
  });

  it('rejects an unknown verdict and names the field and the value', () => {
    const report = mutable();
    (report.diagnosis as { verdict: string }).verdict = 'cosmic-rays';
    const errors = errorsOf(report);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('report/diagnosis/verdict');
    expect(errors[0]).toContain('"cosmic-rays"');
  });

  it('rejects a confidence above 1', () => {
    const report = sampleReport();
    report.diagnosis.findings[0]!.confidence = 1.5;
    expect(errorsOf(report)).toEqual(['report/diagnosis/findings/0/confidence must be <= 1 (found 1.5)']);
  });

  it('rejects a step without an id', () => {
    const report = mutable();
    delete report.steps[2]!.id;
    expect(errorsOf(report)).toEqual(['report/steps/2 is missing the required property "id"']);
  });

  it('rejects an unknown step id, probe status and failure code', () => {
    const report = mutable();
    report.steps[0]!.id = 'magic';
    const probes = report.steps[4]!.probes as Record<string, unknown>[];
    probes[0]!.status = 'exploded';
    probes[0]!.failure = { code: 'ECONNRESET', message: 'raw code instead of a named failure' };
    const errors = errorsOf(report);
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/report\/steps\/0\/id has the unknown value "magic"/);
    expect(errors.join('\n')).toMatch(/report\/steps\/4\/probes\/0\/status has the unknown value "exploded"/);
    expect(errors.join('\n')).toMatch(
      /report\/steps\/4\/probes\/0\/failure\/code has the unknown value "ECONNRESET"/,
    );
  });

  it('rejects a wrong schema id, an unparseable date and an unknown property', () => {
    const report = mutable();
    report.schema = 'reset-doctor/report@1';
    report.finishedAt = '14 May 2025';
    report.comment = 'hello';
    const errors = errorsOf(report);
    expect(errors).toContain('report has an unknown property "comment"');
    expect(errors).toContain('report/schema must be "reset-doctor/report@2", not "reset-doctor/report@1"');
    expect(errors.find((e) => e.startsWith('report/finishedAt'))).toMatch(/ISO 8601 date-time/);
  });

  it('accepts ISO date-times with an offset and without fractions, and rejects impossible ones', () => {
    const ok = sampleReport();
    ok.startedAt = '2025-05-14T11:21:07+02:00';
    expect(validateReport(ok).valid).toBe(true);
    const bad = sampleReport();
    bad.startedAt = '2025-13-40T25:61:00Z';
    expect(errorsOf(bad)[0]).toMatch(/^report\/startedAt must be an ISO 8601 date-time/);
  });

  it('accepts any JSON as probe data and a null phase, and rejects a non-positive idle timeout', () => {
    const report = sampleReport();
    report.steps[0]!.probes[0]!.data = { nested: [1, 'two', null, { deep: true }] };
    report.steps[0]!.probes[1]!.data = 42;
    report.diagnosis.findings[1]!.phase = null;
    expect(validateReport(report)).toEqual({ valid: true });
    report.diagnosis.findings[0]!.idleTimeoutSeconds = 0;
    expect(errorsOf(report)).toEqual([
      'report/diagnosis/findings/0/idleTimeoutSeconds must be > 0 (found 0)',
    ]);
  });

  it('rejects extra properties on nested objects but not inside probe data', () => {
    const report = mutable();
    (report.environment as Record<string, unknown>).hostname = 'laptop';
    expect(errorsOf(report)).toEqual(['report/environment has an unknown property "hostname"']);
  });

  it('rejects values that are not reports at all', () => {
    expect(errorsOf(null)).toEqual(['report must be object (found null)']);
    expect(errorsOf('report')[0]).toMatch(/^report must be object/);
    expect(errorsOf({}).length).toBe(10);
  });
});

describe('report.schema.json', () => {
  const defs = REPORT_SCHEMA.$defs;
  const findingPhase = REPORT_SCHEMA.$defs.finding.properties.phase.enum;

  it('lists exactly the vocabularies of the shared types', () => {
    expect(defs.causeId.enum).toEqual([...CAUSE_IDS]);
    expect(defs.stepId.enum).toEqual([...STEP_IDS]);
    expect(defs.origin.enum).toEqual([...ORIGINS]);
    expect(findingPhase).toEqual([...PHASES, null]);
    expect(defs.failureCode.enum).toEqual([...FAILURE_CODES]);
    expect([...defs.stepStatus.enum].sort()).toEqual(Object.keys(STEP_STATUSES).sort());
    expect([...defs.probeStatus.enum].sort()).toEqual(Object.keys(PROBE_STATUSES).sort());
    expect([...defs.assessment.enum].sort()).toEqual(Object.keys(ASSESSMENTS).sort());
  });

  it('records every run option of the table, with its bounds, and nothing else', () => {
    const options: readonly RunOptionSpec[] = RUN_OPTIONS;
    expect(defs.options).toEqual({
      type: 'object',
      additionalProperties: false,
      required: options.map((o) => o.key),
      properties: Object.fromEntries(options.map((o) => [o.key, optionSchema(o)])),
    });
    // A settle step's hint names one of the same options.
    expect(defs.optionKey.enum).toEqual(options.map((o) => o.key));
  });

  it('accepts a settle step with its option as data, and one of a report written before it', () => {
    const report = sampleReport();
    report.diagnosis.findings[0]!.settle = [
      { kind: 'log', enables: { option: 'logFile' }, text: 'Why.' },
      { kind: 'option', enables: { option: 'idleMaxSeconds', value: 120 }, text: 'Why.' },
      { kind: 'option', option: 'repeat', value: 10, text: 'Repeated requests: 10 (--repeat 10). Why.' },
    ];
    expect(validateReport(report)).toEqual({ valid: true });
    const unknown = mutable() as unknown as { diagnosis: { findings: { settle: unknown[] }[] } };
    unknown.diagnosis.findings[0]!.settle = [{ kind: 'option', enables: { option: 'nope' }, text: 'x' }];
    expect(errorsOf(unknown).join(' ')).toContain('settle/0/enables/option');
  });

  it('requires what the Report type requires', () => {
    const required: (keyof Report)[] = [
      'schema',
      'tool',
      'target',
      'startedAt',
      'finishedAt',
      'cancelled',
      'environment',
      'options',
      'steps',
      'diagnosis',
    ];
    expect([...REPORT_SCHEMA.required].sort()).toEqual([...required].sort());
  });
});
