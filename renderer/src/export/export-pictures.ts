// The export's pictures: the wizard's components rendered to HTML strings (svelte/server), bundled with
// Svelte itself so the engine needs no Svelte at run time. Built by renderer/vite.export.config.ts.
import { render } from 'svelte/server';
import type { ExportPictures } from '../../../electron/shared/export-pictures-info.js';
import palette from '../chart-palette.css?raw';
import WatchTimeline from '../components/WatchTimeline.svelte';

export const pictures: ExportPictures = {
  palette,
  watchTimeline(timeline, catches) {
    const { head, body } = render(WatchTimeline, { props: { timeline, catches } });
    return { head, body };
  },
};
