import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServerDatabase,
  SECRETS,
  startVoyage,
  tempDir,
  type VoyageProcess,
  voyage,
  waitFor,
} from './helpers/processes.js';

describe('voyage backup on a Postgres server', () => {
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createServerDatabase();
    dir = await tempDir('voyage-sys-backup-');
    env = { DATABASE_URL: db.url, BACKUP_DIR: path.join(dir.dir, 'backups'), ...SECRETS };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    expect((await voyage(['seed', '--cars', '300', '--bookings', '150'], env)).code).toBe(0);
  });
  afterAll(async () => {
    await db?.drop();
    await dir?.remove();
  });

  it('create --verify makes a checked backup (the release pre-deploy hook)', async () => {
    const res = await voyage(['backup', 'create', '--verify', '--json'], env);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report).toMatchObject({
      engine: 'postgres',
      format: 'pg_dump-custom',
      verification: { ok: true },
    });
    expect(report.tables.find((t: { table: string }) => t.table === 'public.cars').rows).toBe(300);
    expect(report.verification.indexesChecked).toBeGreaterThan(10);

    const human = await voyage(['backup', 'create', '--verify'], env);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/pg_dump 15 \(custom format\) from snapshot/);
    expect(human.stderr).toMatch(/amcheck: \d+ btree indexes, 0 failed/);
    expect(human.stdout).toMatch(/, verified$/m);
  });

  it('restore refuses the non-empty database, then with --force takes a safety backup and restores', async () => {
    const refused = await voyage(['backup', 'restore', 'latest'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty: pass --force/);

    const seededAgain = await voyage(['seed', '--cars', '400', '--bookings', '150', '--seed', '7'], env);
    expect(seededAgain.code).toBe(0);
    const res = await voyage(['backup', 'restore', 'latest', '--force', '--json'], env);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(report.verification).toMatchObject({ ok: true, problems: [] });
    const list = JSON.parse((await voyage(['backup', 'list', '--json'], env)).stdout);
    expect(list.map((b: { manifest: { kind: string } }) => b.manifest.kind)).toEqual([
      'safety',
      'manual',
      'manual',
    ]);
    expect(list[0].manifest.id).toBe(report.safetyBackup);
    const prune = JSON.parse((await voyage(['backup', 'prune', '--dry-run', '--json'], env)).stdout);
    // Three backups the same day: only the newest of the day fills the daily slot.
    expect(prune.keep.map((k: { id: string }) => k.id)).toEqual([list[0].manifest.id]);
    expect(prune.remove).toHaveLength(2);
  });

  it('says clearly when pg_dump and the server are different major versions', async () => {
    const bin = path.join(dir.dir, 'old-client');
    await mkdir(bin);
    for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
      await writeFile(path.join(bin, tool), `#!/bin/sh\necho "${tool} (PostgreSQL) 14.13"\n`);
      await chmod(path.join(bin, tool), 0o755);
    }
    const res = await voyage(['backup', 'create'], { ...env, BACKUP_PG_BIN_DIR: bin });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /pg_dump is PostgreSQL 14 but the server runs PostgreSQL 15: .* Install postgresql-client-15, or set BACKUP_PG_BIN_DIR/,
    );
  });
});

describe('voyage backup on the embedded database', () => {
  it('creates, verifies and restores the data directory; refuses while a server holds it', async () => {
    const data = await tempDir('voyage-sys-embedded-backup-');
    const env = { DATA_DIR: data.dir };
    try {
      expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
      expect((await voyage(['seed', '--cars', '100', '--bookings', '20'], env)).code).toBe(0);
      const created = await voyage(['backup', 'create', '--verify', '--json'], env);
      expect(created.code).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ engine: 'pglite', verification: { ok: true } });
      const restored = await voyage(['backup', 'restore', 'latest', '--force', '--json'], env);
      expect(restored.code).toBe(0);
      expect(JSON.parse(restored.stdout).verification.ok).toBe(true);

      const server = await startVoyage({ ...env, DEMO_DATA: 'false', BACKUP_SCHEDULE: 'off' });
      try {
        await waitFor(`${server.url}/health/ready`, 200, 120_000, server);
        const busy = await voyage(['backup', 'create'], env);
        expect(busy.code).toBe(1);
        expect(busy.stderr).toMatch(/in use by process \d+/);
        // Listing and checking need no database, so they work beside the server.
        expect((await voyage(['backup', 'verify', 'latest'], env)).code).toBe(0);
      } finally {
        await server.stop();
      }
    } finally {
      await data.remove();
    }
  });
});

describe('the scheduled backup in a split deployment', () => {
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const procs: VoyageProcess[] = [];
  beforeAll(async () => {
    db = await createServerDatabase();
    dir = await tempDir('voyage-sys-sched-');
  });
  afterAll(async () => {
    for (const p of procs) await p.stop();
    await db?.drop();
    await dir?.remove();
  });

  it('runs in the worker on the configured cron; the api process reports it from the store', async () => {
    const env = {
      DATABASE_URL: db.url,
      BACKUP_DIR: path.join(dir.dir, 'backups'),
      BACKUP_SCHEDULE: '* * * * *',
      RATE_LIMIT_MAX: '0',
      ...SECRETS,
    };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    const worker = await startVoyage(env, ['--role', 'worker']);
    procs.push(worker);
    // One at a time: two processes installing pg-boss's schema at once can deadlock.
    await waitFor(`${worker.url}/health/ready`, 200, 60_000, worker);
    const api = await startVoyage({ ...env, BACKUP_SCHEDULE: 'off' }, ['--role', 'api']);
    procs.push(api);
    await waitFor(`${api.url}/health/ready`, 200, 60_000, api);
    const before = await (await fetch(`${api.url}/metrics`)).text();
    expect(before).toMatch(/^voyage_backup_last_success_timestamp_seconds 0$/m);
    expect(before).toMatch(/^voyage_backup_verified 0$/m);

    const deadline = Date.now() + 150_000;
    let metrics = '';
    while (Date.now() < deadline) {
      metrics = await (await fetch(`${api.url}/metrics`)).text();
      if (/^voyage_backup_verified 1$/m.test(metrics)) break;
      await sleep(2000);
    }
    expect(metrics, worker.output()).toMatch(/^voyage_backup_verified 1$/m);
    const last = Number(/^voyage_backup_last_success_timestamp_seconds (\S+)$/m.exec(metrics)![1]);
    expect(Date.now() / 1000 - last).toBeLessThan(180);
    expect(metrics).toMatch(/voyage_backup_duration_seconds\{step="verify"\} [\d.]+/);
    const list = JSON.parse((await voyage(['backup', 'list', '--json'], env)).stdout);
    expect(list[0].manifest.kind).toBe('scheduled');
  });
});
