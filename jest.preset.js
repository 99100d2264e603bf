const nxPreset = require('@nx/jest/preset').default;

// swc transpiles without type-checking (tsc does that in `build` and lint), which keeps a full
// run inside CI's budget on two cores. Decorator metadata is needed by NestJS and class-validator.
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // contract specs (*.contract-spec.ts) also run alone: nx run-many -t contract
  testMatch: ['**/?(*.)+(spec|e2e-spec|contract-spec).ts'],
  testTimeout: 30_000,
  // Infrastructure (database, broker) is resolved once per run; see libs/shared/testing.
  globalSetup: require.resolve('./libs/shared/testing/src/global-setup.js'),
  globalTeardown: require.resolve('./libs/shared/testing/src/global-teardown.js'),
};
