import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator } from '../src/platform/db/migrator.js';
import type { TestDatabase } from '../test/helpers/database.js';
import { openDatabaseForTest } from '../test/helpers/test-app.js';
import { migrations } from './index.js';

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
  });

  it('lets concurrent runners apply each migration exactly once', async () => {
    const migrator = createMigrator(db.database.pool, migrations);
    const names = Object.keys(migrations);
    await migrator.down({ steps: 2 });
    const results = await Promise.all([migrator.up(), migrator.up(), migrator.up()]);
    expect(results.flat().sort()).toEqual(names.slice(-2).sort());
  });
});
