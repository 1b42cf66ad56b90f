import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = [
  // Every Node built-in, with and without the node: prefix.
  ...builtinModules.flatMap((name) => [name, `${name}/*`]),
  'node:*',
  'pg',
  'pg-*',
  'ws',
  'express',
  '@electric-sql/*',
  'better-auth',
  'better-auth/*',
  'pino',
  'y-websocket',
  '@mindful/server',
  '@mindful/client-sdk',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.mindful/**', '.tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The pure core: no I/O, no shell packages.
    files: ['shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'shared/ is the pure core: no I/O imports.' }] },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'shared/ does no I/O.' }],
      'no-restricted-syntax': [
        'error',
        {
          // The model runtime loads lazily; nothing else is imported at run time.
          selector: "ImportExpression:not([source.value='onnxruntime-web/wasm'])",
          message: 'shared/ imports only statically (the lint rules above must see it).',
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'shared/ takes time as an argument.' },
        { object: 'Math', property: 'random', message: 'shared/ takes randomness as an argument.' },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@mindful/client-sdk', '**/client-sdk/**'],
              message: 'server and client-sdk never import each other.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['client-sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@mindful/server', '**/server/**'],
              message: 'server and client-sdk never import each other.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
