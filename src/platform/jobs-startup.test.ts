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
      // A pool whose idle client is cut off emits 'error'; with no listener that is an uncaught
      // exception. The drop below can cut off a client that pool.end() has let go but not yet closed.
      const poolErrors: string[] = [];
      let tearingDown = false;
      const pools = [0, 1, 2].map(() => {
        const pool = new pg.Pool({ connectionString: serverUrlFor(TEST_DATABASE_URL!, name), max: 4 });
        pool.on('error', (err) => {
          if (!tearingDown) poolErrors.push(err.message);
        });
        return pool;
      });
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
        expect(poolErrors).toEqual([]);
      } finally {
        tearingDown = true;
        await Promise.allSettled(runners.map((r) => r.stop()));
        await Promise.allSettled(pools.map((p) => p.end()));
        await withAdminClient(TEST_DATABASE_URL!, (c) =>
          c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
      }
    }
  });

  it('stops its queue runner when starting fails half-way, so nothing keeps polling', async () => {
    const name = `voyage_jobs_${randomBytes(4).toString('hex')}`;
    await withAdminClient(TEST_DATABASE_URL!, (c) => c.query(`CREATE DATABASE ${name}`));
    const pool = new pg.Pool({ connectionString: serverUrlFor(TEST_DATABASE_URL!, name), max: 4 });
    try {
      const jobs = createJobs({
        pool,
        log: createLogger('silent'),
        metrics: createMetrics(),
        work: true,
        pollingIntervalSeconds: 0.5,
      });
      jobs.define({ name: 'test.startup-a', handler: async () => {} });
      // pg-boss refuses the schedule after the workers have started polling.
      jobs.define({ name: 'test.startup-b', cron: 'not a cron', handler: async () => {} });
      await expect(jobs.start()).rejects.toThrow();
      // Queries already under way when it stopped may still finish; then nothing more comes.
      await new Promise((r) => setTimeout(r, 1_000));
      let queries = 0;
      pool.on('acquire', () => queries++);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(queries).toBe(0);
      await expect(jobs.send('test.startup-a', {})).rejects.toThrow('jobs are not started');
    } finally {
      await pool.end();
      await withAdminClient(TEST_DATABASE_URL!, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
    }
  });
});
