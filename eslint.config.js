// @ts-check
import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '.cache/', '**/dist/', 'test-results/', 'bench-results/', 'packages/elements/src/locales/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'vite.config.ts'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
    },
  },
  // matrix-js-sdk stays inside the modules that drive the session's MatrixClient (docs/development.md,
  // "Architecture rules kept by the code"): everything else works on plain event JSON and snapshots, so
  // the loader, the light read and the elements never pull in the SDK (~240 KB gzip).
  {
    files: ['packages/**/*.ts'],
    ignores: [
      '**/*.test.ts',
      'packages/core/src/session/{engine,auth,sdk-logger}.ts',
      'packages/core/src/sdk.ts',
      'packages/core/src/sync/{sync,sync-gap}.ts',
      'packages/core/src/rooms/**',
      'packages/core/src/threads/thread-{model,events}.ts',
      'packages/core/src/posts/post-room*.ts',
      'packages/core/src/dm/**',
      'packages/core/src/crypto/**',
      'packages/core/src/outbox/sdk-transport.ts',
      'packages/core/src/timeline/timeline.ts',
      'packages/core/src/timeline/sdk-*.ts',
      'packages/core/src/timeline/room-members.ts',
      'packages/core/src/timeline/undecryptable.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^matrix-js-sdk(/.*)?$',
              message: 'matrix-js-sdk belongs to the engine modules listed in eslint.config.js; work on plain data here.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/elements/**/*.ts'],
    ...wc.configs['flat/recommended'],
  },
  {
    files: ['packages/elements/**/*.ts'],
    ...wc.configs['flat/best-practice'],
  },
  {
    files: ['packages/elements/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  {
    files: ['packages/elements/**/*.ts'],
    ...litA11y.configs.recommended,
  },
  {
    files: ['**/*.test.ts'],
    languageOptions: { globals: { ...globals.mocha } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
