import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import { createMigrator } from '../../src/platform/db/migrator.js';
import { type Database, openDatabase, openPglite, pglitePool } from '../../src/platform/db/pool.js';

/**
 * Test databases: PGlite in memory by default (seeded from a migrated template dump made once per
 * run), or a fresh database per test file on the Postgres server named by TEST_DATABASE_URL.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

export function serverUrlFor(base: string, database: string): string {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(base: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrlFor(base, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A migrated PGlite, dumped; each test file loads it instead of running initdb and migrations. */
export async function makePgliteTemplate(): Promise<Blob> {
  const db = await openPglite(null);
  const pool = pglitePool(db);
  await createMigrator(pool, migrations).up();
  await pool.end();
  const dump = await db.dumpDataDir('gzip');
  await db.close();
  return dump;
}

export async function makeServerTemplate(base: string): Promise<string> {
  const name = `voyage_tpl_${randomBytes(4).toString('hex')}`;
  await withAdminClient(base, (c) => c.query(`CREATE DATABASE ${name}`));
  const pool = new pg.Pool({ connectionString: serverUrlFor(base, name), max: 1 });
  await createMigrator(pool, migrations).up();
  await pool.end();
  return name;
}

export async function dropServerDatabase(base: string, name: string) {
  await withAdminClient(base, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface TestDatabase {
  database: Database;
  url: string;
  drop(): Promise<void>;
}

export async function openTestDatabase(
  template: { pgliteDump?: Blob; serverTemplate?: string },
  opts: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const migrated = opts.migrated ?? true;
  if (TEST_DATABASE_URL) {
    const name = `voyage_t_${randomBytes(5).toString('hex')}`;
    const from = migrated && template.serverTemplate ? ` TEMPLATE ${template.serverTemplate}` : '';
    await withAdminClient(TEST_DATABASE_URL, (c) => c.query(`CREATE DATABASE ${name}${from}`));
    const url = serverUrlFor(TEST_DATABASE_URL, name);
    const database = await openDatabase(
      { kind: 'postgres', url },
      { poolMax: 20, statementTimeoutMs: 30_000 },
    );
    if (migrated && !template.serverTemplate) await createMigrator(database.pool, migrations).up();
    return {
      database,
      url,
      async drop() {
        await database.close();
        await dropServerDatabase(TEST_DATABASE_URL!, name);
      },
    };
  }
  const database = await openDatabase(
    { kind: 'pglite', dataDir: null },
    {
      poolMax: 1,
      statementTimeoutMs: 0,
      ...(migrated && template.pgliteDump ? { pgliteDump: template.pgliteDump } : {}),
    },
  );
  if (migrated && !template.pgliteDump) await createMigrator(database.pool, migrations).up();
  return { database, url: 'pglite://memory', drop: () => database.close() };
}
