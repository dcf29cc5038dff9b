// ESLint for the TypeScript (and the few .mjs/.js files): the recommended
// rules of ESLint and typescript-eslint, without type information so a run
// takes seconds. Formatting is prettier's job (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.venv/**',
      '.venv-databricks/**',
      'data/**',
      'sample-logs/**',
      'bench/cache/**',
      'test-artifacts/**',
      'target/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring, callbacks).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // a boxed Number is used on purpose where one is needed; say so where it is
      'no-new-wrappers': 'error',
    },
  },
  {
    // Tests read JSON that commands and drivers print, of a shape only the assertions pin down.
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The KPI report's page script runs in the browser.
    files: ['scripts/kpi-report/client.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', Chart: 'readonly' } },
  },
);
