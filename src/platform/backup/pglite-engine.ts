import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { openPglite, pglitePool } from '../db/pool.js';
import { describeDatabase, digestTables, type Queryable, userTables } from './digest.js';
import type { BackupEngine } from './engine.js';

/**
 * The embedded database, dumped with PGlite's dumpDataDir (a gzipped tarball of the data
 * directory). The pool's only client is held for the digests and the dump, so nothing writes in
 * between. Restoring replaces the data directory, so it needs the instance to itself (the CLI,
 * with the server stopped): `reopen` hands over the new instance.
 */
export interface PgliteHandle {
  pglite: PGlite;
  pool: pg.Pool;
}

export interface PgliteEngineOptions {
  current: () => PgliteHandle;
  /** The data directory on disk; restore needs it. */
  dataDir?: string | null;
  /** Closes the current instance; restore calls it before it swaps the data directory. */
  close?: () => Promise<void>;
  /** Opens the instance again after a restore. */
  reopen?: (handle: PgliteHandle) => void;
}

async function withPoolClient<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

const loadDump = async (file: string) => new Blob([await readFile(file)]);

export function pgliteEngine(opts: PgliteEngineOptions): BackupEngine {
  return {
    kind: 'pglite',
    format: 'pglite-datadir-tgz',
    fileName: 'datadir.tar.gz',

    async dump(file, progress) {
      const { pglite, pool } = opts.current();
      return withPoolClient(pool, async (client) => {
        await client.query('BEGIN');
        let result: Awaited<ReturnType<BackupEngine['dump']>>;
        try {
          const meta = await describeDatabase(client);
          result = { ...meta, tables: await digestTables(client, progress) };
        } finally {
          await client.query('COMMIT');
        }
        progress('  dumping the embedded data directory');
        const blob = await pglite.dumpDataDir('gzip');
        await pipeline(Readable.fromWeb(blob.stream() as never), createWriteStream(file));
        return result;
      });
    },

    async withScratch(file, progress, fn) {
      progress('  loading the dump into a scratch in-memory database');
      const scratch = await openPglite(null, await loadDump(file));
      const pool = pglitePool(scratch);
      try {
        return await withPoolClient(pool, (c) => fn(c));
      } finally {
        await pool.end();
        await scratch.close();
      }
    },

    isEmpty: () => withPoolClient(opts.current().pool, async (c) => (await userTables(c)).length === 0),

    async restore(file, progress) {
      const dir = opts.dataDir;
      if (!dir || !opts.close || !opts.reopen) {
        throw new Error(
          'restoring the embedded database needs its data directory to itself: stop Voyage and run `voyage backup restore`',
        );
      }
      const dump = await loadDump(file);
      await opts.close();
      // The old directory is kept until the new one has opened, and put back if it does not.
      const aside = path.join(path.dirname(dir), `${path.basename(dir)}.before-restore-${Date.now()}`);
      if (existsSync(dir)) await rename(dir, aside);
      progress(`  loading the dump into ${dir}`);
      try {
        const pglite = await openPglite(dir, dump);
        opts.reopen({ pglite, pool: pglitePool(pglite) });
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        if (existsSync(aside)) await rename(aside, dir);
        const pglite = await openPglite(dir);
        opts.reopen({ pglite, pool: pglitePool(pglite) });
        throw new Error(
          `restore failed, the previous data directory is back in place: ${(err as Error).message}`,
        );
      }
      await rm(aside, { recursive: true, force: true });
    },

    withTarget: <T>(fn: (db: Queryable) => Promise<T>) => withPoolClient(opts.current().pool, (c) => fn(c)),
  };
}
