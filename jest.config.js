/** Jest runs the TypeScript sources as native ES modules (ts-jest, transpile only:
 * `npm run typecheck` is the type gate). The global setup starts one embedded
 * PostgreSQL; each database test file creates its own database on it. */
/**
 * Slow end-to-end suites (real processes, a PostgreSQL of their own, phase
 * walks): `npm run test:e2e` runs them, and .ci/run runs both scripts, so
 * `npm test` stays a quick loop.
 */
export const END_TO_END_SUITES = [
  'test/docs/runbook-transcripts.test.ts',
  'test/phases/live-flag-phases.test.ts',
  'test/backfill/backfill-shards.test.ts',
  'test/federation/replicas-behind-gateway.test.ts',
  'test/db/user-scoped-statements.test.ts',
  'test/replica/read-replica.test.ts',
  'test/cli/shared-embedded-database.test.ts',
  'test/cli/start-failures.test.ts',
  'test/cli/server-signals.test.ts',
  'test/backfill/backfill-crash.test.ts',
];

const endToEnd = process.env.JEST_SUITES === 'e2e';

export default {
  ...(endToEnd
    ? { testMatch: END_TO_END_SUITES.map((path) => `<rootDir>/${path}`) }
    : { testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/', ...END_TO_END_SUITES.map((path) => `<rootDir>/${path}`)] }),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  testTimeout: 60000,
};
