import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, signInAdmin, type TestApp } from '../../../test/helpers/test-app.js';
import { BACKUP_AGE_ALERT_SECONDS } from '../../platform/backup/age-alert.js';
import { defineBackupOperationsJob } from './job.js';

interface Op {
  id: string;
  status: string;
  phase: string | null;
  percent: number;
  error: string | null;
  result: {
    backupId: string;
    manifest: { sha256: string };
    verification?: { ok: boolean; problems: string[] };
  } | null;
}

describe('the console’s backups', () => {
  let t: TestApp;
  let dir: string;
  let admin: SignedIn;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-console-backups-'));
    t = await createTestApp({ env: { BACKUP_DIR: dir, BACKUP_SCHEDULE: 'off' } });
    defineBackupOperationsJob(t.ctx);
    await t.ctx.jobs.start();
    admin = await signInAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: admin.auth });
  const post = (url: string, payload?: object) =>
    t.app.inject({ method: 'POST', url, headers: admin.auth, ...(payload ? { payload } : {}) });

  /** Polls an operation until it ends, keeping every state it was seen in. */
  async function follow(location: string, timeoutMs = 60_000): Promise<Op[]> {
    const seen: Op[] = [];
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const res = await get(location);
      expect(res.statusCode, res.body).toBe(200);
      const op = res.json() as Op;
      seen.push(op);
      if (op.status === 'done' || op.status === 'failed') return seen;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`operation at ${location} did not end: ${JSON.stringify(seen.at(-1))}`);
  }

  it('lists nothing at first: no backup, so nothing to be proud of', async () => {
    const res = await get('/admin/backups');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      backups: [],
      newest: { id: null, ageSeconds: null, thresholdSeconds: BACKUP_AGE_ALERT_SECONDS, state: 'none' },
      activeOperation: null,
    });
  });

  it('starts a verified backup as a job, reports its progress, and lists it verified', async () => {
    const started = await post('/admin/backups', { verify: true });
    expect(started.statusCode, started.body).toBe(202);
    const { operation } = started.json();
    expect(started.headers.location).toBe(`/admin/backups/operations/${operation.id}`);
    expect(operation).toMatchObject({ kind: 'backup.create', status: 'queued', percent: 0 });
    expect(operation.steps).toEqual([
      'digesting-tables',
      'dumping',
      'checking-file',
      'restoring',
      'comparing-tables',
      'checking-indexes',
    ]);

    const seen = await follow(started.headers.location as string);
    const running = seen.filter((s) => s.status === 'running');
    expect(running.length, JSON.stringify(seen.map((s) => s.status))).toBeGreaterThan(0);
    const percents = running.map((s) => s.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(running.every((s) => s.percent < 100 && s.phase !== null)).toBe(true);
    const done = seen.at(-1)!;
    expect(done).toMatchObject({ status: 'done', percent: 100, error: null });
    expect(done.result!.verification).toMatchObject({ ok: true, problems: [] });

    const list = (await get('/admin/backups')).json();
    expect(list.backups).toHaveLength(1);
    const [backup] = list.backups;
    expect(backup).toMatchObject({
      id: done.result!.backupId,
      kind: 'manual',
      sha256: done.result!.manifest.sha256,
      verification: { ok: true },
    });
    expect(backup.tables.length).toBeGreaterThan(5);
    expect(list.newest).toMatchObject({ id: backup.id, state: 'ok' });
    expect(list.newest.ageSeconds).toBeLessThan(60);
    expect(list.activeOperation).toBeNull();

    const audit = await t.db.database.pool.query(
      `SELECT actor_id, details FROM audit_log WHERE action = 'backup.start' AND subject = $1`,
      [operation.id],
    );
    expect(audit.rows).toEqual([
      { actor_id: admin.userId, details: { operationId: operation.id, verify: true } },
    ]);
  }, 90_000);

  it('runs one backup operation at a time: another start answers 409 until it ends', async () => {
    const first = await post('/admin/backups');
    expect(first.statusCode, first.body).toBe(202);
    const again = await post('/admin/backups', { verify: true });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'backup_operation_running' } });
    const [backup] = (await get('/admin/backups')).json().backups;
    const verify = await post(`/admin/backups/${backup.id}/verify`);
    expect(verify.statusCode).toBe(409);
    expect((await get('/admin/backups')).json().activeOperation).toMatchObject({
      id: first.json().operation.id,
    });
    const seen = await follow(first.headers.location as string);
    expect(seen.at(-1)).toMatchObject({ status: 'done' });
    expect(seen.at(-1)!.result!.verification).toBeUndefined();
  }, 90_000);

  it('reports a verify of a corrupted backup as failed, with the problem, and lists it so', async () => {
    const list = (await get('/admin/backups')).json();
    const damaged = list.backups.at(-1);
    // The dump file the manifest names: a data-dir archive on PGlite, a pg_dump file on Postgres.
    const stored = (await t.ctx.backupStore.list()).find((b) => b.manifest.id === damaged.id)!;
    await appendFile(path.join(dir, damaged.id, stored.manifest.file), 'not part of the dump');
    const started = await post(`/admin/backups/${damaged.id}/verify`);
    expect(started.statusCode, started.body).toBe(202);
    expect(started.json().operation).toMatchObject({ kind: 'backup.verify', backupId: damaged.id });
    const failed = (await follow(started.headers.location as string)).at(-1)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/sha256 .* differs from the manifest/);
    expect(failed.result!.verification!.problems).toEqual([failed.error]);

    const after = (await get('/admin/backups')).json();
    expect(after.backups.find((b: { id: string }) => b.id === damaged.id).verification).toMatchObject({
      ok: false,
    });
    const audit = await t.db.database.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'backup.verify.start' AND subject = $1`,
      [damaged.id],
    );
    expect(audit.rows[0].n).toBe(1);
  }, 90_000);

  it('answers 404 for an unknown backup or operation and 400 for a malformed id', async () => {
    expect((await post('/admin/backups/20200101T000000Z-abcd/verify')).json()).toMatchObject({
      error: { code: 'backup_not_found' },
    });
    const op = await get('/admin/backups/operations/00000000-0000-4000-8000-000000000000');
    expect(op.statusCode).toBe(404);
    expect(op.json()).toMatchObject({ error: { code: 'operation_not_found' } });
    expect((await post('/admin/backups/..%2F..%2Fetc/verify')).statusCode).toBe(400);
    expect((await get('/admin/backups/operations/not-an-id')).statusCode).toBe(400);
    expect((await post('/admin/backups', { verify: 'yes' })).statusCode).toBe(400);
  });
});
