module.exports = {
  displayName: 'xero-sync',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/xero-sync',
};
