import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// The wizard runs in a browser (Electron's renderer or browser mode): Node's globals are off there.
const browserOnly = {
  ...Object.fromEntries(
    Object.keys(globals.node)
      .filter((name) => !(name in globals.browser))
      .map((name) => [name, 'off']),
  ),
  ...globals.browser,
};
const svelteFiles = ['renderer/**/*.svelte', 'renderer/**/*.svelte.ts'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine runs under plain Node for the CLI and browser mode: it must never pull in Electron.
    files: ['electron/engine/**', 'electron/shared/**', 'electron/cli/**', 'electron/serve/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
  {
    // Layers: net → parsers → forensics → probes → steps; the diagnosis reads them all and nothing below
    // it reads the diagnosis, so a probe never borrows a rule's wording or a rule a probe's.
    files: ['electron/engine/{net,parsers,forensics,probes,runner,steps}/**'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [{ group: ['**/diagnosis/**'], message: 'Only the diagnosis reads the diagnosis.' }],
        },
      ],
    },
  },
  // Svelte components and rune modules of the wizard, with the TypeScript parser for <script lang="ts">.
  ...svelte.configs.recommended.map((config) => ({ ...config, files: svelteFiles })),
  {
    files: svelteFiles,
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  { files: ['renderer/**'], languageOptions: { globals: browserOnly } },
  {
    // Dev and build scripts of the renderer run under Node.
    files: ['renderer/vite.config.ts', 'renderer/dev/preview-server.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // The wizard talks to the engine only through electron/shared: types from the engine are fine, its
    // code (Node code) is not. Specs and dev scripts may use the engine's plain-data fixture.
    files: ['renderer/src/**'],
    ignores: ['renderer/src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches Electron only through the preload API.' },
          ],
          patterns: [
            {
              group: ['**/electron/engine/**'],
              allowTypeImports: true,
              message: 'The engine is Node code: import its types only.',
            },
            { group: ['node:*'], message: 'The renderer runs in a browser.' },
          ],
        },
      ],
    },
  },
);
