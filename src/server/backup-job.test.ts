import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, openDatabaseForTest, type TestApp } from '../../test/helpers/test-app.js';
import { createJobs } from '../platform/jobs.js';
import { createLogger } from '../platform/observability/logger.js';
import { createMetrics } from '../platform/observability/metrics.js';
import { defineBackupJob } from './backup-job.js';

describe('the scheduled backup job', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-backup-job-'));
    t = await createTestApp({ env: { BACKUP_DIR: dir, BACKUP_SCHEDULE: '15 2 * * *' } });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is declared with the configured cron, one run at a time', async () => {
    defineBackupJob(t.ctx);
    expect(t.ctx.jobs.definitions.get('ops.backup')).toMatchObject({ cron: '15 2 * * *', concurrency: 1 });
  });

  it('creates a verified backup and prunes; the metrics endpoint reports it', async () => {
    const job = t.ctx.jobs.definitions.get('ops.backup')!;
    await job.handler({} as never, { id: 'test', name: 'ops.backup' });
    const [backup, ...rest] = await t.ctx.backupStore.list();
    expect(rest).toEqual([]);
    expect(backup!.manifest.kind).toBe('scheduled');
    expect(backup!.verification?.ok).toBe(true);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^voyage_backup_verified 1$/m);
    expect(metrics.body).toContain(
      `\nvoyage_backup_last_success_timestamp_seconds ${new Date(backup!.manifest.createdAt).getTime() / 1000}\n`,
    );
  });

  it('runs as an operation in the console’s backup slot, and waits while a console operation holds it', async () => {
    const pool = t.db.database.pool;
    const ran = await pool.query(`SELECT kind, status, options, requested_by FROM operations`);
    expect(ran.rows).toEqual([
      {
        kind: 'backup.create',
        status: 'done',
        options: { verify: true, scheduled: true },
        requested_by: null,
      },
    ]);
    await pool.query(`INSERT INTO operations (kind, steps) VALUES ('backup.verify', '{checking-file}')`);
    const job = t.ctx.jobs.definitions.get('ops.backup')!;
    await expect(job.handler({} as never, { id: 'test', name: 'ops.backup' })).rejects.toThrow(
      /started from the console is running/,
    );
    expect(await t.ctx.backupStore.list()).toHaveLength(1);
  });
});

describe('with BACKUP_SCHEDULE=off', () => {
  it('declares the job without a schedule, so that a stored schedule is removed, and does nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-backup-off-'));
    const t = await createTestApp({ env: { BACKUP_SCHEDULE: 'off', BACKUP_DIR: dir } });
    try {
      defineBackupJob(t.ctx);
      const job = t.ctx.jobs.definitions.get('ops.backup')!;
      expect(job.cron).toBeUndefined();
      await job.handler({} as never, { id: 'test', name: 'ops.backup' });
      expect(await t.ctx.backupStore.list()).toEqual([]);
    } finally {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a schedule taken out of the config', () => {
  it('is removed from the database when the job starts without one', async () => {
    const db = await openDatabaseForTest();
    const jobsWith = (cron?: string) => {
      const jobs = createJobs({
        pool: db.database.pool,
        log: createLogger('silent'),
        metrics: createMetrics(),
        work: true,
      });
      jobs.define({ name: 'ops.backup', ...(cron ? { cron } : {}), handler: async () => {} });
      return jobs;
    };
    const schedules = async () =>
      (await db.database.pool.query(`SELECT name, cron FROM pgboss.schedule`)).rows as {
        name: string;
        cron: string;
      }[];
    try {
      const on = jobsWith('15 2 * * *');
      await on.start();
      expect(await schedules()).toEqual([{ name: 'ops.backup', cron: '15 2 * * *' }]);
      await on.stop();
      const off = jobsWith();
      await off.start();
      expect(await schedules()).toEqual([]);
      await off.stop();
    } finally {
      await db.drop();
    }
  });
});
