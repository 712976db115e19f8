import { describe, expect, it } from 'vitest';
import { loadExportPictures } from './export-pictures-loader.js';
import { badge, esc } from './report-html-parts.js';
import { renderHtml } from './report-html.js';
import { sampleReport } from './report-fixture.js';
import { resetReport } from './report-resets-fixture.js';
import { validateReport } from './report-schema.js';

// The pictures are the wizard's components, server-rendered from the build's export bundle (npm run build).
const pictures = await loadExportPictures();

/** The SVG elements of the page, in order. */
function svgs(html: string): string[] {
  return html.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
}

describe('renderHtml', () => {
  const html = renderHtml(sampleReport(), pictures);

  it('is one complete document with the verdict card first', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    const card = html.match(/<section class="card verdict" data-verdict="([^"]+)">[\s\S]*?<\/section>/);
    expect(card?.[1]).toBe('firewall-reset');
    expect(card?.[0]).toContain('<h2>A firewall or middlebox sends the reset</h2>');
    expect(card?.[0]).toContain('86%');
    expect(card?.[0]).toContain('a device on the network path (hop 4)');
    expect(html.indexOf('data-verdict')).toBeLessThan(html.indexOf('<h2>Evidence</h2>'));
    expect(html.indexOf('<h2>Evidence</h2>')).toBeLessThan(html.indexOf('<h2>Remedies</h2>'));
  });

  it('links each evidence item to the row of the probe it rests on, by id', () => {
    for (const e of sampleReport().diagnosis.findings[0]!.evidence) {
      expect(html).toContain(`href="#probe-${e.probe}"`);
      expect(html).toContain(`<tr id="probe-${e.probe}">`);
    }
  });

  it("shows the remedies' commands as <code>, escaped like the rest", () => {
    const report = sampleReport();
    report.diagnosis.findings[0]!.remedies = ['Run `sysctl -w a=<b>` then <i>restart</i>.'];
    const html = renderHtml(report, pictures);
    expect(html).toContain(
      '<li>Run <code>sysctl -w a=&lt;b&gt;</code> then &lt;i&gt;restart&lt;/i&gt;.</li>',
    );
  });

  it('escapes <script> in the target input and the error text', () => {
    const report = sampleReport();
    report.target.input = 'https://x.test/<script>alert("t")</script>';
    report.options.errorText = '</pre><script>alert(1)</script>';
    report.steps[1]!.probes[4]!.failure!.message = '<img src=x onerror=alert(2)>';
    const out = renderHtml(report, pictures);
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<img/i);
    expect(out).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;');
    expect(out).toContain('<pre>&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</pre>');
    expect(out).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('loads nothing from anywhere: no remote src, href, url() or @import, and a CSP that forbids it', () => {
    expect(html).not.toMatch(
      /\b(?:src|href|action|poster|xlink:href)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i,
    );
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(?:script|link|iframe|object|embed|img)\b/i);
    expect(html).toContain(
      'content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:"',
    );
    // The target input is the only URL in the page, and only as text.
    expect(html.split('https://api.example.com:8443/v1/orders').join('')).not.toMatch(/https?:\/\//);
  });

  it('adapts to dark mode and prints on white', () => {
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    const print = html.slice(html.indexOf('@media print'));
    expect(print).toContain('--bg: #ffffff');
    expect(print).toContain('--card: #ffffff');
  });

  it('shows step statuses as words, not only colour', () => {
    expect(html).toContain('<span class="badge s-pass">✓ pass</span>');
    expect(html).toContain('<span class="badge s-warn">! warn</span>');
    expect(html).toContain('<span class="badge s-skipped">– skipped</span>');
    expect(html.match(/<li class="card step" id="step-/g)).toHaveLength(6);
  });

  it('a traceroute across the blamed hop names it beside the verdict, with no ok badge', () => {
    const row = html.match(/<tr id="probe-traceroute">[\s\S]*?<\/tr>/)?.[0] ?? '';
    expect(row).toContain('hop 3 does not answer; hop 4 (198.51.100.1) is the one the verdict blames');
    expect(row).toContain('<span class="badge s-warn">! warn</span>');
    expect(row).not.toContain('s-ok');
  });

  it('shows skip reasons and failures in the probe tables', () => {
    expect(html).toContain(
      // In the wizard's words: the start page's field, not the CLI's flag.
      'Skipped because: No log file was given: fill in &quot;Server log file&quot; on the start page with the server log around the time of a reset',
    );
    expect(html).toContain(
      'Failed (<code>operation_not_permitted</code>): The kernel refused to set the don’t-fragment flag on the probe socket (EPERM)',
    );
  });

  it("draws the ping line and the traceroute bars, with every answering hop's address", () => {
    const [ping, trace] = svgs(html);
    expect(ping).toContain('aria-label="Ping round-trip times: 9 of 10 echoes answered, 1 lost (ping 5)');
    expect(ping?.match(/<polyline/g)).toHaveLength(2);
    expect(trace).toContain('aria-label="Traceroute: 7 hops.');
    expect(trace).toMatch(/<text class="silent-mark[^"]*"[^>]*>\*<\/text>/);
    expect(trace?.match(/<rect /g)).toHaveLength(6);
    expect(trace).toMatch(/<g class="hop blamed[^"]*">(?:(?!<\/g>).)*<text class="ttl[^"]*"[^>]*>4<\/text>/s);
    expect(trace?.match(/<text class="address/g)).toHaveLength(6);
    expect(trace).toContain('>198.51.100.1</text>');
    // Svelte's hydration markers are not part of an export.
    expect(html).not.toContain('<!--[');
  });

  it('ends with the whole report as escaped JSON in a collapsible block', () => {
    const raw = html.match(
      /<details><summary>Raw report \(JSON\)<\/summary><pre>([\s\S]*?)<\/pre><\/details>/,
    );
    const unescaped = raw?.[1]
      ?.replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    expect(JSON.parse(unescaped ?? 'null')).toEqual(sampleReport());
    expect(html.lastIndexOf('<details>')).toBeGreaterThan(html.indexOf('<h2>Run</h2>'));
  });

  it('keeps the raw JSON the same data when it holds control characters, shown as escapes', () => {
    const report = sampleReport();
    report.steps[0]!.summary = 'bidi \u202e override, C1 \u009b, DEL \u007f, ESC \u001b';
    const raw = renderHtml(report, pictures).match(/<pre>(\{[\s\S]*?)<\/pre>/)?.[1] ?? '';
    expect(raw).toContain('bidi \\u202e override, C1 \\u009b, DEL \\u007f, ESC \\u001b');
    const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' };
    expect(JSON.parse(raw.replace(/&(lt|gt|quot|#39|amp);/g, (_m, e: string) => entities[e]!))).toEqual(
      report,
    );
  });

  it("draws the ping and the traceroute with the wizard's components, and nothing for data of an unexpected shape", () => {
    expect(pictures).not.toBeNull();
    const ids = (page: string) =>
      [...page.matchAll(/<section class="probe-picture" data-probe-id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids(html)).toEqual(expect.arrayContaining(['ping', 'traceroute']));
    const report = sampleReport();
    report.steps[1]!.probes[1]!.data = { rttsMs: ['fast'] };
    report.steps[1]!.probes[2]!.data = { hops: [{ ttl: 1 }] };
    const page = renderHtml(report, pictures);
    expect(ids(page)).not.toContain('ping');
    expect(ids(page)).not.toContain('traceroute');
  });

  it('escapes what the probe data holds inside the pictures too', () => {
    const report = sampleReport();
    const trace = report.steps[1]!.probes[2]!;
    trace.data = { hops: [{ ttl: 1, address: '<b>x</b>', rttMs: 1, lossPercent: 0 }] };
    const page = renderHtml(report, pictures);
    expect(page).toContain('data-probe-id="traceroute"');
    expect(page).not.toContain('<b>x</b>');
    expect(page).toContain('&lt;b>x&lt;/b>');
  });

  it('says the pictures are missing in a copy built without them, and draws none', () => {
    const page = renderHtml(sampleReport(), null);
    expect(svgs(page)).toHaveLength(0);
    expect(page).toContain('built without its export pictures');
  });
});

describe('html parts', () => {
  it('escape every character that matters in content and attributes', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('replace control and bidirectional-override characters, keeping line breaks', () => {
    expect(esc('a\x1b[31mb\x07\r\nc\u202ed\te')).toBe('a\uFFFD[31mb\uFFFD\nc\uFFFDd\te');
  });

  it('give unknown statuses no class they could abuse', () => {
    expect(badge('"><x')).toBe('<span class="badge">&quot;&gt;&lt;x</span>');
  });
});

describe('renderHtml: resets', () => {
  const report = resetReport();
  const html = renderHtml(report, pictures);
  const card = html.match(/<section class="card resets">[\s\S]*?<\/section>/)?.[0] ?? '';

  it('lists after what each connection ended badly, and who sent each reset', () => {
    expect(html.indexOf('<section class="card resets">')).toBeLessThan(html.indexOf('<h2>Steps</h2>'));
    const items = [...card.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
    expect(items).toEqual([
      'request, concurrency #1: reset during the TLS handshake: ClientHello sent, nothing received, 0.4 ms after the ClientHello; sent by a device on the network path (hop 4), TTL 61, strength of the signals: moderate (weight 3 for it, 0.5 against)',
      'concurrency #2: closed by the peer (FIN) on the request: 78 bytes sent, nothing received',
      'rate #3: reset, sent by the server, TTL 58',
    ]);
  });

  it('tables each signal with its vote in words, escaping what the data holds', () => {
    expect(card).toContain(
      '<h3 class="gap">Signals of the resets on “request”, “concurrency #1” (TTL 61)</h3>',
    );
    const rows = [
      ...(card.match(/<table class="signals">[\s\S]*?<\/table>/)?.[0] ?? '').matchAll(
        /<tr>([\s\S]*?)<\/tr>/g,
      ),
    ]
      .slice(1)
      .map((m) =>
        [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '')),
      );
    expect(rows).toEqual([
      [
        'TTL (how many routers away)',
        'a device on the path',
        '3',
        'TTL 61 is 3 routers away; the server is 6',
      ],
      ['IP ID sequence', 'neither (neutral)', '0', 'IP ID 0 (DF set): says nothing about the sender'],
      ['hop-echo', 'the server', '0.5', 'a &lt;signal&gt; from a later version'],
    ]);
    expect(card).toContain('<td class="vote-path">a device on the path</td>');
    expect(html).not.toContain('<signal>');
  });

  it('gives the reset-hop finding, the replays by TTL, and marks the hop on the traceroute in words', () => {
    expect(card).toContain('<dt>First reset at</dt><dd>TTL 4 (TTL 2 still passed)</dd>');
    expect(card).toContain('<dt>Device sits</dt><dd>at hop 4 (198.51.100.1)</dd>');
    expect(card).toContain('<dt>Control exchange</dt><dd>answered by the server</dd>');
    expect(card).toContain(
      '<dt>Replayed</dt><dd>TLS ClientHello with SNI api.example.com (from “request”)</dd>',
    );
    const ttls = [
      ...(card.match(/<table class="attempts">[\s\S]*?<\/table>/)?.[0] ?? '').matchAll(
        /<tr><td class="num">(\d+)/g,
      ),
    ].map((m) => m[1]);
    expect(ttls).toEqual(['2', '4', '7']);
    const trace = svgs(html).find((s) => s.includes('aria-label="Traceroute: 7 hops.'))!;
    expect(trace).toContain('Hop 4 resets the connection');
    expect(trace).toMatch(/<text class="blamed-mark[^"]*"[^>]*>▼ blamed, resets here<\/text>/);
    expect(trace).toMatch(/<text class="address[^"]*"[^>]*>198\.51\.100\.1<\/text>/);
  });

  it('keeps the report valid against its schema', () => {
    expect(validateReport(report)).toMatchObject({ valid: true });
  });
});
