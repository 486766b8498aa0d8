import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { amcheck } from '@electric-sql/pglite/contrib/amcheck';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PglitePgConnection } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { applyEmbeddedSettings, isFreshDataDir } from './embedded-settings.js';
import { unpackImage } from './unpack-image.js';

/** Where the database is: a Postgres server, or PGlite in a directory (or in memory). */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string }
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */ };

/**
 * One pg.Pool interface over a Postgres server or embedded PGlite.
 *
 * PGlite is a single session, so its pool holds one client. Each pg.Client gets a fresh
 * PGlite protocol connection: pg-pool destroys a client after a failed query, and a shared
 * connection object would die with it.
 */

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * int8 as a JS number: ids and money in minor units stay far below 2^53. A calendar date stays the
 * string it is (YYYY-MM-DD): as a Date it would gain the process's time zone.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    if (oid === DATE_OID && format !== 'binary') return (value: string) => value;
    // biome-ignore lint/suspicious/noExplicitAny: pg's own type signature is loose here
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

export interface Database {
  kind: DatabaseTarget['kind'];
  pool: pg.Pool;
  /** The embedded engine, for dumps and restores; undefined on a server. */
  pglite?: PGlite;
  close(): Promise<void>;
}

export const PGLITE_EXTENSIONS = { amcheck, btree_gist, cube, earthdistance, pg_trgm, pgcrypto };

export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<PGlite> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = new PGlite(dataDir ?? 'memory://', {
    extensions: PGLITE_EXTENSIONS,
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  await db.waitReady;
  return db;
}

export function pglitePool(db: PGlite): pg.Pool {
  class PgliteClient extends pg.Client {
    constructor(options: pg.ClientConfig) {
      super({ ...options, types, connection: new PglitePgConnection({ pglite: db }) } as pg.ClientConfig);
    }
    // A client destroyed mid-transaction leaves the shared session inside it; each new one starts
    // clean. pg-pool connects with a callback, so both forms are kept.
    // biome-ignore lint/suspicious/noExplicitAny: matches pg.Client's overloaded signature
    override connect(callback?: any): any {
      const ready = super
        .connect()
        .then(() => this.query('ROLLBACK'))
        .then(() => this);
      if (!callback) return ready;
      ready.then(
        () => callback(null, this),
        (err: Error) => callback(err),
      );
    }
  }
  const pool = new pg.Pool({
    Client: PgliteClient,
    max: 1,
    idleTimeoutMillis: 0,
  } as unknown as pg.PoolConfig);
  guardPool(pool);
  return pool;
}

/**
 * A connection that dies (the server stopped, its backend terminated, the network cut) makes its
 * client emit 'error'. pg-pool listens only while a client is idle; a checked-out client with no
 * listener would take the process down. Every client gets a listener for its whole life: the query
 * in flight fails on its own (and maps to 503 database_unavailable), and pg-pool drops the client
 * on release because it is no longer queryable.
 */
export function guardPool(pool: pg.Pool, onError: (err: Error) => void = () => {}): void {
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
  });
}

export interface OpenDatabaseOptions {
  poolMax: number;
  statementTimeoutMs: number;
  applicationName?: string;
  /** Seed an embedded database from a dump made by PGlite's dumpDataDir (tests use this). */
  pgliteDump?: Blob;
  /**
   * A fresh embedded data directory is unpacked from this image (see embedded-image.ts) when it
   * exists; otherwise PGlite runs initdb there.
   */
  pgliteImage?: () => Promise<Blob | undefined>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An embedded data directory belongs to one process at a time: two PGlite instances writing the
 * same files would corrupt them. A pid file claims it; a stale claim (dead pid) is taken over.
 */
export async function claimDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lock = path.join(dataDir, '..', `${path.basename(dataDir)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder}. Stop that process first, ` +
            'or point DATABASE_URL at a Postgres server to run several processes.',
        );
      }
      await rm(lock, { force: true });
    }
  }
  throw new Error(`Could not claim the embedded database in ${dataDir}`);
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions): Promise<Database> {
  if (target.kind === 'pglite') {
    const release = target.dataDir ? await claimDataDir(target.dataDir) : async () => {};
    try {
      const fresh = target.dataDir !== null && isFreshDataDir(target.dataDir);
      const image = fresh ? await options.pgliteImage?.() : undefined;
      if (image && target.dataDir) await unpackImage(image, target.dataDir);
      const pglite = await openPglite(target.dataDir, options.pgliteDump);
      // A directory initialised here without an image still gets the embedded settings (next start).
      if (fresh && !image && !options.pgliteDump) await applyEmbeddedSettings(pglite);
      const pool = pglitePool(pglite);
      return {
        kind: 'pglite',
        pool,
        pglite,
        async close() {
          await pool.end();
          await pglite.close();
          await release();
        },
      };
    } catch (err) {
      await release();
      throw err;
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolMax,
    types,
    application_name: options.applicationName ?? 'voyage',
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  guardPool(pool);
  return { kind: 'postgres', pool, close: () => pool.end() };
}
