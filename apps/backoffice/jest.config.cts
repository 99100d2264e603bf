// The back office driven in Debian's chromium (playwright-core) against the system as `npm start` runs it.
module.exports = {
  displayName: 'backoffice',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/apps/backoffice',
};
