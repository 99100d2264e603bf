module.exports = {
  displayName: 'sync-domain',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/sync/domain',
};
