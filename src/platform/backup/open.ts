import type { Clock } from '../clock.js';
import { claimDataDir, type DatabaseTarget, openPglite, pglitePool } from '../db/pool.js';
import { type Backups, createBackups } from './backups.js';
import type { BackupEngine } from './engine.js';
import { type PgliteHandle, pgliteEngine } from './pglite-engine.js';
import { postgresEngine } from './postgres-engine.js';
import type { RetentionPolicy } from './retention.js';
import { type BackupStore, fileBackupStore } from './store.js';

/**
 * Backups for a process's configuration. On a server everything goes through the client programs
 * and needs no open pool. The embedded database is opened only by the commands that read or
 * replace it (create, restore), and claimed like any other process would.
 */
/** What backups need of a process's configuration (Config has it, plus the child environment). */
export interface BackupConfig {
  database: DatabaseTarget;
  backup: {
    dir: string;
    scratchUrl: string | undefined;
    pgBinDir: string | undefined;
    keep: RetentionPolicy;
  };
  /** The environment client programs (pg_dump, psql) inherit. */
  processEnv: NodeJS.ProcessEnv;
}

export interface BackupTarget {
  backups: Backups;
  close(): Promise<void>;
}

export function engineFor(config: BackupConfig, live?: () => PgliteHandle): BackupEngine {
  if (config.database.kind === 'postgres') {
    return postgresEngine({
      url: config.database.url,
      scratchUrl: config.backup.scratchUrl,
      pgBinDir: config.backup.pgBinDir,
      processEnv: config.processEnv,
    });
  }
  return pgliteEngine({
    current:
      live ??
      (() => {
        throw new Error('the embedded database is not open');
      }),
  });
}

export function backupsFor(
  config: BackupConfig,
  clock: Clock,
  engine: BackupEngine,
  store?: BackupStore,
): Backups {
  return createBackups({
    engine,
    store: store ?? fileBackupStore(config.backup.dir),
    clock,
    retention: config.backup.keep,
  });
}

/** Opens what a command needs: with `open`, the embedded database too (claimed for this process). */
export async function openBackupTarget(
  config: BackupConfig,
  clock: Clock,
  open: boolean,
): Promise<BackupTarget> {
  const target = config.database;
  if (target.kind === 'postgres' || !open) {
    return { backups: backupsFor(config, clock, engineFor(config)), close: async () => {} };
  }
  const dir = target.dataDir;
  if (!dir) throw new Error('an in-memory database (pglite://memory) has nothing to back up or restore');
  const release = await claimDataDir(dir);
  let handle: PgliteHandle | undefined;
  try {
    const pglite = await openPglite(dir);
    handle = { pglite, pool: pglitePool(pglite) };
  } catch (err) {
    await release();
    throw err;
  }
  const closeHandle = async () => {
    if (!handle) return;
    const h = handle;
    handle = undefined;
    await h.pool.end();
    await h.pglite.close();
  };
  const engine = pgliteEngine({
    current: () => {
      if (!handle) throw new Error('the embedded database is closed');
      return handle;
    },
    dataDir: dir,
    close: closeHandle,
    reopen: (h) => {
      handle = h;
    },
  });
  return {
    backups: backupsFor(config, clock, engine),
    async close() {
      await closeHandle();
      await release();
    },
  };
}
