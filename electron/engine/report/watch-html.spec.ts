/**
 * A watch's HTML export: one self-contained page whose timeline is the wizard's own component, rendered
 * on the server side from the bundle `npm run build` makes (dist/export), never a second drawing.
 */
import { describe, expect, it } from 'vitest';
import { sampleWatchResult } from '../../../renderer/dev/sample-watch.js';
import { loadExportPictures } from './export-pictures-loader.js';
import { renderWatchHtml } from './watch-html.js';

describe('renderWatchHtml', () => {
  it("draws the timeline with the wizard's component (the build's export bundle), its style in the head", async () => {
    const pictures = await loadExportPictures();
    expect(pictures, 'dist/export/export-pictures.mjs: run npm run build').not.toBeNull();
    const r = sampleWatchResult();
    const html = renderWatchHtml(r, pictures, { [r.catches[0]!.connectionId]: { first: 1, last: 4 } });
    const { head, body } = pictures!.watchTimeline(r.timeline, r.catches);
    expect(body).toMatch(/^<figure class="timeline svelte-[a-z0-9]+"><svg viewBox="0 0 720 168" role="img"/);
    expect(html).toContain(body);
    expect(html).toContain(head);
    // The palette the component's colours come from, in both schemes.
    expect(html).toContain('--chart-fail: #c43328');
    expect(html).toContain('prefers-color-scheme: dark');
    // One marker per catch, titled with who sent it.
    expect(body.match(/<circle class="mark /g)).toHaveLength(r.catches.length);
    expect(html).toContain('Frames in the pcapng');
    expect(html).toMatch(/<td>1–4<\/td>/);
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes what came from the watch, and says when the picture is missing', () => {
    const r = sampleWatchResult();
    const html = renderWatchHtml(
      { ...r, target: { ...r.target, input: '<img src=x onerror=alert(1)>' } },
      null,
    );
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('The picture is missing');
  });

  it('marks a silence apart from the resets, and says so in the legend', async () => {
    const pictures = (await loadExportPictures())!;
    const r = sampleWatchResult();
    const silent = {
      ...r.catches[0]!,
      connectionId: 'w99',
      how: 'silence' as const,
      verdict: null,
      silence: { silentMs: 3100, retransmits: 3, connecting: false },
    };
    const { body } = pictures.watchTimeline(r.timeline, [...r.catches, silent]);
    expect(body).toMatch(/<circle class="mark silence svelte-[a-z0-9]+"/);
    expect(body).toContain('left unanswered');
  });
});
