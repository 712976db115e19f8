import { EXPORT_PICTURES_BUNDLE, type ExportPictures } from '../../shared/export-pictures-info.js';

/**
 * The repository's (or the packaged app's) root, from this module's own URL: electron/engine/report in
 * the sources and tests, dist/electron/engine/report in the build, dist/helper/engine-helper.cjs in the
 * engine helper's bundle (whose import.meta.url is the bundle's).
 */
const ROOTS = ['../../../', '../../../../', '../../'];

let loaded: Promise<ExportPictures | null> | null = null;

/**
 * The export's pictures (export-pictures-info.ts), built by `npm run build`; null when this copy was not
 * built with them, and the export then says the picture is missing rather than draw a second one.
 */
export function loadExportPictures(): Promise<ExportPictures | null> {
  loaded ??= (async () => {
    for (const up of ROOTS) {
      try {
        const module = (await import(new URL(`${up}${EXPORT_PICTURES_BUNDLE}`, import.meta.url).href)) as {
          pictures?: ExportPictures;
        };
        if (module.pictures) return module.pictures;
      } catch {
        // not there: the next root
      }
    }
    return null;
  })();
  return loaded;
}
