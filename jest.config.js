// Two projects: `unit` (specs beside the code) and `e2e` (black-box HTTP through the demo host).
// The e2e project runs on SQLite unless TEST_DATABASE_URL names a MySQL database
// (`npm run test:mysql` does that). Tests are transpiled only; `npm test` type-checks first.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: false }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  globalTeardown: '<rootDir>/test/support/report-skipped.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 60000 },
  ],
};
