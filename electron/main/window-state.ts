import { app, screen, type BrowserWindow, type Rectangle } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = () => join(app.getPath('userData'), 'window-state.json');
const DEFAULT = { width: 1100, height: 780 };

interface WindowState {
  bounds: Partial<Rectangle>;
  maximized: boolean;
}

/** The last size and position, if they still fit on a connected display. */
export function loadWindowState(): WindowState {
  try {
    const state = JSON.parse(readFileSync(FILE(), 'utf8')) as WindowState;
    const b = state.bounds;
    const visible = screen
      .getAllDisplays()
      .some(
        ({ workArea: w }) =>
          b.x !== undefined &&
          b.y !== undefined &&
          b.x >= w.x - 50 &&
          b.y >= w.y - 50 &&
          b.x < w.x + w.width &&
          b.y < w.y + w.height,
      );
    return {
      bounds: visible ? b : { width: b.width ?? DEFAULT.width, height: b.height ?? DEFAULT.height },
      maximized: state.maximized,
    };
  } catch {
    return { bounds: DEFAULT, maximized: false };
  }
}

export function trackWindowState(window: BrowserWindow): void {
  const save = () => {
    try {
      writeFileSync(
        FILE(),
        JSON.stringify({ bounds: window.getNormalBounds(), maximized: window.isMaximized() }),
      );
    } catch {
      // Not remembering a window size is no reason to bother anyone.
    }
  };
  window.on('close', save);
}
