module.exports = {
  displayName: 'customers-domain',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/customers/domain',
};
