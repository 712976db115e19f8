import type { WatchCatch, WatchTimeline } from './watch-info.js';

/**
 * The pictures an exported report draws with the wizard's own Svelte components, rendered on the server
 * side (svelte/server), so the export and the wizard cannot drift apart. Built by `npm run build` into
 * EXPORT_PICTURES_BUNDLE (renderer/vite.export.config.ts); the engine loads it when it writes HTML.
 */
export interface ExportPictures {
  /** The pictures' colours in both schemes (renderer/src/chart-palette.css), once per page. */
  palette: string;
  /** The watch's timeline: `head` holds the component's style, `body` its markup. */
  watchTimeline(timeline: WatchTimeline, catches: WatchCatch[]): { head: string; body: string };
}

/** Where the build puts the export's pictures, from the repository's (or the app's) root. */
export const EXPORT_PICTURES_BUNDLE = 'dist/export/export-pictures.mjs';
