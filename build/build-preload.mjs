// The preload runs sandboxed, where Electron only loads CommonJS: bundle it (with the shared contract) to one .cjs file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}electron/preload/preload.ts`],
  outfile: `${root}dist/electron/preload/preload.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
