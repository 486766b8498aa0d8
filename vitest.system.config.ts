import { defineConfig } from 'vitest/config';

// System tests: real processes (voyage, Postgres, HAProxy, Prometheus …), one file at a time.
export default defineConfig({
  test: {
    include: ['test/system/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
