module.exports = {
  displayName: 'customers',
  preset: '../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../coverage/apps/customers',
};
