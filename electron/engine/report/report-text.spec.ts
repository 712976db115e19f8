import { describe, expect, it } from 'vitest';
import { sampleReport } from './report-fixture.js';
import {
  formatDuration,
  optionLines,
  originText,
  otherFindings,
  percent,
  runDurationMs,
  verdictFinding,
} from './report-text.js';

describe('verdictFinding', () => {
  it('picks the most confident finding with the verdict cause', () => {
    const report = sampleReport();
    const weaker = { ...report.diagnosis.findings[0]!, confidence: 0.4 };
    report.diagnosis.findings.unshift(weaker);
    expect(verdictFinding(report)?.confidence).toBe(0.86);
    expect(otherFindings(report).map((f) => f.confidence)).toEqual([0.4, 0.15]);
  });

  it('is null when no finding has the verdict cause', () => {
    const report = sampleReport();
    report.diagnosis.verdict = 'healthy';
    expect(verdictFinding(report)).toBeNull();
    expect(otherFindings(report)).toHaveLength(2);
  });
});

describe('wording', () => {
  it('names the hop only for path origins', () => {
    const finding = sampleReport().diagnosis.findings[0]!;
    expect(originText(finding)).toBe('a device on the network path (hop 4)');
    expect(originText({ ...finding, origin: 'server' })).toBe('the server');
  });

  it('formats confidence and durations for people', () => {
    expect(percent(0.856)).toBe('86%');
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(0.3)).toBe('< 1 ms');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(14_382.6)).toBe('14.4 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });

  it('measures the run from its time stamps, or gives up on bad ones', () => {
    const report = sampleReport();
    expect(runDurationMs(report)).toBe(34_491);
    report.finishedAt = 'soon';
    expect(runDurationMs(report)).toBeNull();
  });
});

describe('optionLines', () => {
  it("lists every option but the error text, in the table's order, with its words", () => {
    expect(optionLines(sampleReport().options)).toEqual([
      ['Log file', 'none'],
      ['Idle test', 'off'],
      ['Concurrency', 'up to 20'],
      ['New-connection rate', 'up to 40/s'],
      ['Timeout', '10 s'],
      ['Wait for a slow answer', '30 s'],
      ['Repeated requests', '10'],
      ['Steps requested', 'identify, connectivity, server-logs, firewall, application, handshake'],
    ]);
  });

  it('says off for 0 where 0 turns an option off, and keeps a path as it is', () => {
    const options = {
      ...sampleReport().options,
      logFile: '/srv/$&/app.log',
      idleMaxSeconds: 30,
      concurrency: 0,
      rateMax: 0,
      repeat: 0,
      steps: [],
    };
    expect(Object.fromEntries(optionLines(options))).toMatchObject({
      'Log file': '/srv/$&/app.log',
      'Idle test': 'up to 30 s',
      Concurrency: 'off',
      'New-connection rate': 'off',
      'Repeated requests': 'off',
      'Steps requested': 'none',
    });
  });
});
