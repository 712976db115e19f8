import fc from 'fast-check';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { describe, expect, it } from 'vitest';
import { showable } from '../../shared/printable-text.js';
import { sampleReport } from './report-fixture.js';
import { resetReport } from './report-resets-fixture.js';
import { renderHtml } from './report-html.js';
import { codeBlock, md, renderMarkdown, renderMarkdownSummary } from './report-markdown.js';
import { redactReport } from './report-redact.js';

/**
 * The rule a CommonMark renderer would be held to, without one installed: outside code spans and
 * fences, every `<`, `>` and `&` is backslash-escaped, so no raw HTML or entity can come out of the
 * report's text (the report's own Markdown uses neither).
 */
/**
 * What a CommonMark renderer (markdown-it, HTML on, as a ticket tool may be) makes of the prose: any raw
 * HTML, link, image, emphasis or strike outside the code it was meant to have; empty when it is all text.
 */
const renderer = new MarkdownIt('default', { html: true, linkify: false });

function markupOutsideCode(markdown: string): string[] {
  const found: string[] = [];
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      if (/^(html_|link_|image|em_|s_)/.test(t.type)) found.push(`${t.type}: ${t.content || t.markup}`);
      if (t.children) walk(t.children);
    }
  };
  walk(renderer.parse(markdown, {}));
  return found;
}

/** Splits a GFM table row into cells the way GFM does: on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|\s*/, '')
    .replace(/\s*\|$/, '')
    .split(/\s*(?<!\\)\|\s*/);
}

describe('renderMarkdown', () => {
  const text = renderMarkdown(sampleReport());

  it('starts with the target and gives the verdict in words with confidence and origin', () => {
    expect(text.startsWith('# Reset Doctor report: https://api.example.com:8443/v1/orders\n')).toBe(true);
    expect(text).toContain('**Verdict: A firewall or middlebox sends the reset** (`firewall-reset`)');
    expect(text).toContain(
      'Confidence: 86% · Origin: a device on the network path (hop 4) · Phase: TLS handshake',
    );
  });

  it('a traceroute across the blamed hop names it beside the verdict instead of reading ok', () => {
    expect(text).toContain(
      '- **Traceroute** (traceroute): complete, warn, 5.0 s. Reached 203.0.113.10 in 7 hops; hop 3 does not answer; hop 4 (198.51.100.1) is the one the verdict blames',
    );
  });

  it('orders the sections for a ticket: evidence and remedies before the details', () => {
    const order = ['## Evidence', '## Remedies', '## Steps', '### TCP handshake', '## Environment', '## Run'];
    const positions = order.map((h) => text.indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('- The reset arrives with TTL 61');
    expect(text).toContain('- Ask the network team that runs 198.51.100.1 (hop 4)');
  });

  it('leads with what a support desk acts on: verdict, who and from which address, when, between what, three lines of evidence, what to change', () => {
    const short = text.slice(text.indexOf('## In short'), text.indexOf('**Verdict:'));
    expect(text.indexOf('## In short')).toBeLessThan(text.indexOf('## Evidence'));
    expect(short.trim().split('\n').length).toBeLessThanOrEqual(14);
    expect(short).toContain('- Verdict: **A firewall or middlebox sends the reset** (86% confident)');
    expect(short).toContain(
      '- Who sent the reset: a device on the network path (hop 4), address 198.51.100.1',
    );
    expect(short).toContain('- When: 2025-05-14 09:21:07 UTC');
    expect(short).toContain('- Between: this machine and api.example.com (203.0.113.10), port 8443');
    expect(short.match(/^ {2}- /gm)).toHaveLength(3);
    expect(short).toContain('- What to change: Ask the network team that runs 198.51.100.1 (hop 4)');
  });

  it("shows the remedies' commands as code, not backticks, and keeps the rest escaped", () => {
    const report = sampleReport();
    report.diagnosis.findings[0]!.remedies = [
      'Set `keepalive_timeout 2s;` in nginx, *not* `a`b`, for <host>.',
    ];
    const out = renderMarkdown(report);
    expect(out).toContain('- Set `keepalive_timeout 2s;` in nginx, \\*not\\* `a`b\\`, for \\<host>.');
    const remedies = out.slice(out.indexOf('## Remedies'), out.indexOf('##', out.indexOf('## Remedies') + 3));
    const inline = renderer.parseInline(remedies.split('\n')[2]!, {})[0]!.children!;
    expect(inline.filter((t) => t.type === 'code_inline').map((t) => t.content)).toEqual([
      'keepalive_timeout 2s;',
      'a',
    ]);
    expect(markupOutsideCode(out)).toEqual([]);
  });

  it('says what would settle an inconclusive run, and names no sender for a healthy one', () => {
    const report = sampleReport();
    const lead = report.diagnosis.findings[0]!;
    report.diagnosis = {
      ...report.diagnosis,
      verdict: 'inconclusive',
      findings: [
        {
          ...lead,
          cause: 'inconclusive',
          candidates: ['firewall-reset', 'server-reset'],
          remedies: [],
          settle: [{ kind: 'privilege', text: 'Run with raw sockets.' }],
        },
      ],
    };
    const inconclusive = renderMarkdown(report);
    expect(inconclusive).toContain(
      '- Verdict: **inconclusive** (A firewall or middlebox sends the reset or The server resets the connection without reading the request)',
    );
    expect(inconclusive).toContain('- To settle it: Run with raw sockets.');
    report.diagnosis = {
      verdict: 'healthy',
      findings: [{ ...lead, cause: 'healthy', origin: 'unknown' }],
      notes: [],
    };
    const healthy = renderMarkdown(report);
    expect(healthy.slice(0, healthy.indexOf('**Verdict:'))).not.toContain('Who sent the reset');
    // A failure that is no reset says where it fails, not who sent a reset.
    report.diagnosis = {
      verdict: 'host-unreachable',
      findings: [{ ...lead, cause: 'host-unreachable', origin: 'path', hop: 4 }],
      notes: [],
    };
    const unreachable = renderMarkdown(report);
    expect(unreachable).toContain(
      '- Where it fails: a device on the network path (hop 4), address 198.51.100.1',
    );
    expect(unreachable.slice(0, unreachable.indexOf('**Verdict:'))).not.toContain('Who sent the reset');
  });

  it('has one table row per step with status, duration and summary', () => {
    const steps = text.slice(text.indexOf('## Steps'));
    const rows = steps.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(2 + 6);
    expect(cells(rows[3]!)).toEqual([
      'Network connectivity',
      'WARN',
      '5.4 s',
      '203.0.113.10 answers ping (1 of 10 lost) and TCP connects; 7 hops, hop 3 silent',
    ]);
  });

  it('lists probes with their skip reasons and failures', () => {
    expect(text).toContain(
      '  - Skipped because: No log file was given: pass --log \\<file> with the server log',
    );
    expect(text).toContain(
      '  - Failure `operation_not_permitted`: The kernel refused to set the don’t-fragment flag on the probe socket (EPERM)',
    );
  });

  it('escapes a pipe inside a table cell so the row keeps four cells', () => {
    const report = sampleReport();
    report.steps[0]!.summary = 'exit code 1 | grep says no';
    const row = renderMarkdown(report)
      .split('\n')
      .find((l) => l.startsWith('| Identify the application'));
    expect(row).toContain('exit code 1 \\| grep says no');
    expect(cells(row!)).toHaveLength(4);
  });

  it('keeps the error text verbatim in a fence that its own backticks cannot close', () => {
    expect(text).toContain(
      '```text\nError: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:218:20) {\n',
    );
    const report = sampleReport();
    report.options.errorText = 'before\n```\n# not a heading\nafter';
    expect(renderMarkdown(report)).toContain('````text\nbefore\n```\n# not a heading\nafter\n````');
  });

  it('escapes Markdown in the target input and in probe text', () => {
    const report = sampleReport();
    report.target.input = '<script>alert(1)</script> **bold** [x](javascript:y)';
    report.steps[1]!.probes[0]!.summary = '# heading\nand _emphasis_';
    const out = renderMarkdown(report);
    expect(out).toContain(
      '# Reset Doctor report: \\<script>alert(1)\\</script> \\*\\*bold\\*\\* \\[x\\](javascript:y)',
    );
    // Mid-line a # starts no heading: it reads as it is (markupOutsideCode below renders the whole page).
    expect(out).toContain('42 ms. # heading and \\_emphasis\\_');
    expect(out).not.toMatch(/(?<!\\)<script>/);
    expect(markupOutsideCode(out)).toEqual([]);
  });

  it('leaves an IPv6 address in brackets as it is inside a line: a ticket tool shows the backslashes', () => {
    const report = sampleReport();
    report.target.input = 'http://[fd00::2]:443/';
    const out = renderMarkdown(report);
    expect(out).toContain('# Reset Doctor report: http://[fd00::2]:443/');
    expect(markupOutsideCode(out)).toEqual([]);
  });

  it('says when the run was cancelled and when nothing backs the verdict', () => {
    const report = sampleReport();
    report.cancelled = true;
    report.diagnosis = { verdict: 'healthy', findings: [], notes: [] };
    const out = renderMarkdown(report);
    expect(out).toContain('**Verdict: No fault found** (`healthy`)');
    expect(out).toContain('_The run was cancelled: some steps did not finish._');
    expect(out).toContain('## Evidence\n\n_No evidence recorded._');
    expect(out).not.toContain('Confidence:');
  });
});

describe('renderMarkdown: the ticket', () => {
  it('names the connection a support desk looks up: from this machine’s address and port to the server’s', () => {
    const text = renderMarkdown(resetReport());
    expect(text).toContain(
      '- Between: from 192.168.1.23:51233 (this machine) to 203.0.113.10:8443 (api.example.com), the request connection',
    );
  });

  it('gives the title and the short block alone for the clipboard, as the whole report begins', () => {
    const report = resetReport();
    const whole = renderMarkdown(report);
    const summary = renderMarkdownSummary(report);
    expect(summary).toBe(`${whole.slice(0, whole.indexOf('\n\n**Verdict:'))}\n`);
    expect(summary).toMatch(/^# Reset Doctor report: .*\n\n## In short\n\n- Verdict: /);
  });

  it('gives the traceroute as a table, each hop’s round trips, the blamed hop marked, columns lined up', () => {
    const text = renderMarkdown(sampleReport());
    const section = text.slice(text.indexOf('## Traceroute'), text.indexOf('## Steps'));
    const rows = section.split('\n').filter((l) => l.startsWith('|'));
    expect(rows).toHaveLength(2 + 7);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    expect(cells(rows[0]!)).toEqual(['Hop', 'Address', 'RTT (ms)', 'Note']);
    expect(cells(rows[3]!)).toEqual(['2', '100.64.0.1', '4.80, 5.10, 4.60', '']);
    expect(cells(rows[4]!)).toEqual(['3', 'no answer', 'lost, lost, lost', '']);
    expect(cells(rows[5]!)).toEqual(['4', '198.51.100.1', '9.60, 9.90, 9.40', '<- blamed by the verdict']);
    expect(cells(rows[8]!)).toEqual(['7', '203.0.113.10', '12.3, 12.1, 12.6', 'the server']);
    expect(markupOutsideCode(section)).toEqual([]);
    // The table renders as one: a header, a rule and a row per hop.
    expect(renderer.parse(section, {}).filter((t) => t.type === 'tr_open')).toHaveLength(8);
  });

  it('leaves the traceroute out when it did not run', () => {
    const report = sampleReport();
    for (const step of report.steps) step.probes = step.probes.filter((p) => p.id !== 'traceroute');
    expect(renderMarkdown(report)).not.toContain('## Traceroute');
  });

  it('words a step that sets an option with the CLI’s flag', () => {
    const report = sampleReport();
    report.diagnosis.findings[0]!.settle = [
      { kind: 'log', enables: { option: 'logFile' }, text: 'The log names the handler.' },
      { kind: 'option', enables: { option: 'idleMaxSeconds', value: 120 }, text: 'Idle ones reset.' },
    ];
    const text = renderMarkdown(report);
    expect(text).toContain('- Run again with `--log FILE`. The log names the handler.');
    expect(text).toContain('- Run again with `--idle-max 120`. Idle ones reset.');
  });

  it('the HTML export says the same in the wizard’s words, and where the connection came from', () => {
    const report = resetReport();
    report.diagnosis.findings[0]!.settle = [
      { kind: 'log', enables: { option: 'logFile' }, text: 'The log names the handler.' },
    ];
    const html = renderHtml(report, null);
    expect(html).toContain('from 192.168.1.23:51233 (this machine)');
    expect(html).toContain('Fill in &quot;Server log file&quot; on the start page and run again.');
    const settle = html.slice(html.indexOf('What would settle it'));
    expect(settle.slice(0, settle.indexOf('</section>'))).not.toContain('--');
    // A probe skipped for want of an option names the start page's field, as the wizard does.
    expect(html).toContain('off: turn on &quot;Idle test&quot; on the start page to hold connections idle');
  });
});

describe('renderMarkdown: data is escaped everywhere', () => {
  it('shows the placeholders of a redacted report as text, in every section', () => {
    const redacted = redactReport(sampleReport(), { user: 'nobody' });
    const out = renderMarkdown(redacted);
    const finding = redacted.diagnosis.findings[0]!;
    expect(finding.remedies.join(' ')).toMatch(/<ip-\d+>/);
    for (const text of [
      ...finding.evidence.map((e) => e.text),
      ...finding.remedies,
      ...finding.settle.map((s) => s.text),
      ...finding.against.map((e) => e.text),
    ])
      expect(out).toContain(md(text));
    expect(out).toContain('\\<ip-');
    expect(out).toContain('- Host: \\<host-1>');
    expect(markupOutsideCode(out)).toEqual([]);
  });

  it('escapes markup in evidence, remedies, settle steps, notes and the run options', () => {
    const report = sampleReport();
    const finding = report.diagnosis.findings[0]!;
    const hostile = '<img src=x onerror=alert(1)> *a* _b_ [c](d) | e &amp; # f';
    finding.evidence[0]!.text = hostile;
    finding.against.push({ ...finding.evidence[0]!, text: `- ${hostile}` });
    finding.remedies[0] = `1. ${hostile}`;
    finding.settle[0] = { ...finding.settle[0]!, text: `+ ${hostile}` };
    report.diagnosis.notes.push({ topic: '<b>topic</b>', text: hostile });
    report.options.logFile = '/var/log/<app>|x.log';
    const out = renderMarkdown(report);
    expect(markupOutsideCode(out)).toEqual([]);
    expect(out).toContain(`- ${md(hostile)}`);
    expect(out).toContain('- 1\\. \\<img');
    expect(out).toContain('- \\+ \\<img');
    expect(out).not.toMatch(/(?<!\\)<img/);
  });

  it('strips control characters and keeps code spans and fences closed', () => {
    const report = sampleReport();
    report.steps[0]!.summary = 'red \x1b[31mtext\x1b[0m and a bell\x07 \u202eevil';
    report.options.errorText = 'line one\r\nline\x1b]0;title\x07 two\n```\nafter';
    const out = renderMarkdown(report);
    // eslint-disable-next-line no-control-regex -- none may be left
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    expect(out).toContain('red \uFFFD[31mtext\uFFFD[0m and a bell\uFFFD \uFFFDevil');
    expect(out).toContain('````text\nline one\nline\uFFFD]0;title\uFFFD two\n```\nafter\n````');
  });

  it('does not let leading spaces from data make an indented code block', () => {
    const report = sampleReport();
    report.steps[0]!.summary = '        indented';
    expect(renderMarkdown(report)).toContain('### Identify the application: PASS\n\nindented\n');
  });
});

/** Renders one line of md() output as a paragraph: its text, and whatever else the renderer made of it. */
function rendered(line: string): { text: string; other: string[] } {
  const tokens = renderer.parse(line, {});
  const inline = tokens.filter((t) => t.type === 'inline').flatMap((t) => t.children ?? []);
  const blocks = tokens.filter((t) => !/^(paragraph_open|paragraph_close|inline)$/.test(t.type));
  return {
    text: inline.map((t) => (t.type === 'text' ? t.content : `«${t.type}»`)).join(''),
    other: [...blocks.map((t) => t.type), ...inline.filter((t) => t.type !== 'text').map((t) => t.type)],
  };
}

describe('md', () => {
  it('escapes what would be markup, and joins lines', () => {
    expect(md('a*b_c`d[e](f)<g>h|i~j~&amp;k\\*l')).toBe(
      'a\\*b_c\\`d\\[e\\](f)\\<g>h\\|i\\~j\\~\\&amp;k\\\\\\*l',
    );
    expect(md('one\r\ntwo\n\nthree')).toBe('one two three');
  });

  it('leaves alone what a plain-text ticket would show with backslashes and nothing renders', () => {
    for (const plain of [
      'connect to [fd00::2]:443 refused',
      'request #1 of 10 reset',
      'C:\\logs\\app.log',
      'snake_case_name and a-b',
      'R&D, 5 > 3, 1 < 2',
      '$HOME is set',
      'ECONNRESET ~ again',
      'see (RFC 793) [section 3.4]',
    ])
      expect(md(plain)).toBe(plain);
  });

  it('renders as exactly its text, whatever markup the text holds (CommonMark, markdown-it)', () => {
    const alphabet = fc.constantFrom(
      ...'ab1 -+#>*_`[]()<>!|~&;$\\:./x'.split(''),
      '&amp;',
      '<b>',
      '](u)',
      '\n',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        const expected = showable(text)
          .replace(/\s*\n+\s*/g, ' ')
          .trim();
        const { text: shown, other } = rendered(md(text));
        expect(other).toEqual([]);
        expect(shown.trim()).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('escapes block markers only where they would start a block', () => {
    expect(md('- not a list')).toBe('\\- not a list');
    expect(md('+ not a list')).toBe('\\+ not a list');
    expect(md('1. not a list')).toBe('1\\. not a list');
    expect(md('2) not a list')).toBe('2\\) not a list');
    expect(md('203.0.113.10 and a-b')).toBe('203.0.113.10 and a-b');
  });
});

describe('codeBlock', () => {
  it('uses three backticks unless the text holds a longer run', () => {
    expect(codeBlock('plain')).toBe('```text\nplain\n```');
    expect(codeBlock('a ````` b')).toBe('``````text\na ````` b\n``````');
  });
});

describe('renderMarkdown: resets', () => {
  const text = renderMarkdown(resetReport());
  const section = text.slice(text.indexOf('## Resets'), text.indexOf('## Traceroute'));

  it('lists after what each connection ended badly, the request first, with who sent its reset', () => {
    expect(text.indexOf('## Resets: after what, and who sent them')).toBeGreaterThan(
      text.indexOf('## Notes'),
    );
    const bulletsOf = section.split('\n\n')[1]!.split('\n');
    expect(bulletsOf).toEqual([
      '- request, concurrency #1: reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello; sent by a device on the network path (hop 4), TTL 61, strength of the signals: moderate (weight 3 for it, 0.5 against)',
      '- concurrency #2: closed by the peer (FIN) on the request: 78 bytes sent, nothing received',
      '- rate #3: reset, sent by the server, TTL 58',
    ]);
    expect(section).not.toContain('tcp-connect');
  });

  it('gives one signal table for resets that read the same, every vote in words, unknown names kept', () => {
    expect(section.match(/^### Signals/gm)).toHaveLength(1);
    // The signals' strength in words: the verdict's confidence is the report's one percentage.
    expect(section).not.toMatch(/\d ?%/);
    expect(section).toContain('### Signals of the resets on “request”, “concurrency #1” (TTL 61)');
    expect(section).toContain(
      'Sent by a device on the network path (hop 4), TTL 61, strength of the signals: moderate (weight 3 for it, 0.5 against). TTL 61 says it came from 3 routers away: sent by hop 4',
    );
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    expect(rows.slice(0, 4).map(cells)).toEqual([
      ['Signal', 'Points to', 'Weight', 'What was seen'],
      [
        'TTL (how many routers away)',
        '**a device on the path**',
        '3',
        'TTL 61 is 3 routers away; the server is 6',
      ],
      ['IP ID sequence', 'neither (neutral)', '0', 'IP ID 0 (DF set): says nothing about the sender'],
      ['hop-echo', 'the server', '0.5', 'a \\<signal> from a later version'],
    ]);
  });

  it('gives the reset-hop finding and the replays by TTL', () => {
    const hop = section.slice(section.indexOf('### Which hop resets'));
    expect(hop).toContain('- Replayed: TLS ClientHello with SNI api.example.com (from “request”)');
    expect(hop).toContain('- First reset at: TTL 4 (TTL 2 still passed)');
    expect(hop).toContain('- Device sits: at hop 4 (198.51.100.1)');
    expect(hop).toContain('- Control exchange: answered by the server');
    const rows = hop.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows.map(cells)).toEqual([
      [
        '2',
        'the triggering bytes',
        'ICMP time exceeded (expired before anything reset it)',
        '100.64.0.1',
        '',
      ],
      ['4', 'the triggering bytes', '**RST came back**', '203.0.113.10', '61'],
      ['7', 'control (harmless bytes)', 'answered by the server', '203.0.113.10', ''],
    ]);
  });

  it('folds connections that ended alike into one line, naming the first three', () => {
    const report = resetReport();
    const capture = report.steps.flatMap((st) => st.probes).find((p) => p.id === 'packet-capture')!;
    const data = capture.data as { connections: { id: string; connection: string; afterWhat: string }[] };
    const template = data.connections.find((c) => c.id === 'c4')!;
    for (let n = 3; n <= 6; n++)
      data.connections.push({ ...template, id: `c${n + 10}`, connection: `concurrency #${n}` });
    const first = renderMarkdown(report)
      .split('\n')
      .find((l) => l.startsWith('- request'));
    // The later ones have no verdict of their own, so only the first two share the sender.
    expect(first).toMatch(/^- request, concurrency #1: reset during the TLS handshake/);
    const rest = renderMarkdown(report)
      .split('\n')
      .find((l) => l.startsWith('- concurrency #3'));
    expect(rest).toBe(
      '- concurrency #3, concurrency #4, concurrency #5 and 1 more: reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello',
    );
  });

  it('leaves the section out when no connection ended badly and nothing was replayed', () => {
    expect(renderMarkdown(sampleReport())).toContain('## Resets');
    const quiet = sampleReport();
    quiet.steps = quiet.steps.filter((s) => s.id !== 'handshake');
    expect(renderMarkdown(quiet)).not.toContain('## Resets');
  });
});
