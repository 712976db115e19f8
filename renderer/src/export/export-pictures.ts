// The export's pictures: the wizard's components rendered to HTML strings (svelte/server), bundled with
// Svelte itself so the engine needs no Svelte at run time. Built by renderer/vite.export.config.ts.
import { render } from 'svelte/server';
import { pictureKey, type ExportPictures } from '../../../electron/shared/export-pictures-info.js';
import palette from '../pictures.css?raw';
import ProbePicture from '../components/ProbePicture.svelte';
import WatchTimeline from '../components/WatchTimeline.svelte';
import { pictureContext, probeStateOf } from '../lib/probe-pictures.js';

/**
 * Svelte's hydration markers (`<!--[-->`, `<!--]-->`, `<!--[0-->`): for a page that will never be
 * hydrated they are noise. Text from the report cannot look like one: the components escape every `<`.
 */
const MARKERS = /<!--[[\]!\-0-9]*-->/g;

function drawn(body: string): string {
  return body.replace(MARKERS, '');
}

export const pictures: ExportPictures = {
  palette,
  watchTimeline(timeline, catches) {
    const { head, body } = render(WatchTimeline, { props: { timeline, catches } });
    return { head, body: drawn(body) };
  },
  reportPictures(report) {
    const all = report.steps.flatMap((s) => s.probes);
    // Each render's head holds the style of every component it drew: each style is kept once.
    const styles = new Set<string>();
    const byProbe: Record<string, string> = {};
    for (const step of report.steps) {
      const ctx = pictureContext(step.probes, all, report);
      for (const probe of step.probes) {
        const rendered = render(ProbePicture, { props: { probe: probeStateOf(probe), ctx } });
        const body = drawn(rendered.body);
        if (body.trim() === '') continue;
        for (const style of rendered.head.match(/<style[\s\S]*?<\/style>/g) ?? []) styles.add(style);
        byProbe[pictureKey(step.id, probe.id)] = body;
      }
    }
    return { head: [...styles].join('\n'), byProbe };
  },
};
