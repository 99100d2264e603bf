module.exports = {
  displayName: 'xero-sandbox',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/xero-sandbox',
};
