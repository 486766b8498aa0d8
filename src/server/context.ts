import { Redis } from 'ioredis';
import { migrations } from '../../migrations/index.js';
import type { Config, Secrets } from '../config/index.js';
import type { DB, Db } from '../modules/database.js';
import { type AuditLog, createAuditLog } from '../platform/audit.js';
import { registerBackupMetrics } from '../platform/backup/metrics.js';
import { type BackupStore, fileBackupStore } from '../platform/backup/store.js';
import { type Cache, memoryCache, redisCache } from '../platform/cache.js';
import { type Clock, systemClock } from '../platform/clock.js';
import { type ChangeFeed, openChangeFeed } from '../platform/db/change-feed.js';
import { EMBEDDED_IMAGE, readEmbeddedImage } from '../platform/db/embedded-image.js';
import { createKysely } from '../platform/db/kysely.js';
import { createMigrator, type Migrator } from '../platform/db/migrator.js';
import { type Database, openDatabase } from '../platform/db/pool.js';
import { type AccessTokens, createAccessTokens } from '../platform/http/auth.js';
import { createIdempotency, type Idempotency } from '../platform/http/idempotency.js';
import { createJobs, type Jobs } from '../platform/jobs.js';
import { createHealth, type Health, redisCheck } from '../platform/observability/health.js';
import { createLogger, type Logger } from '../platform/observability/logger.js';
import { createMetrics, type Metrics } from '../platform/observability/metrics.js';
import { type ResolvedSecrets, resolveSecrets } from '../platform/secrets.js';

/**
 * Everything a process needs, built the same way by the server, the CLI and the tests from
 * (config, overrides). Overrides are the only test seam.
 */
export interface AppContext {
  config: Config;
  secrets: ResolvedSecrets & Omit<Secrets, keyof ResolvedSecrets>;
  log: Logger;
  database: Database;
  db: Db;
  /** Change notifications from the database (connects on first subscription). */
  changes: ChangeFeed;
  migrator: Migrator;
  redis: Redis | undefined;
  cache: Cache;
  metrics: Metrics;
  health: Health;
  clock: Clock;
  accessTokens: AccessTokens;
  /** Idempotency-Key claims and answers, shared by every state-changing operation. */
  idempotency: Idempotency;
  /** The audit log's writer (who did what), for every module. */
  audit: AuditLog;
  /** Background jobs; started by the roles that need them (see ops/commands/serve.ts). */
  jobs: Jobs;
  /** Where backups are kept (BACKUP_DIR); the backup gauges read it at scrape time. */
  backupStore: BackupStore;
  role: string;
  close(): Promise<void>;
}

export interface ContextOverrides {
  log?: Logger;
  clock?: Clock;
  /** An already opened database (tests hand in a prepared PGlite). */
  database?: Database;
  /** Role label for metrics and logs; `all` and `worker` run job handlers. */
  role?: string;
}

export async function createContext(
  config: Config,
  secrets: Secrets,
  overrides: ContextOverrides = {},
): Promise<AppContext> {
  const role = overrides.role ?? 'all';
  const log = overrides.log ?? createLogger(config.logLevel, { role });
  const clock = overrides.clock ?? systemClock;
  const embeddedDir = config.database.kind === 'pglite' ? config.dataDir : null;
  const storeDir = config.database.kind === 'pglite' && config.database.dataDir === null ? null : embeddedDir;
  const resolved = { ...secrets, ...(await resolveSecrets(secrets, storeDir, log)) };

  const database =
    overrides.database ??
    (await openDatabase(config.database, {
      poolMax: config.databasePoolMax,
      statementTimeoutMs: config.statementTimeoutMs,
      applicationName: `voyage-${role}`,
      pgliteImage: () => readEmbeddedImage(EMBEDDED_IMAGE),
    }));
  const db = createKysely<DB>(database.pool);
  const changes = openChangeFeed(config.database, database.pglite, {
    applicationName: `voyage-${role}-changes`,
    onError: (err) => log.warn({ err: err.message }, 'change feed connection lost; reconnecting'),
  });
  const migrator = createMigrator(database.pool, migrations, {
    ...config.migrations,
    onRetry: (e) => log.warn(e, 'migration hit the lock timeout; retrying after a pause'),
  });

  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, {
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  }
  const metrics = createMetrics();
  const cacheFallbacks = metrics.counter(
    'voyage_cache_fallbacks_total',
    'Cache operations served from process memory because Redis was unreachable',
  );
  const cache = redis
    ? redisCache(redis, config.redisPrefix, { onFallback: () => cacheFallbacks.inc() })
    : memoryCache();
  const jobs = createJobs({ pool: database.pool, log, metrics, work: role === 'all' || role === 'worker' });
  const health = createHealth(config.healthCheckTimeoutMs);

  health.register('database', async () => {
    await database.pool.query('SELECT 1');
    return true;
  });
  health.register('migrations', async () => {
    const status = await migrator.status();
    const ok = status.pending.length === 0 && status.drifted.length === 0;
    return ok ? true : { ok, detail: { pending: status.pending, drifted: status.drifted } };
  });
  if (redis) {
    const r = redis;
    // Not critical: without Redis, rate limits and the cache work per process, so readiness
    // reports the degradation without taking every replica out at once.
    health.register('redis', redisCheck(r), { critical: false });
  }

  metrics.gauge('voyage_db_pool_connections', 'Database pool connections by state', ['state'], (g) => {
    g.set({ state: 'total' }, database.pool.totalCount);
    g.set({ state: 'idle' }, database.pool.idleCount);
    g.set({ state: 'waiting' }, database.pool.waitingCount);
  });
  const backupStore = fileBackupStore(config.backup.dir);
  registerBackupMetrics(metrics, backupStore);
  metrics.gauge('voyage_db_pool_max', 'Largest size the database pool may grow to', [], (g) => {
    g.set(config.databasePoolMax);
  });
  metrics.gauge(
    'voyage_migrations_pending',
    'Migrations in the code that the database has not applied',
    [],
    async (g) => {
      // An unreachable or slow database must not break or stall the scrape: keep the last value;
      // the pool and readiness metrics tell that story.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), config.healthCheckTimeoutMs);
      });
      try {
        g.set((await Promise.race([migrator.status(), timeout])).pending.length);
      } catch (err) {
        log.debug({ err }, 'voyage_migrations_pending: status unavailable');
      } finally {
        clearTimeout(timer);
      }
    },
  );

  const accessTokens = createAccessTokens({
    secret: resolved.jwtAccessSecret,
    issuer: config.auth.issuer,
    ttlMs: config.auth.accessTokenTtlMs,
    clock,
  });

  return {
    config,
    secrets: resolved,
    log,
    database,
    db,
    changes,
    migrator,
    redis,
    cache,
    metrics,
    health,
    clock,
    accessTokens,
    idempotency: createIdempotency({ db, clock }),
    audit: createAuditLog({ db, clock }),
    jobs,
    backupStore,
    role,
    async close() {
      await jobs.stop().catch((err) => log.warn({ err }, 'stopping jobs failed'));
      await changes.close();
      // Kysely holds nothing of its own: closing the database ends its pool.
      if (!overrides.database) await database.close().catch(() => undefined);
      if (redis) redis.disconnect();
    },
  };
}
