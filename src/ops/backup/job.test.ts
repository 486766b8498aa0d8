import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { defineBackupJob } from './job.js';

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
    expect(metrics.body).toContain('voyage_backup_verified 1');
    expect(metrics.body).toContain(
      `voyage_backup_last_success_timestamp_seconds ${new Date(backup!.manifest.createdAt).getTime() / 1000}`,
    );
  });
});

describe('with BACKUP_SCHEDULE=off', () => {
  it('declares no backup job', async () => {
    const t = await createTestApp({ env: { BACKUP_SCHEDULE: 'off' } });
    try {
      defineBackupJob(t.ctx);
      expect(t.ctx.jobs.definitions.has('ops.backup')).toBe(false);
    } finally {
      await t.close();
    }
  });
});
