import type { Report } from './report-info.js';
import type { WatchCatch, WatchTimeline } from './watch-info.js';

/** A server-rendered picture: `head` holds the components' style, `body` their markup. */
export interface RenderedPicture {
  head: string;
  body: string;
}

/**
 * The pictures an exported report draws with the wizard's own Svelte components, rendered on the server
 * side (svelte/server), so the export and the wizard cannot drift apart. Built by `npm run build` into
 * EXPORT_PICTURES_BUNDLE (renderer/vite.export.config.ts); the engine loads it when it writes HTML.
 */
export interface ExportPictures {
  /** The pictures' colours in both schemes and their frame (renderer/src/pictures.css), once per page. */
  palette: string;
  /** The watch's timeline. */
  watchTimeline(timeline: WatchTimeline, catches: WatchCatch[]): RenderedPicture;
  /**
   * What each check of a finished diagnosis shows under its summary in the wizard (its picture, or its
   * lines of evidence), keyed by `pictureKey(step, probe)`; checks that show nothing are left out.
   * `head` holds the styles of every component drawn, once.
   */
  reportPictures(report: Report): { head: string; byProbe: Record<string, string> };
}

export function pictureKey(stepId: string, probeId: string): string {
  return `${stepId}/${probeId}`;
}

/** Where the build puts the export's pictures, from the repository's (or the app's) root. */
export const EXPORT_PICTURES_BUNDLE = 'dist/export/export-pictures.mjs';
