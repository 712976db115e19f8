import { describe, expect, it } from 'vitest';
import { sampleReport } from './report-fixture.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-markdown.js';

describe('the lines that matter appear in the exported reports', () => {
  it('quotes a matching firewall rule and a log line in HTML and Markdown', () => {
    const report = sampleReport();
    const firewall = report.steps.find((s) => s.id === 'firewall')!;
    firewall.probes.push({
      id: 'local-rules',
      title: 'Local firewall rules',
      status: 'complete',
      assessment: 'fail',
      durationMs: 3,
      summary: '1 rule matches',
      data: {
        matches: [
          {
            rule: { text: 'tcp dport 80 reject with tcp reset' },
            effect: 'reset',
            certainty: 'exact',
            why: 'rejects with a TCP reset',
          },
        ],
      },
    });
    const logs = report.steps.find((s) => s.id === 'server-logs')!;
    logs.probes = [
      {
        id: 'log-scan',
        title: 'Server log scan',
        status: 'complete',
        assessment: 'fail',
        durationMs: 5,
        summary: '1 reset',
        data: {
          matches: [
            {
              lineNumber: 7,
              timestamp: null,
              category: 'reset',
              text: 'recv() failed (104: Connection reset by peer) <b>',
            },
          ],
        },
      },
    ];
    const html = renderHtml(report, null);
    expect(html).toContain('<code>tcp dport 80 reject with tcp reset</code>');
    expect(html).toContain('recv() failed (104: Connection reset by peer) &lt;b&gt;');
    const md = renderMarkdown(report);
    expect(md).toContain('reset: `tcp dport 80 reject with tcp reset` (rejects with a TCP reset)');
    expect(md).toMatch(/reset: `recv\(\) failed \(104: Connection reset by peer\) <b>` \(line 7\)/);
  });
});
