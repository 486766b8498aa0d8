import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';

/**
 * Migrations are SQL held in timestamped TypeScript files (so they can be linted and checksummed),
 * listed in an explicit index, applied in order under a Postgres advisory lock.
 */
export interface Migration {
  up: string;
  down: string;
  /** false for statements that cannot run inside a transaction (CREATE INDEX CONCURRENTLY). */
  transactional?: boolean;
  /** Lint overrides: each names a rule and says in writing why this migration may break it. */
  lint?: { allow?: Readonly<Record<string, string>> };
  /**
   * A contract step (it drops or renames a column) names the release from which no code uses what
   * it removes. It may ship only in a later release, and be applied only while that release or a
   * newer one is live (expand/contract).
   */
  contract?: { unusedSince: string };
}

export type MigrationIndex = Readonly<Record<string, Migration>>;

export function defineMigration(migration: Migration): Migration {
  return migration;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  appliedAt: Date;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: string[];
  /** Applied migrations whose file changed since they ran. */
  drifted: string[];
  /** Applied migrations that the index no longer lists (a newer release ran here). */
  unknown: string[];
}

export interface MigratorOptions {
  /** How long one statement may wait for a lock before the attempt is abandoned; default 1 s. */
  lockTimeoutMs?: number;
  /** Per statement; 0 = no limit. */
  statementTimeoutMs?: number;
  /** Further attempts after a lock timeout; default 5. */
  lockRetries?: number;
  /** First wait before a retry, doubled each time (with jitter); default 500 ms. */
  lockRetryDelayMs?: number;
  onProgress?: (event: { action: 'up' | 'down'; name: string; ms: number }) => void;
  /** How long to wait for another runner's lock; default 15 minutes. */
  lockWaitMs?: number;
  onRetry?: (event: { name: string; attempt: number; delayMs: number; error: string }) => void;
}

/** SQLSTATE 55P03: lock_not_available, what lock_timeout raises. */
export const LOCK_TIMEOUT = '55P03';

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string,
    readonly attempts: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

const LOCK_KEY = 727_001; // pg_advisory_lock key reserved for migrations
const TABLE = 'schema_migrations';

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.up).update('\0').update(migration.down).digest('hex');
}

export function createMigrator(pool: pg.Pool, index: MigrationIndex, options: MigratorOptions = {}) {
  const names = Object.keys(index);
  const lockTimeout = options.lockTimeoutMs ?? 1000;
  const statementTimeout = options.statementTimeoutMs ?? 0;
  const lockRetries = options.lockRetries ?? 5;
  const retryDelay = options.lockRetryDelayMs ?? 500;

  async function ensureTable(client: pg.PoolClient | pg.Pool) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         execution_ms integer NOT NULL DEFAULT 0
       )`,
    );
  }

  async function readApplied(client: pg.PoolClient | pg.Pool): Promise<AppliedMigration[]> {
    const exists = await client.query(`SELECT to_regclass($1) AS t`, [TABLE]);
    if (!exists.rows[0]?.t) return [];
    const res = await client.query(`SELECT name, checksum, applied_at FROM ${TABLE} ORDER BY name`);
    return res.rows.map((r) => ({ name: r.name, checksum: r.checksum, appliedAt: r.applied_at }));
  }

  function statusFrom(applied: AppliedMigration[]): MigrationStatus {
    const appliedNames = new Set(applied.map((a) => a.name));
    return {
      applied,
      pending: names.filter((n) => !appliedNames.has(n)),
      drifted: applied
        .filter((a) => index[a.name] && checksum(index[a.name]!) !== a.checksum)
        .map((a) => a.name),
      unknown: applied.filter((a) => !index[a.name]).map((a) => a.name),
    };
  }

  /**
   * Polls with pg_try_advisory_lock rather than blocking in pg_advisory_lock: a session blocked
   * there sits in an open transaction, and CREATE INDEX CONCURRENTLY in the lock holder would wait
   * for it forever (a deadlock).
   */
  async function acquire(client: pg.PoolClient) {
    const deadline = Date.now() + (options.lockWaitMs ?? 15 * 60_000);
    for (;;) {
      const res = await client.query('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
      if (res.rows[0]?.ok) return;
      if (Date.now() > deadline)
        throw new Error('Timed out waiting for the migration lock held by another runner');
      await sleep(250);
    }
  }

  async function withLock<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await acquire(client);
      try {
        await ensureTable(client);
        return await fn(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async function attempt(client: pg.PoolClient, name: string, direction: 'up' | 'down') {
    const migration = index[name]!;
    const sql = direction === 'up' ? migration.up : migration.down;
    const record =
      direction === 'up'
        ? {
            text: `INSERT INTO ${TABLE} (name, checksum, execution_ms) VALUES ($1, $2, $3)`,
            values: [name, checksum(migration), 0],
          }
        : { text: `DELETE FROM ${TABLE} WHERE name = $1`, values: [name] };
    if (migration.transactional === false) {
      await client.query(`SET lock_timeout = ${lockTimeout}`);
      await client.query(`SET statement_timeout = ${statementTimeout}`);
      try {
        await client.query(sql);
        await client.query(record.text, record.values);
      } finally {
        await client.query('RESET lock_timeout; RESET statement_timeout');
      }
      return;
    }
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${lockTimeout}`);
      await client.query(`SET LOCAL statement_timeout = ${statementTimeout}`);
      await client.query(sql);
      await client.query(record.text, record.values);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    }
  }

  /**
   * A migration that waits for a lock makes every later query on that table queue behind it, so it
   * gives up after lock_timeout, lets the queue drain, and tries again with a growing pause.
   * A transactional attempt rolls back whole; a non-transactional one may have done part of its
   * work (an INVALID index), so it is never retried blindly.
   */
  async function run(client: pg.PoolClient, name: string, direction: 'up' | 'down') {
    const migration = index[name]!;
    const started = Date.now();
    for (let n = 1; ; n++) {
      try {
        await attempt(client, name, direction);
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        const message = (err as Error).message;
        const retryable = code === LOCK_TIMEOUT && migration.transactional !== false;
        if (retryable && n <= lockRetries) {
          const delayMs = Math.round(retryDelay * 2 ** (n - 1) * (0.75 + Math.random() / 2));
          options.onRetry?.({ name, attempt: n, delayMs, error: message });
          await sleep(delayMs);
          continue;
        }
        const why =
          code === LOCK_TIMEOUT
            ? `could not take its locks within ${lockTimeout} ms (${n} attempt${n > 1 ? 's' : ''}); another session holds a conflicting lock`
            : code === '57014'
              ? `exceeded the statement timeout of ${statementTimeout} ms`
              : 'failed';
        const partial =
          migration.transactional === false ? ' It is not transactional: check for partial work.' : '';
        throw new MigrationError(
          `Migration ${name} (${direction}) ${why}: ${message}.${partial} See docs/runbooks/failed-migration.md`,
          name,
          n,
          code,
        );
      }
    }
    const ms = Date.now() - started;
    if (direction === 'up')
      await client.query(`UPDATE ${TABLE} SET execution_ms = $2 WHERE name = $1`, [name, ms]);
    options.onProgress?.({ action: direction, name, ms });
  }

  return {
    names,

    async status(): Promise<MigrationStatus> {
      return statusFrom(await readApplied(pool));
    },

    /** Applies pending migrations in index order, up to and including `to` when given. */
    async up(opts: { to?: string } = {}): Promise<string[]> {
      if (opts.to && !index[opts.to]) throw new Error(`Unknown migration: ${opts.to}`);
      return withLock(async (client) => {
        const status = statusFrom(await readApplied(client));
        if (status.drifted.length > 0) {
          throw new Error(`Applied migrations changed since they ran: ${status.drifted.join(', ')}`);
        }
        const stop = opts.to ? names.indexOf(opts.to) : names.length - 1;
        const todo = status.pending.filter((n) => names.indexOf(n) <= stop);
        for (const name of todo) await run(client, name, 'up');
        return todo;
      });
    },

    /** Reverts the newest applied migration, or every one after `to` when given. */
    async down(opts: { to?: string; steps?: number } = {}): Promise<string[]> {
      if (opts.to && !index[opts.to]) throw new Error(`Unknown migration: ${opts.to}`);
      return withLock(async (client) => {
        const status = statusFrom(await readApplied(client));
        if (status.unknown.length > 0) {
          throw new Error(`Cannot revert migrations this build does not know: ${status.unknown.join(', ')}`);
        }
        const applied = status.applied.map((a) => a.name).sort((a, b) => names.indexOf(b) - names.indexOf(a));
        const todo = opts.to
          ? applied.filter((n) => names.indexOf(n) > names.indexOf(opts.to!))
          : applied.slice(0, opts.steps ?? 1);
        // A changed file's down may not undo what its old up did.
        const changed = todo.filter((n) => status.drifted.includes(n));
        if (changed.length > 0) {
          throw new Error(`Cannot revert migrations changed since they ran: ${changed.join(', ')}`);
        }
        for (const name of todo) await run(client, name, 'down');
        return todo;
      });
    },
  };
}

export type Migrator = ReturnType<typeof createMigrator>;
