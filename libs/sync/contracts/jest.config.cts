module.exports = {
  displayName: 'sync-contracts',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/sync/contracts',
};
