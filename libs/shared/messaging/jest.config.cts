module.exports = {
  displayName: 'messaging',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/messaging',
};
