import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The Postgres client programs (pg_dump, pg_restore, psql) for a server. A dump must be made by the
 * server's major version: an older pg_dump refuses a newer server, and a newer one writes archives
 * an older server may not restore. Debian installs each major under /usr/lib/postgresql/<major>/bin.
 */
export interface PgTools {
  binDir: string | undefined;
  major: number;
  bin(name: 'pg_dump' | 'pg_restore' | 'psql'): string;
}

export function serverMajor(serverVersionNum: number): number {
  return Math.floor(serverVersionNum / 10_000);
}

export function parseToolMajor(versionLine: string): number | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(versionLine);
  return match ? Number(match[1]) : undefined;
}

/** The error to show when client and server majors differ, or undefined when they match. */
export function versionMismatch(tool: string, clientMajor: number, server: number): string | undefined {
  if (clientMajor === server) return undefined;
  return (
    `${tool} is PostgreSQL ${clientMajor} but the server runs PostgreSQL ${server}: backups need the client ` +
    `programs of the server's major version. Install postgresql-client-${server}, or set BACKUP_PG_BIN_DIR to ` +
    `its bin directory (Debian: /usr/lib/postgresql/${server}/bin).`
  );
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion in the environment given (whole); stderr lines go to onLine. */
export function run(
  cmd: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; onLine?: (line: string) => void; input?: NodeJS.ReadableStream },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env,
      stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout!.on('data', (d) => {
      if (stdout.length < 1_000_000) stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) opts.onLine?.(line);
    });
    if (opts.input) {
      opts.input.pipe(child.stdin!);
      child.stdin!.on('error', () => undefined);
    }
    child.on('error', (err) => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        missing
          ? new Error(
              `${cmd} not found: install the PostgreSQL client programs (postgresql-client) or set BACKUP_PG_BIN_DIR`,
            )
          : err,
      );
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export async function resolvePgTools(
  server: number,
  configured: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<PgTools> {
  const debian = `/usr/lib/postgresql/${server}/bin`;
  const binDir = configured ?? (existsSync(path.join(debian, 'pg_dump')) ? debian : undefined);
  const bin = (name: string) => (binDir ? path.join(binDir, name) : name);
  for (const tool of ['pg_dump', 'pg_restore', 'psql'] as const) {
    const res = await run(bin(tool), ['--version'], { env });
    const major = parseToolMajor(res.stdout);
    if (major === undefined)
      throw new Error(`could not read the version of ${bin(tool)}: ${res.stdout}${res.stderr}`);
    const problem = versionMismatch(tool, major, server);
    if (problem) throw new Error(problem);
  }
  return { binDir, major: server, bin };
}

/** libpq environment for a postgres:// URL, so that passwords never appear in a process list. */
export function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    PGHOST: u.searchParams.get('host') ?? (decodeURIComponent(u.hostname) || 'localhost'),
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
    PGUSER: decodeURIComponent(u.username) || 'postgres',
  };
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The last meaningful lines of a tool's stderr, for an error message. */
export function tail(stderr: string, lines = 6): string {
  return stderr.trim().split('\n').slice(-lines).join('\n');
}
