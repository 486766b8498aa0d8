import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { newestPgBinDir } from '../../../src/ops/dr/cluster.js';
import { freePort } from '../../../src/platform/net.js';

const exec = promisify(execFile);

/** A Postgres cluster of its own on a free port, for tests that stop and crash it. */
export interface ThrowawayPostgres {
  port: number;
  url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: no checkpoint, connections cut as in a crash. */
  crash(): Promise<void>;
  remove(): Promise<void>;
}

export function canRunThrowawayPostgres(): boolean {
  return newestPgBinDir() !== undefined && existsSync('/usr/sbin/runuser') === true;
}

export async function throwawayPostgres(): Promise<ThrowawayPostgres> {
  const binDir = newestPgBinDir();
  if (!binDir) throw new Error('no Postgres server programs under /usr/lib/postgresql');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'voyage-pg-'));
  const dataDir = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  await mkdir(socketDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await exec('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await exec('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
    await chown(socketDir, uid, gid);
  }
  const run = async (program: string, args: string[]) => {
    const bin = path.join(binDir, program);
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    await exec(cmd, argv as string[], { cwd: dir });
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
  const port = await freePort();
  await appendFile(
    path.join(dataDir, 'postgresql.conf'),
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${socketDir}'\nfsync = off\nmax_connections = 60\n`,
  );
  const pgCtl = (...args: string[]) =>
    run('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), ...args]);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => pgCtl('-w', '-t', '60', 'start'),
    crash: () => pgCtl('-m', 'immediate', 'stop'),
    async remove() {
      if (existsSync(path.join(dataDir, 'postmaster.pid')))
        await pgCtl('-m', 'immediate', 'stop').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A redis-server of its own on a free port, without persistence. */
export interface ThrowawayRedis {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export async function throwawayRedis(): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const self: ThrowawayRedis = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      for (let i = 0; i < 50; i++) {
        try {
          await exec('redis-cli', ['-p', String(port), 'ping']);
          return;
        } catch {
          await sleep(100);
        }
      }
      throw new Error('redis-server did not start');
    },
    async kill() {
      if (!child || child.exitCode !== null) return;
      const c = child;
      const gone = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await gone;
    },
  };
  return self;
}
