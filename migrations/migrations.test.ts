import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMigrator,
  defineMigration,
  LOCK_TIMEOUT,
  MigrationError,
} from '../src/platform/db/migrator.js';
import { TEST_DATABASE_URL, type TestDatabase } from '../test/helpers/database.js';
import { openDatabaseForTest } from '../test/helpers/test-app.js';
import { migrations } from './index.js';

/** Everything a migration can create, as sorted text: two equal snapshots mean the same schema. */
async function schemaSnapshot(db: TestDatabase): Promise<string[]> {
  const user = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;
  const res = await db.database.pool.query(`
    SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text AS item
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND c.relname NOT LIKE 'schema_migrations%'
    UNION ALL
    SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE ${user} AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> 'schema_migrations'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(co.oid)
      FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace
     WHERE ${user} AND conrelid::regclass::text <> 'schema_migrations'
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${user} AND c.relname NOT LIKE 'schema_migrations%'
    UNION ALL
    SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${user}
    UNION ALL
    SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL
    SELECT 'extension ' || extname FROM pg_extension
    ORDER BY 1`);
  return res.rows.map((r) => r.item);
}

const tables = async (db: TestDatabase) =>
  (
    await db.database.pool.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
    )
  ).rows.map((r) => r.tablename);

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openDatabaseForTest({ migrated: false });
  });
  afterAll(() => db.drop());

  it('apply in order, revert completely, and apply again (down → up round trip)', async () => {
    const migrator = createMigrator(db.database.pool, migrations);
    const names = Object.keys(migrations);
    expect(await migrator.up()).toEqual(names);
    const full = await tables(db);
    expect(full).toEqual(
      expect.arrayContaining([
        'users',
        'refresh_tokens',
        'audit_log',
        'locations',
        'cars',
        'bookings',
        'idempotency_keys',
      ]),
    );

    expect(await migrator.down({ steps: names.length })).toEqual([...names].reverse());
    expect(await tables(db)).toEqual([]);
    expect((await migrator.status()).pending).toEqual(names);

    expect(await migrator.up()).toEqual(names);
    expect(await tables(db)).toEqual(full);
    const status = await migrator.status();
    expect(status.pending).toEqual([]);
    expect(status.drifted).toEqual([]);
  });

  it('round-trips each migration on its own: down restores the schema before it, up the schema after it', async () => {
    const migrator = createMigrator(db.database.pool, migrations);
    const names = Object.keys(migrations);
    await migrator.down({ steps: names.length });
    for (const name of names) {
      const before = await schemaSnapshot(db);
      expect(await migrator.up({ to: name })).toEqual([name]);
      const after = await schemaSnapshot(db);
      expect(after, name).not.toEqual(before);
      expect(await migrator.down()).toEqual([name]);
      expect(await schemaSnapshot(db), `${name} down`).toEqual(before);
      expect(await migrator.up({ to: name })).toEqual([name]);
      expect(await schemaSnapshot(db), `${name} up again`).toEqual(after);
    }
  });

  it('reverts one at a time and down --to stops after the named migration', async () => {
    const migrator = createMigrator(db.database.pool, migrations);
    const names = Object.keys(migrations);
    expect(await migrator.down()).toEqual([names.at(-1)]);
    expect(await migrator.down({ to: names[1] })).toEqual(names.slice(2, -1).reverse());
    expect((await migrator.status()).applied.map((a) => a.name)).toEqual(names.slice(0, 2));
    await migrator.up();
  });

  it('reports a changed migration as drift and refuses to run past it', async () => {
    const names = Object.keys(migrations);
    const changed = {
      ...migrations,
      [names[0]!]: { ...migrations[names[0]!]!, up: `${migrations[names[0]!]!.up}\n-- edited` },
    };
    const migrator = createMigrator(db.database.pool, changed);
    expect((await migrator.status()).drifted).toEqual([names[0]]);
    await expect(migrator.up()).rejects.toThrow(/changed since they ran/);
    await expect(migrator.down({ steps: names.length })).rejects.toThrow(
      /Cannot revert migrations changed since they ran: 20261121090000_extensions/,
    );
    expect((await migrator.status()).pending).toEqual([]);
  });

  it('lets concurrent runners apply each migration exactly once', async () => {
    const migrator = createMigrator(db.database.pool, migrations);
    const names = Object.keys(migrations);
    await migrator.down({ steps: 2 });
    const results = await Promise.all([migrator.up(), migrator.up(), migrator.up()]);
    expect(results.flat().sort()).toEqual(names.slice(-2).sort());
  });
});

// Only a server has a second session to hold a lock; PGlite is one session.
describe.runIf(TEST_DATABASE_URL)('migrations under lock contention (Postgres)', () => {
  let db: TestDatabase;
  let holder: pg.Client;
  const extra = '29990101000000_users_locale';
  const index = {
    ...migrations,
    [extra]: defineMigration({
      up: `ALTER TABLE users ADD COLUMN locale text`,
      down: `ALTER TABLE users DROP COLUMN locale`,
    }),
  };
  const client = async () => {
    const c = new pg.Client({ connectionString: db.url, statement_timeout: 3000 });
    await c.connect();
    return c;
  };
  const applied = async () =>
    (await db.database.pool.query(`SELECT 1 FROM schema_migrations WHERE name = $1`, [extra])).rowCount;

  beforeAll(async () => {
    db = await openDatabaseForTest();
    holder = await client();
  });
  afterAll(async () => {
    await holder.end();
    await db.drop();
  });

  /** A long transaction that has read users holds ACCESS SHARE on it until it ends. */
  const holdReadLock = () => holder.query('BEGIN; SELECT count(*) FROM users');

  it('waits at most lock_timeout, gives up, lets others through, and retries with backoff', async () => {
    await holdReadLock();
    const retries: { attempt: number; delayMs: number; error: string }[] = [];
    const migrator = createMigrator(db.database.pool, index, {
      lockTimeoutMs: 200,
      lockRetries: 50,
      lockRetryDelayMs: 100,
      onRetry: (e) => retries.push(e),
    });
    const running = migrator.up();
    while (retries.length < 2) await sleep(20);

    // A reader arriving now is not stuck behind the migration's ACCESS EXCLUSIVE request:
    // it finishes while the long transaction still holds its lock.
    const reader = await client();
    const read = await reader.query('SELECT count(*)::int AS n FROM users');
    await reader.end();
    expect(read.rows[0].n).toBeGreaterThanOrEqual(0);
    expect(await applied()).toBe(0);

    await holder.query('COMMIT');
    expect(await running).toEqual([extra]);
    expect(await applied()).toBe(1);
    expect(retries.map((r) => r.attempt)).toEqual(retries.map((_, i) => i + 1));
    for (const r of retries) expect(r.error).toMatch(/lock timeout/);
    // Backoff: each pause is about twice the one before (±25 % jitter).
    expect(retries[1]!.delayMs).toBeGreaterThan(retries[0]!.delayMs);
    await migrator.down();
  });

  it('gives up after its retries with a clear error, leaving nothing half-applied', async () => {
    await holdReadLock();
    const retries: number[] = [];
    const migrator = createMigrator(db.database.pool, index, {
      lockTimeoutMs: 100,
      lockRetries: 2,
      lockRetryDelayMs: 50,
      onRetry: (e) => retries.push(e.attempt),
    });
    const err = await migrator.up().catch((e: unknown) => e);
    await holder.query('COMMIT');
    expect(err).toBeInstanceOf(MigrationError);
    expect(err).toMatchObject({ migration: extra, attempts: 3, code: LOCK_TIMEOUT });
    expect((err as Error).message).toMatch(
      /could not take its locks within 100 ms \(3 attempts\); another session holds a conflicting lock/,
    );
    expect(retries).toEqual([1, 2]);
    expect(await applied()).toBe(0);
    const column = await db.database.pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'locale'`,
    );
    expect(column.rowCount).toBe(0);
  });

  it('without a lock timeout, the same reader would queue behind the migration (the failure this prevents)', async () => {
    await holdReadLock();
    const migrator = createMigrator(db.database.pool, index, { lockTimeoutMs: 0 });
    const running = migrator.up();
    // Wait until the migration is queued for its lock.
    for (;;) {
      const waiting = await db.database.pool.query(
        `SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE c.relname = 'users' AND NOT l.granted AND l.mode = 'AccessExclusiveLock'`,
      );
      if (waiting.rowCount) break;
      await sleep(20);
    }
    const reader = await client();
    const err = await reader.query('SELECT count(*) FROM users').catch((e: unknown) => e);
    await reader.end();
    expect(err).toMatchObject({ code: '57014' }); // cancelled by the reader's statement_timeout
    await holder.query('COMMIT');
    expect(await running).toEqual([extra]);
    await migrator.down();
  });
});
