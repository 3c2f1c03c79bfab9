// Two projects: `unit` (specs beside the code) and `e2e` (black-box HTTP through the demo host).
// The e2e project runs on SQLite unless TEST_DATABASE_URL names a MySQL database
// (`npm run test:mysql` does that). Tests are transpiled only; `npm test` type-checks first.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.spec.json', diagnostics: false }],
  // jose ships ES modules only, which Jest cannot require() before Node 24.9: transpile it to CommonJS.
  '/node_modules/jose/.+\\.js$': [
    'ts-jest',
    { tsconfig: { allowJs: true, isolatedModules: true, module: 'commonjs', moduleResolution: 'node10' }, diagnostics: false },
  ],
};
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  // The foreign hosts run under their own test runners (scripts/test-foreign-host.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/foreign-host/'],
};

module.exports = {
  // A global option (Jest ignores it inside a project): end-to-end tests start real hosts.
  testTimeout: 60000,
  globalTeardown: '<rootDir>/test/support/report-skipped.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // A host on every node of a 3-node MariaDB Galera cluster; `npm run test:galera` (scripts/test-galera.js) starts it.
    { ...common, displayName: 'galera', testMatch: ['<rootDir>/test/galera/**/*.galera-spec.ts'] },
    // Swagger UI in headless Chromium; `npm run test:browser` (scripts/test-browser.js) runs it.
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
  ],
};
