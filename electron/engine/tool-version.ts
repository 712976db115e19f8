import { readFileSync } from 'node:fs';

export const TOOL_NAME = 'reset-doctor';

// package.json sits two levels above both electron/engine (sources) and dist/electron/engine (build).
function readVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === TOOL_NAME && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
