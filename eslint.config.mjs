import nx from '@nx/eslint-plugin';

// The architecture as lint rules. Two kinds of tag on every project:
// - type: what it is. Apps depend on libs, never the reverse; the domain imports no framework, so it
//   stays plain TypeScript that any adapter (HTTP, broker, Xero) can call; the enumerations that
//   cross a service boundary (type:enums, inside libs/sync/contracts) import nothing at all, so the
//   domain may use them without the event classes and their validators.
// - scope: who owns it (the folder says so). Each service's code uses its own scope, the shared
//   platform (scope:shared) and the contracts. The sync side may also read the customers' domain
//   library (the customer fields and their mapping to a Xero contact: the POS is master of them);
//   nothing of the customers' scope depends on sync code other than the contracts.
const FRAMEWORKS = ['@nestjs/*', 'mongoose', 'mongodb', 'amqplib', 'xero-node', 'express'];
const CONTRACTS = ['type:contracts', 'type:enums'];

/** The test harness is for specs; a service or library that needs it at run time is a mistake. */
const TESTING_ONLY_IN_TESTS = {
  name: '@pos/testing',
  message: 'the test harness (@pos/testing) is for tests only: *.spec.ts, *.e2e-spec.ts and test/ folders',
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', 'data/**', 'tools/ferretdb/bin/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [
            {
              sourceTag: 'type:enums',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['*'],
            },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:enums'],
              bannedExternalImports: FRAMEWORKS,
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: ['type:domain', ...CONTRACTS],
              bannedExternalImports: ['@nestjs/*', 'mongoose', 'mongodb', 'xero-node'],
            },
            {
              sourceTag: 'type:messaging',
              // the testing harness only from specs, which run against the real broker (see below)
              onlyDependOnLibsWithTags: [...CONTRACTS, 'type:testing'],
            },
            {
              sourceTag: 'type:platform',
              // the testing harness only from specs (no-restricted-imports below keeps it out of src)
              onlyDependOnLibsWithTags: ['type:domain', ...CONTRACTS, 'type:messaging', 'type:platform', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:domain', ...CONTRACTS, 'type:messaging'],
            },
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: ['type:domain', ...CONTRACTS, 'type:messaging', 'type:testing'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: ['type:domain', ...CONTRACTS, 'type:messaging', 'type:platform', 'type:testing'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', ...CONTRACTS] },
            { sourceTag: 'scope:customers', onlyDependOnLibsWithTags: ['scope:customers', 'scope:shared', ...CONTRACTS] },
            { sourceTag: 'scope:sync', onlyDependOnLibsWithTags: ['scope:sync', 'scope:shared', ...CONTRACTS, 'type:domain'] },
            // A stand-in for Xero: it shares nothing with the services it is a stand-in for.
            { sourceTag: 'scope:xero-sandbox', onlyDependOnLibsWithTags: ['scope:shared'] },
            // The whole system from outside, as its users see it.
            { sourceTag: 'scope:system', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Every project's own code (its src/ folder), specs excepted. The pattern works from the
    // workspace root and from a project folder alike (nx lints each project from its folder).
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [TESTING_ONLY_IN_TESTS] }] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
