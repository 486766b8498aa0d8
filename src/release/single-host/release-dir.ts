import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, readConfig } from '../../config/index.js';
import type { StatePaths } from './state-file.js';

const run = promisify(execFile);

/**
 * Running a release's own CLI (migrate, smoke) and the pre-deploy hooks, with the release's
 * environment and nothing of the operator's shell but PATH.
 */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export async function readReleasePackage(dir: string): Promise<{ version: string }> {
  let pkg: { name?: string; version?: string };
  try {
    pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
  } catch {
    throw new Error(`${dir} is not a Voyage release: no readable package.json`);
  }
  if (pkg.name !== 'voyage' || !pkg.version) throw new Error(`${dir} is not a Voyage release (package.json)`);
  try {
    await readFile(path.join(dir, 'bin/voyage.js'));
    await readFile(path.join(dir, 'dist/src/main.js'));
  } catch {
    throw new Error(`${dir} is not built: bin/voyage.js or dist/src/main.js is missing (npm run build)`);
  }
  return { version: pkg.version };
}

function baseEnv(
  env: Record<string, string>,
  searchPath: string,
  extraPath?: string,
): Record<string, string> {
  return { PATH: [extraPath, searchPath].filter(Boolean).join(':'), ...env };
}

async function exec(
  file: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs: number },
) {
  const t0 = Date.now();
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd: opts.cwd,
      env: opts.env,
      timeout: opts.timeoutMs,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr, ms: Date.now() - t0 };
  } catch (err) {
    const e = err as {
      code?: number | string;
      stdout?: string;
      stderr?: string;
      message: string;
      killed?: boolean;
    };
    const stderr = e.killed
      ? `${e.stderr ?? ''}\n(killed after ${opts.timeoutMs} ms)`
      : (e.stderr ?? e.message);
    return {
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr,
      ms: Date.now() - t0,
    };
  }
}

/** `voyage <args>` of the release in `dir`. */
export function releaseCli(
  dir: string,
  args: string[],
  env: Record<string, string>,
  searchPath: string,
  timeoutMs = 300_000,
) {
  return exec(process.execPath, [path.join(dir, 'bin/voyage.js'), ...args], {
    cwd: dir,
    env: baseEnv(env, searchPath),
    timeoutMs,
  });
}

/** Puts a `voyage` command for this release on the hooks' PATH. */
async function shim(paths: StatePaths, dir: string): Promise<string> {
  await mkdir(paths.binDir, { recursive: true });
  const file = path.join(paths.binDir, 'voyage');
  await writeFile(file, `#!/bin/sh\nexec '${process.execPath}' '${path.join(dir, 'bin/voyage.js')}' "$@"\n`, {
    mode: 0o755,
  });
  return paths.binDir;
}

export async function runHook(
  paths: StatePaths,
  command: string,
  release: { dir: string; version: string; env: Record<string, string> },
  searchPath: string,
  timeoutMs = 3_600_000,
): Promise<CliResult> {
  const bin = await shim(paths, release.dir);
  const env = baseEnv(
    { ...release.env, VOYAGE_RELEASE_VERSION: release.version, VOYAGE_RELEASE_DIR: release.dir },
    searchPath,
    bin,
  );
  return exec('/bin/sh', ['-c', command], { cwd: release.dir, env, timeoutMs });
}

/** KEY=value lines (comments and blank lines skipped; optional quotes removed). */
export function parseEnvText(text: string, source: string): Record<string, string> {
  const env: Record<string, string> = {};
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${source}:${i + 1}: expected KEY=value`);
    let value = m[2]!;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    env[m[1]!] = value;
  });
  return env;
}

/**
 * What would make the release wrong before anything starts: an invalid configuration, or one that
 * is only correct in a single process while each slot runs several replicas side by side.
 */
export function releaseEnvProblems(env: Record<string, string>, replicas: number): string[] {
  let config: ReturnType<typeof readConfig>['config'];
  try {
    config = readConfig(env).config;
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  const problems: string[] = [];
  if (config.database.kind !== 'postgres')
    problems.push(
      'DATABASE_URL: both slots and all their replicas share one database; set DATABASE_URL=postgres://… (the embedded database serves one process)',
    );
  if (replicas > 1 && config.http.rateLimitMax > 0 && !config.redisUrl)
    problems.push(
      `REDIS_URL: each slot runs ${replicas} replicas, which must share rate-limit counters; set REDIS_URL, or RATE_LIMIT_MAX=0`,
    );
  return problems;
}
