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

/** The feature folders of the server: each imports another only through its index.ts. */
const FEATURES = ['sessions', 'flow', 'insights', 'privacy', 'teams', 'wakatime'];

const serverNeverImportsSdk = {
  group: ['@mindful/client-sdk', '**/client-sdk/**'],
  message: 'server and client-sdk never import each other.',
};

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
  // The server's rooms (docs/architecture.md). ESLint applies the last matching block's
  // no-restricted-imports, so each block repeats the rule every server file obeys.
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [serverNeverImportsSdk] }],
    },
  },
  {
    // Replication only: the registry, live documents, socket, fan-out and log.
    files: ['server/src/sync/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverNeverImportsSdk,
            {
              regex: `^(\\.\\./)+(${[...FEATURES, 'projection', 'http', 'openapi'].join('|')})(/|$)`,
              message:
                'sync/ is replication only: it imports no feature, projection or HTTP folder (features subscribe to its events instead).',
            },
          ],
        },
      ],
    },
  },
  {
    // The projection into rows: above sync/, below the features that follow it.
    files: ['server/src/projection/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverNeverImportsSdk,
            {
              regex: `^(\\.\\./)+(${FEATURES.filter((f) => f !== 'sessions').join('|')}|http|openapi)(/|$)`,
              message:
                'projection/ publishes events; the features that follow the rows subscribe to them.',
            },
            {
              regex: '^(\\.\\./)+sessions/',
              message:
                "projection/ uses sessions through its named interface: import '../sessions'.",
            },
          ],
        },
      ],
    },
  },
  {
    // Features: route → service → store inside; another feature only through its index.ts.
    files: FEATURES.map((f) => `server/src/${f}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverNeverImportsSdk,
            {
              regex: `^(\\.\\./)+(${FEATURES.join('|')})/`,
              message:
                "A feature uses another only through its named service interface: import '../<feature>' (its index.ts), never a file inside it.",
            },
            {
              regex: '^(\\.\\./)+http(/|$)',
              message:
                'Features throw DomainError (errors/) and leave HTTP mapping to http/errors.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    // The WakaTime-compatible routes answer in WakaTime's own error codes: HTTP errors, in routes only.
    files: ['server/src/wakatime/**/*-routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            serverNeverImportsSdk,
            {
              regex: `^(\\.\\./)+(${FEATURES.join('|')})/`,
              message:
                "A feature uses another only through its named service interface: import '../<feature>' (its index.ts), never a file inside it.",
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
