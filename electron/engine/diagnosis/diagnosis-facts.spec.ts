import { describe, expect, it } from 'vitest';
import type { ProbeReport } from '../../shared/report-info.js';
import type { TargetInfo } from '../../shared/target-info.js';
import { logScanProbe, type LogScanData } from '../probes/log-scan-probe.js';
import type { ProbeDefinition, RunResults } from '../runner/probe-types.js';
import { gatherFacts } from './diagnosis-facts.js';

describe('gatherFacts', () => {
  it('keeps the lines a log scan read before it failed part-way', () => {
    const partial = { counts: { reset: 2, crash: 0 } } as unknown as LogScanData;
    const report = { id: logScanProbe.id, status: 'failed', data: partial } as unknown as ProbeReport;
    const results: RunResults = {
      get: <D>(probe: ProbeDefinition<D>) =>
        (probe.id === logScanProbe.id ? report : undefined) as ProbeReport<D> | undefined,
      // What the runner gives for a probe that did not complete.
      data: () => null,
    };
    const facts = gatherFacts(results, { host: 'web.lab.test' } as TargetInfo);
    expect(facts.logs).toBe(partial);
  });
});
