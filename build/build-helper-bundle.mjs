// The engine helper as one CommonJS file (dist/helper/engine-helper.cjs): what the helper's launcher
// starts, in the lab and in the desktop packages, where Electron runs it as Node from inside app.asar
// (the classic loader reads asar archives; the helper's dependencies need not be unpacked). raw-socket
// stays outside: a native module, rebuilt for the runtime that loads it and unpacked from the asar.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
// After tsc (npm run build's order): the bundle's place is defined once, beside the helper protocol.
import { HELPER_BUNDLE } from '../dist/electron/shared/helper-protocol.js';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}electron/helper/engine-helper-main.ts`],
  outfile: `${root}${HELPER_BUNDLE}`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['raw-socket'],
  // tool-version.ts finds package.json from its own URL: in a CommonJS bundle that is this file's.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});
