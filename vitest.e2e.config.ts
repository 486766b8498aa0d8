import { defineConfig } from 'vitest/config';

// The browser suite (npm run test:e2e): Debian's chromium driven by playwright-core against a real
// Voyage process per spec file (fresh data dir, demo data, free port). Needs `npm run build`.
export default defineConfig({
  test: {
    include: ['web/test/e2e/**/*.spec.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
