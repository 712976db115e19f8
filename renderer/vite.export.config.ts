import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The export's pictures (src/export/export-pictures.ts) as one server-side ES module: the wizard's own
// components compiled for svelte/server, their CSS injected into what render() returns, and Svelte
// bundled in (it is a build-time dependency only). The engine imports it when it writes an HTML export.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte({ compilerOptions: { css: 'injected' } })],
  ssr: { noExternal: true },
  build: {
    ssr: 'src/export/export-pictures.ts',
    outDir: '../dist/export',
    emptyOutDir: true,
    target: 'node20',
    rollupOptions: { output: { format: 'es', entryFileNames: 'export-pictures.mjs' } },
  },
});
