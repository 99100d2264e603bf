// End-to-end tests of the whole system: the built apps run as separate processes, as in production.
module.exports = {
  displayName: 'system-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 60_000,
  coverageDirectory: '../../coverage/apps/system-e2e',
};
