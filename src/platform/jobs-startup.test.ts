import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { serverUrlFor, TEST_DATABASE_URL, withAdminClient } from '../../test/helpers/database.js';
import { createJobs } from './jobs.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';

declare module './jobs.js' {
  interface JobCatalogue {
    'test.startup-a': Record<string, never>;
    'test.startup-b': Record<string, never>;
  }
}

/**
 * The processes of a split deployment (api, worker, …) start at the same moment against a fresh
 * database, and each sets up pg-boss and its queues. Only a Postgres server has several processes.
 */
describe.runIf(TEST_DATABASE_URL)('jobs, started by several processes at once', () => {
  it('starts every runner on a fresh database (three rounds of three)', async () => {
    for (let round = 0; round < 3; round++) {
      const name = `voyage_jobs_${randomBytes(4).toString('hex')}`;
      await withAdminClient(TEST_DATABASE_URL!, (c) => c.query(`CREATE DATABASE ${name}`));
      const pools = [0, 1, 2].map(
        () => new pg.Pool({ connectionString: serverUrlFor(TEST_DATABASE_URL!, name), max: 4 }),
      );
      const runners = pools.map((pool, i) => {
        const jobs = createJobs({ pool, log: createLogger('silent'), metrics: createMetrics(), work: i > 0 });
        jobs.define({ name: 'test.startup-a', cron: '17 * * * *', handler: async () => {} });
        jobs.define({ name: 'test.startup-b', handler: async () => {} });
        return jobs;
      });
      try {
        const results = await Promise.allSettled(runners.map((r) => r.start()));
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'started'))).toEqual(
          Array(3).fill('started'),
        );
        const queues = await pools[0]!.query(
          "SELECT name FROM pgboss.queue WHERE name LIKE 'test.%' ORDER BY name",
        );
        expect(queues.rows.map((r) => r.name)).toEqual([
          'test.startup-a',
          'test.startup-a.dead',
          'test.startup-b',
          'test.startup-b.dead',
        ]);
      } finally {
        await Promise.allSettled(runners.map((r) => r.stop()));
        await Promise.allSettled(pools.map((p) => p.end()));
        await withAdminClient(TEST_DATABASE_URL!, (c) =>
          c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
      }
    }
  });
});
