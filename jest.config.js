/** Jest runs the TypeScript sources as native ES modules (ts-jest, transpile only:
 * `npm run typecheck` is the type gate). The global setup starts one embedded
 * PostgreSQL; each database test file creates its own database on it. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
