import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { describeDatabase, digestTables, type Queryable, userTables } from './digest.js';
import type { BackupEngine, Progress } from './engine.js';
import { libpqEnv, type PgTools, resolvePgTools, run, serverMajor, tail, withDatabase } from './pg-tools.js';

export interface PostgresEngineOptions {
  url: string;
  /** Server where scratch databases for verify are created; default the same server. */
  scratchUrl?: string | undefined;
  pgBinDir?: string | undefined;
  /** The environment the client programs run in (PATH, HOME, locale); libpq settings are added. */
  processEnv: NodeJS.ProcessEnv;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'voyage-backup' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops every user schema and recreates an empty public one: the state pg_dump's output expects. */
const CLEAN_TARGET = `
DO $clean$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pg_database_owner') THEN
    ALTER SCHEMA public OWNER TO pg_database_owner;
  END IF;
  GRANT USAGE ON SCHEMA public TO PUBLIC;
END $clean$;
`;

export function postgresEngine(opts: PostgresEngineOptions): BackupEngine {
  let tools: Promise<PgTools> | undefined;
  const pgTools = () => {
    tools ??= withClient(opts.url, async (c) => {
      const res = await c.query(`SELECT current_setting('server_version_num')::int AS v`);
      return resolvePgTools(serverMajor(res.rows[0].v), opts.pgBinDir, opts.processEnv);
    });
    return tools;
  };

  /**
   * pg_restore writes SQL; psql runs it in one transaction, optionally after dropping what is
   * there, so that a failed restore leaves the target exactly as it was.
   */
  async function restoreInto(
    url: string,
    file: string,
    clean: boolean,
    scratch: boolean,
    progress: Progress,
  ) {
    const t = await pgTools();
    const script = new PassThrough();
    if (clean) script.write(CLEAN_TARGET);
    const restoreArgs = ['-f', '-', ...(scratch ? ['--no-owner', '--no-privileges'] : []), file];
    const restore = new Promise<void>((resolve, reject) => {
      const child = spawn(t.bin('pg_restore'), restoreArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      // psql would commit whatever arrived before an end of input: on failure, make it roll back.
      const fail = (error: Error) => {
        script.end(`\nDO $abort$ BEGIN RAISE EXCEPTION 'pg_restore failed'; END $abort$;\n`);
        reject(error);
      };
      child.stdout.pipe(script, { end: false });
      child.on('error', fail);
      child.on('close', (code) => {
        if (code === 0) {
          script.end();
          resolve();
        } else if (code !== null) {
          fail(new Error(`pg_restore failed (${code}), nothing was changed: ${tail(err)}`));
        }
      });
    });
    progress(`  restoring into ${new URL(url).pathname.slice(1)} in one transaction…`);
    const psql = run(
      t.bin('psql'),
      ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-o', '/dev/null', '-f', '-'],
      { env: { ...opts.processEnv, ...libpqEnv(url) }, input: script },
    );
    const [psqlResult, restoreError] = await Promise.all([
      psql,
      restore.then(
        () => undefined,
        (e: Error) => e,
      ),
    ]);
    if (restoreError) throw restoreError;
    if (psqlResult.code !== 0)
      throw new Error(`restore failed, nothing was changed: ${tail(psqlResult.stderr)}`);
  }

  return {
    kind: 'postgres',
    format: 'pg_dump-custom',
    fileName: 'dump.pgdump',

    async dump(file, progress) {
      const t = await pgTools();
      return withClient(opts.url, async (client) => {
        // One snapshot for the dump and the digests: concurrent writes change neither.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          const snapshot = (await client.query('SELECT pg_export_snapshot() AS s')).rows[0].s as string;
          const meta = await describeDatabase(client);
          progress(`  pg_dump ${t.major} (custom format) from snapshot ${snapshot}`);
          const dumping = run(t.bin('pg_dump'), ['-Fc', '--verbose', `--snapshot=${snapshot}`, '-f', file], {
            env: { ...opts.processEnv, ...libpqEnv(opts.url) },
            onLine: (line) => {
              const m = /dumping contents of table "(.+)"/.exec(line);
              if (m) progress(`  dumping ${m[1]}`);
            },
          });
          const tables = await digestTables(client, progress);
          const res = await dumping;
          if (res.code !== 0) throw new Error(`pg_dump failed (${res.code}): ${tail(res.stderr)}`);
          return { ...meta, tables };
        } finally {
          await client.query('COMMIT');
        }
      });
    },

    async withScratch(file, progress, fn) {
      await pgTools();
      const server = opts.scratchUrl ?? opts.url;
      const name = `voyage_scratch_${randomBytes(5).toString('hex')}`;
      await withClient(server, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
      progress(`  scratch database ${name}`);
      try {
        const url = withDatabase(server, name);
        await restoreInto(url, file, false, true, progress);
        return await withClient(url, (c) => fn(c));
      } finally {
        await withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        progress(`  scratch database ${name} dropped`);
      }
    },

    isEmpty: () => withClient(opts.url, async (c) => (await userTables(c)).length === 0),

    restore: (file, progress) => restoreInto(opts.url, file, true, false, progress),

    withTarget: <T>(fn: (db: Queryable) => Promise<T>) => withClient(opts.url, (c) => fn(c)),
  };
}
