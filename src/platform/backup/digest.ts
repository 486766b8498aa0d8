/**
 * What a backup must bring back: per table, a row count and an order-independent content checksum
 * (the sum of a 60-bit hash of each row's text), plus amcheck over every btree index. Both run
 * on whatever the caller hands in: the live database inside the dump's snapshot, a scratch restore,
 * or a restored target.
 */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface TableDigest {
  /** schema.table */
  table: string;
  rows: number;
  checksum: string;
}

export interface IndexCheck {
  checked: number;
  failures: { index: string; error: string }[];
}

/** Row text depends on these settings; they are pinned so that two sessions agree. */
export const DIGEST_SETTINGS = [
  `SET LOCAL TimeZone = 'UTC'`,
  `SET LOCAL DateStyle = 'ISO, MDY'`,
  `SET LOCAL IntervalStyle = 'postgres'`,
  `SET LOCAL extra_float_digits = 1`,
  `SET LOCAL bytea_output = 'hex'`,
];

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function userTables(db: Queryable): Promise<{ schema: string; name: string }[]> {
  const res = await db.query(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND c.relpersistence <> 't'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1, 2`,
  );
  return res.rows as { schema: string; name: string }[];
}

/** Run inside a transaction (the settings are SET LOCAL). */
export async function digestTables(
  db: Queryable,
  progress: (message: string) => void = () => {},
): Promise<TableDigest[]> {
  for (const setting of DIGEST_SETTINGS) await db.query(setting);
  const out: TableDigest[] = [];
  for (const { schema, name } of await userTables(db)) {
    const res = await db.query(
      `SELECT count(*)::bigint AS rows,
              coalesce(sum(('x' || left(md5(_row::text), 15))::bit(60)::bigint), 0)::text AS checksum
         FROM ${ident(schema)}.${ident(name)} AS _row`,
    );
    const row = res.rows[0]!;
    out.push({ table: `${schema}.${name}`, rows: Number(row.rows), checksum: String(row.checksum) });
    progress(`  ${schema}.${name}: ${Number(row.rows).toLocaleString('en')} rows`);
  }
  return out;
}

/** Differences between what a backup recorded and what a restore holds; empty when they agree. */
export function compareDigests(expected: TableDigest[], actual: TableDigest[]): string[] {
  const problems: string[] = [];
  const got = new Map(actual.map((t) => [t.table, t]));
  for (const want of expected) {
    const have = got.get(want.table);
    if (!have) problems.push(`${want.table}: missing`);
    else if (have.rows !== want.rows)
      problems.push(`${want.table}: ${have.rows} rows, expected ${want.rows}`);
    else if (have.checksum !== want.checksum) problems.push(`${want.table}: content checksum differs`);
    got.delete(want.table);
  }
  for (const extra of got.keys()) problems.push(`${extra}: not in the backup`);
  return problems;
}

/**
 * amcheck's bt_index_check (with heapallindexed) on every valid btree index, catalogs included. The extension is
 * created inside a transaction that is rolled back, so checking leaves the database as it was.
 */
export async function checkIndexes(
  db: Queryable,
  progress: (message: string) => void = () => {},
): Promise<IndexCheck> {
  await db.query('BEGIN');
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS amcheck');
    const res = await db.query(
      `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name
         FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid
         JOIN pg_am am ON am.oid = c.relam
         JOIN pg_namespace n ON n.oid = c.relnamespace
        -- relkind 'i': a partitioned table's index has nothing to check; its partitions' indexes do.
        WHERE am.amname = 'btree' AND c.relkind = 'i' AND i.indisvalid AND i.indisready
          AND c.relpersistence <> 't'
        ORDER BY 2`,
    );
    const failures: IndexCheck['failures'] = [];
    for (const row of res.rows as { oid: number; name: string }[]) {
      await db.query('SAVEPOINT amcheck');
      try {
        await db.query('SELECT bt_index_check($1::oid::regclass, true)', [row.oid]);
        await db.query('RELEASE SAVEPOINT amcheck');
      } catch (err) {
        await db.query('ROLLBACK TO SAVEPOINT amcheck');
        failures.push({ index: row.name, error: (err as Error).message });
      }
    }
    progress(`  amcheck: ${res.rows.length} btree indexes, ${failures.length} failed`);
    return { checked: res.rows.length, failures };
  } finally {
    await db.query('ROLLBACK');
  }
}

/** Postgres version and the newest applied migration, as a manifest records them. */
export async function describeDatabase(
  db: Queryable,
): Promise<{ postgresVersion: string; latestMigration: string | null }> {
  const version = await db.query(`SELECT current_setting('server_version') AS v`);
  const hasTable = await db.query(`SELECT to_regclass('schema_migrations') AS t`);
  let latestMigration: string | null = null;
  if (hasTable.rows[0]?.t) {
    const res = await db.query('SELECT max(name) AS name FROM schema_migrations');
    latestMigration = (res.rows[0]?.name as string | null) ?? null;
  }
  return { postgresVersion: String(version.rows[0]!.v), latestMigration };
}
