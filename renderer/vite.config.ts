import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// One build for both faces: Electron loads dist/renderer/index.html from file://, browser mode serves it
// over http(s). Relative asset paths (base './') work for both.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No data: URLs for scripts or fonts: every asset is a file the CSP's 'self' allows.
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1', strictPort: true },
});
