module.exports = {
  displayName: 'service-kit',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/service-kit',
};
