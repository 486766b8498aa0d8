#!/usr/bin/env node
// npm run test:integration — the fast suites again, on a real Postgres (and Redis when given).
import { spawnSync } from 'node:child_process';

if (!process.env.TEST_DATABASE_URL) {
  console.error(
    'test:integration needs TEST_DATABASE_URL (a Postgres server where it may create databases), e.g.\n' +
      '  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379 npm run test:integration',
  );
  process.exit(2);
}
console.error(
  `integration suites on ${new URL(process.env.TEST_DATABASE_URL).host}${process.env.TEST_REDIS_URL ? ' with Redis' : ''}`,
);
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
