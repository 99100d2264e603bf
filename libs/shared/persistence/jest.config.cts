module.exports = {
  displayName: 'persistence',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  coverageDirectory: '../../../coverage/libs/shared/persistence',
};
