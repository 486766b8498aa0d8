import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { TEST_DATABASE_URL, type TestDatabase } from '../../../test/helpers/database.js';
import { openDatabaseForTest } from '../../../test/helpers/test-app.js';
import { readConfig } from '../../config/index.js';
import { manualClock } from '../clock.js';
import { openPglite } from '../db/pool.js';
import { createMetrics } from '../observability/metrics.js';
import { createBackups } from './backups.js';
import { registerBackupMetrics } from './metrics.js';
import { type BackupTarget, openBackupTarget } from './open.js';

const SECRETS = {
  JWT_ACCESS_SECRET: 'test-access-secret-0123456789abcdef0123',
  JWT_REFRESH_SECRET: 'test-refresh-secret-0123456789abcdef012',
};
const LATEST = Object.keys(migrations).at(-1);

/** The same suite on the embedded engine (an on-disk PGlite) and, in integration, on Postgres. */
describe(`backups (${TEST_DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  let dir: string;
  let server: TestDatabase | undefined;
  let target: BackupTarget;
  const clock = manualClock('2026-03-02T03:00:00Z');
  const query = async (sql: string, values?: unknown[]) =>
    (await target.backups.engine.withTarget((db) => db.query(sql, values))).rows;
  const count = async (table: string) => Number((await query(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-backups-'));
    let url: string;
    if (TEST_DATABASE_URL) {
      server = await openDatabaseForTest();
      url = server.url;
    } else {
      const template = await openDatabaseForTest();
      const dump = await template.database.pglite!.dumpDataDir('gzip');
      await template.drop();
      await (await openPglite(path.join(dir, 'pglite'), dump)).close();
      url = `pglite://${path.join(dir, 'pglite')}`;
    }
    const { config } = readConfig({
      DATABASE_URL: url,
      DATA_DIR: dir,
      BACKUP_DIR: path.join(dir, 'backups'),
      ...SECRETS,
    });
    target = await openBackupTarget({ ...config, processEnv: process.env }, clock, true);
    await query(`
      INSERT INTO users (email, name, password_hash) SELECT 'u' || g || '@example.com', 'User ' || g, 'x' FROM generate_series(1, 25) g;
      INSERT INTO locations (name, city, country, lat, lng, time_zone) VALUES ('Depot', 'Lisbon', 'PT', 38.72, -9.14, 'Europe/Lisbon');
      INSERT INTO cars (location_id, make, model, class, seats, transmission, daily_rate, currency, lat, lng)
        SELECT l.id, 'Seat', 'Ibiza', 'compact', 5, 'manual', 3000 + g, 'EUR', 38.7 + g / 1000.0, -9.1 FROM locations l, generate_series(1, 40) g;
      -- A partitioned table (pg-boss keeps its jobs in one): its parent index is not checkable, its partitions' are.
      CREATE SCHEMA queue;
      CREATE TABLE queue.job (name text, id int, PRIMARY KEY (name, id)) PARTITION BY LIST (name);
      CREATE TABLE queue.job_a PARTITION OF queue.job FOR VALUES IN ('a');
      CREATE TABLE queue.job_b PARTITION OF queue.job FOR VALUES IN ('b');
      INSERT INTO queue.job SELECT CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END, g FROM generate_series(1, 30) g;
    `);
  });
  afterAll(async () => {
    await target?.close();
    await server?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a backup whose manifest records what it holds', async () => {
    const m = await target.backups.create();
    expect(m).toMatchObject({
      id: expect.stringMatching(/^20260302T030000Z-[0-9a-f]{4}$/),
      createdAt: '2026-03-02T03:00:00.000Z',
      kind: 'manual',
      engine: TEST_DATABASE_URL ? 'postgres' : 'pglite',
      latestMigration: LATEST,
      postgresVersion: expect.stringMatching(/^\d+\.\d+/),
    });
    const file = target.backups.store.localFile({ manifest: m, verification: undefined });
    const bytes = await readFile(file);
    expect(m.sizeBytes).toBe(bytes.length);
    expect(m.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const tables = Object.fromEntries(m.tables.map((t) => [t.table, t]));
    expect(tables['public.users']!.rows).toBe(25);
    expect(tables['public.cars']!.rows).toBe(40);
    expect(tables['public.schema_migrations']!.rows).toBe(Object.keys(migrations).length);
    expect(tables['public.users']!.checksum).not.toBe(tables['public.cars']!.checksum);
    expect([tables['queue.job_a']!.rows, tables['queue.job_b']!.rows]).toEqual([15, 15]);
  });

  it('verifies by restoring into a scratch database: counts, checksums and amcheck', async () => {
    const v = await target.backups.verify('latest');
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    expect(v.tablesChecked).toBeGreaterThanOrEqual(8);
    expect(v.indexesChecked).toBeGreaterThan(10);
    const [listed] = await target.backups.list();
    expect(listed!.verification).toEqual(v);
  });

  it('fails verification for a damaged file, and for a restore that does not match the manifest', async () => {
    const good = (await target.backups.list())[0]!;
    // A copy of the backup whose manifest claims one more user than the dump holds.
    clock.advance(60_000);
    const m = await target.backups.create();
    const stored = (await target.backups.find(m.id))!;
    const manifestFile = path.join(path.dirname(target.backups.store.localFile(stored)), 'manifest.json');
    const tampered = {
      ...m,
      tables: m.tables.map((t) => (t.table === 'public.users' ? { ...t, rows: t.rows + 1 } : t)),
    };
    await writeFile(manifestFile, JSON.stringify(tampered));
    const mismatch = await target.backups.verify(m.id);
    expect(mismatch.ok).toBe(false);
    expect(mismatch.problems).toEqual(['public.users: 25 rows, expected 26']);

    await writeFile(manifestFile, JSON.stringify(m));
    const file = target.backups.store.localFile(stored);
    const bytes = await readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(file, bytes);
    const damaged = await target.backups.verify(m.id);
    expect(damaged.ok).toBe(false);
    expect(damaged.problems[0]).toMatch(/sha256 .* differs from the manifest/);
    await target.backups.store.remove(m.id);
    expect((await target.backups.list())[0]!.manifest.id).toBe(good.manifest.id);
  });

  it('restore refuses a non-empty target without --force', async () => {
    await expect(target.backups.restore('latest')).rejects.toThrow(/not empty: pass --force/);
  });

  it('restore --force takes a safety backup, brings back the backed-up rows, and checks them', async () => {
    const backupId = (await target.backups.list())[0]!.manifest.id;
    await query(`DELETE FROM cars WHERE daily_rate > 3010`);
    await query(`INSERT INTO users (email, name, password_hash) VALUES ('late@example.com', 'Late', 'x')`);
    expect(await count('cars')).toBe(10);
    clock.advance(60_000);
    const r = await target.backups.restore(backupId, { force: true });
    expect(r.verification.problems).toEqual([]);
    expect(r.verification.ok).toBe(true);
    expect(r.verification.indexesChecked).toBeGreaterThan(10);
    expect(await count('cars')).toBe(40);
    expect(await count('users')).toBe(25);
    // The trigger-maintained position survived the restore, so the GiST search index is usable.
    expect(await count(`cars WHERE position IS NOT NULL`)).toBe(40);
    const safety = await target.backups.find(r.safetyBackup!);
    expect(safety.manifest.kind).toBe('safety');
    expect(safety.manifest.tables.find((t) => t.table === 'public.users')!.rows).toBe(26);
  });

  it('derives the backup gauges from the store', async () => {
    const metrics = createMetrics();
    registerBackupMetrics(metrics, target.backups.store, 0);
    const text = await metrics.registry.metrics();
    const newestVerified = (await target.backups.list()).find((b) => b.manifest.kind !== 'safety')!;
    expect(text).toContain(
      `voyage_backup_last_success_timestamp_seconds ${new Date(newestVerified.manifest.createdAt).getTime() / 1000}`,
    );
    expect(text).toMatch(/^voyage_backup_verified 1$/m);
    expect(text).toMatch(/voyage_backup_duration_seconds\{step="create"\} [\d.]+/);
    expect(text).toMatch(/voyage_backup_duration_seconds\{step="verify"\} [\d.]+/);
  });

  it('prunes to the retention policy by creation time (injected clock)', async () => {
    for (const b of await target.backups.list()) await target.backups.store.remove(b.manifest.id);
    const made: string[] = [];
    // Mar 2, Mar 3 (twice), Apr 10, May 20 — at 03:00 UTC.
    for (const at of [
      '2026-03-02T03:00:00Z',
      '2026-03-03T03:00:00Z',
      '2026-03-03T04:00:00Z',
      '2026-04-10T03:00:00Z',
      '2026-05-20T03:00:00Z',
    ]) {
      clock.set(at);
      made.push((await target.backups.create({ kind: 'scheduled' })).id);
    }
    const policy = { daily: 2, weekly: 0, monthly: 2 };
    const { backups } = target;
    // The configured policy (7/4/12) keeps the newest backup of each day: Mar 3 03:00 goes.
    const dry = await backups.prune({ dryRun: true });
    expect(dry.remove).toEqual([made[1]]);
    expect((await backups.list()).length).toBe(5);
    const strict = createBackups({ engine: backups.engine, store: backups.store, clock, retention: policy });
    const plan = await strict.prune();
    expect(plan.keep.map((k) => k.id)).toEqual([made[4], made[3]]);
    expect(plan.keep[0]!.reasons).toEqual(['newest', 'daily 2026-05-20', 'monthly 2026-05']);
    expect(plan.remove).toEqual([made[2], made[1], made[0]]);
    expect((await backups.list()).map((b) => b.manifest.id)).toEqual([made[4], made[3]]);
  });
});
