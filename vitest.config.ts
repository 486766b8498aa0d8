import { defineConfig } from 'vitest/config';

// The fast suite: every module's API tests, on PGlite in memory by default, or on the Postgres and
// Redis named by TEST_DATABASE_URL / TEST_REDIS_URL (npm run test:integration).
export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/unit/**/*.test.ts',
      'migrations/**/*.test.ts',
      'web/src/**/*.test.ts',
    ],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
