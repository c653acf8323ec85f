/** Jest runs the TypeScript sources as native ES modules (ts-jest, transpile only:
 * `npm run typecheck` is the type gate). Each database test file creates its own
 * database on the one embedded PostgreSQL started by the global setup. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
