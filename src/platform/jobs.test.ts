import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../test/helpers/database.js';
import { openDatabaseForTest } from '../../test/helpers/test-app.js';
import { createJobs, type Jobs } from './jobs.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';

declare module './jobs.js' {
  interface JobCatalogue {
    'test.flaky': { id: number };
    'test.doomed': { id: number };
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error('condition not met in time');
}

describe('jobs', () => {
  let db: TestDatabase;
  let jobs: Jobs;
  const attempts = new Map<number, number>();
  const done: number[] = [];
  const metrics = createMetrics();

  beforeAll(async () => {
    db = await openDatabaseForTest();
    jobs = createJobs({
      pool: db.database.pool,
      log: createLogger('silent'),
      metrics,
      work: true,
      pollingIntervalSeconds: 0.5,
    });
    jobs.define({
      name: 'test.flaky',
      retryDelaySeconds: 1,
      concurrency: 1,
      handler: async ({ id }) => {
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        if (n < 2) throw new Error('temporary failure');
        done.push(id);
      },
    });
    jobs.define({
      name: 'test.doomed',
      retryLimit: 1,
      retryDelaySeconds: 1,
      concurrency: 1,
      handler: async () => {
        throw new Error('always fails');
      },
    });
    await jobs.start();
  });
  afterAll(async () => {
    await jobs.stop();
    await db.drop();
  });

  it('retries a failed job with backoff until it succeeds', async () => {
    await jobs.send('test.flaky', { id: 1 });
    await until(() => done.includes(1));
    expect(attempts.get(1)).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/voyage_jobs_total\{queue="test.flaky",outcome="failed"\} 1/);
    expect(text).toMatch(/voyage_jobs_total\{queue="test.flaky",outcome="completed"\} 1/);
  });

  it('dead-letters a job whose retries run out, and can send it back', async () => {
    await jobs.send('test.doomed', { id: 7 });
    await until(async () => (await jobs.deadLetters('test.doomed')).length === 1);
    const [dead] = await jobs.deadLetters('test.doomed');
    expect(dead!.data).toEqual({ id: 7 });
    const resent = await jobs.retryDeadLetter('test.doomed', dead!.id);
    expect(resent).toBeTruthy();
    expect(await jobs.deadLetters('test.doomed')).toHaveLength(0);
  });
});
