import { describe, expect, it } from 'vitest';
import { evidenceLines } from './evidence-lines.js';

describe('evidenceLines', () => {
  it('quotes the log lines that matter, with why they matter', () => {
    const lines = evidenceLines('log-scan', {
      matches: [
        {
          lineNumber: 3,
          timestamp: '2026-11-21T10:11:12Z',
          category: 'reset',
          text: 'recv() failed (104: Connection reset by peer)',
        },
      ],
      linesThatMatter: [
        {
          lineNumber: 9,
          category: 'crash',
          text: 'worker process 12 exited on signal 9',
          why: 'during the run',
        },
      ],
    });
    expect(lines).toEqual([
      { tag: 'crash', text: 'worker process 12 exited on signal 9', note: 'during the run', quoted: true },
    ]);
  });

  it('shows matching firewall rules with their effect and certainty', () => {
    const [line] = evidenceLines('local-rules', {
      matches: [
        {
          rule: { text: 'ip daddr 198.18.4.2 tcp dport 80 reject with tcp reset' },
          effect: 'reset',
          certainty: 'exact',
          why: 'rejects with a TCP reset',
        },
      ],
    });
    expect(line).toMatchObject({ tag: 'reset', quoted: true, note: 'rejects with a TCP reset' });
  });

  it('lists processes, agents and proxies, and nothing for unknown shapes', () => {
    expect(
      evidenceLines('local-sockets', {
        processes: [{ pid: 42, name: 'curl', states: { ESTABLISHED: 1 } }],
      })[0],
    ).toMatchObject({
      text: 'curl (pid 42)',
      note: '1 ESTABLISHED',
    });
    const security = evidenceLines('security-software', {
      software: [{ name: 'falcon-sensor', vendor: 'CrowdStrike', kind: 'edr', why: 'can block connections' }],
      proxies: [{ source: 'HTTPS_PROXY', value: 'http://proxy.lab.test:3128', appliesToTarget: true }],
    });
    expect(security.map((l) => l.tag)).toEqual(['edr', 'proxy']);
    expect(evidenceLines('ping', { rttsMs: [1] })).toEqual([]);
    expect(evidenceLines('log-scan', 'garbage')).toEqual([]);
  });
});
