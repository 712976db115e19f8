import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    files: ['electron/engine/**', 'electron/shared/**', 'electron/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'] }] },
  },
);
