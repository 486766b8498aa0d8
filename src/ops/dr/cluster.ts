import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnvironment } from '../../config/index.js';
import { PROJECT_ROOT } from '../../version.js';

/**
 * A throwaway Postgres cluster with WAL archiving to a throwaway pgBackRest repository, for the
 * DR drill. Postgres refuses to run as root, so as root every program runs as the postgres user.
 */
const exec = promisify(execFile);

export interface DrillCluster {
  dir: string;
  dataDir: string;
  port: number;
  stanza: string;
  url(database?: string): string;
  /** Runs a Postgres or pgBackRest program as the cluster's owner; throws with its output on failure. */
  run(program: string, args: string[]): Promise<string>;
  pgbackrest(...args: string[]): Promise<string>;
  start(): Promise<void>;
  /** An immediate stop: no checkpoint, like a crash. */
  crash(): Promise<void>;
  stop(): Promise<void>;
  remove(): Promise<void>;
}

export function newestPgBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(base, majors[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`template value {{${key}}} is not set`);
    return String(values[key]);
  });
}

export async function createDrillCluster(opts: {
  binDir: string;
  archiveTimeoutSeconds: number;
  keep?: boolean;
}): Promise<DrillCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-dr-'));
  try {
    return await setUp(dir, opts);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function setUp(
  dir: string,
  opts: { binDir: string; archiveTimeoutSeconds: number; keep?: boolean },
): Promise<DrillCluster> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot
    ? await exec('id', ['-u', 'postgres']).then((r) => Number(r.stdout.trim()))
    : undefined;
  const group = asRoot
    ? await exec('id', ['-g', 'postgres']).then((r) => Number(r.stdout.trim()))
    : undefined;
  const dataDir = path.join(dir, 'data');
  const sub = (name: string) => path.join(dir, name);
  for (const d of ['repo', 'log', 'lock', 'spool', 'socket']) await mkdir(sub(d));
  if (asRoot)
    for (const d of ['', 'repo', 'log', 'lock', 'spool', 'socket']) await chown(sub(d), owner!, group!);
  const port = await freePort();
  const stanza = 'voyage-drill';
  const config = sub('pgbackrest.conf');
  const template = (name: string) => readFile(path.join(PROJECT_ROOT, 'deploy/pgbackrest', name), 'utf8');
  await writeFile(
    config,
    render(await template('pgbackrest.conf.template'), {
      REPO_PATH: sub('repo'),
      PROCESS_MAX: Math.max(1, Math.min(4, os.availableParallelism())),
      LOG_PATH: sub('log'),
      LOCK_PATH: sub('lock'),
      SPOOL_PATH: sub('spool'),
      STANZA: stanza,
      PG_DATA: dataDir,
      PG_PORT: port,
      PG_SOCKET: sub('socket'),
    }),
  );

  const run = async (program: string, args: string[]) => {
    const bin = program === 'pgbackrest' ? 'pgbackrest' : path.join(opts.binDir, program);
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    try {
      const res = await exec(cmd, argv as string[], {
        env: childEnvironment({ PGTZ: 'UTC' }),
        cwd: dir,
        maxBuffer: 16 * 1024 * 1024,
      });
      return res.stdout;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${(e.stderr || e.stdout || e.message).trim()}`);
    }
  };

  await run('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  await appendFile(
    path.join(dataDir, 'postgresql.conf'),
    [
      '',
      '# voyage dr drill',
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${sub('socket')}'`,
      `max_connections = 30`,
      `shared_buffers = 256MB`,
      `max_wal_size = 2GB`,
      render(await template('postgresql-archiving.conf.template'), {
        CONFIG: config,
        STANZA: stanza,
        ARCHIVE_TIMEOUT: `${opts.archiveTimeoutSeconds}s`,
      }),
    ].join('\n'),
  );

  const pgCtl = (...args: string[]) => run('pg_ctl', ['-D', dataDir, '-l', sub('log/postgres.log'), ...args]);
  return {
    dir,
    dataDir,
    port,
    stanza,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    run,
    pgbackrest: (...args) => run('pgbackrest', [`--config=${config}`, `--stanza=${stanza}`, ...args]),
    start: async () => {
      await pgCtl('-w', '-t', '300', 'start');
    },
    crash: async () => {
      await pgCtl('-m', 'immediate', 'stop');
    },
    stop: async () => {
      if (existsSync(path.join(dataDir, 'postmaster.pid')))
        await pgCtl('-m', 'fast', 'stop').catch(() => undefined);
    },
    remove: async () => {
      if (!opts.keep) await rm(dir, { recursive: true, force: true });
    },
  };
}
