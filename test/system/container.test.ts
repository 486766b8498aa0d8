import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, cp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCompose } from '../helpers/compose.js';
import { readDockerfile, type Stage } from '../helpers/dockerfile.js';
import {
  createServerDatabase,
  freePort,
  ROOT,
  tempDir,
  type VoyageProcess,
  voyage,
  waitFor,
} from './helpers/processes.js';

/**
 * The image without Docker: the runtime stage's files laid out as its COPY lines say (production
 * dependencies installed as the deps stage installs them, dist/ from the build), then the compose
 * file's commands run from there as the image's user, with nothing writable but /tmp and DATA_DIR.
 */

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let imageRoot: Awaited<ReturnType<typeof tempDir>>;
let dataDir: Awaited<ReturnType<typeof tempDir>>;
let db: Awaited<ReturnType<typeof createServerDatabase>>;
let runtime: Stage;
let env: Record<string, string>;
let uid: number | undefined;
let gid: number | undefined;
const started: Proc[] = [];

/** Every file under dir with its mtime, to prove nothing was written there. */
async function snapshot(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    out.set(file, (await stat(file)).mtimeMs);
  }
  return out;
}

function run(args: string[], extra: Record<string, string> = {}): Proc {
  let out = '';
  const [cmd, ...entryArgs] = runtime.entrypoint!;
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, [...entryArgs, ...args], {
    cwd: path.join(imageRoot.dir, runtime.workdir),
    env: { ...env, ...extra },
    ...(uid !== undefined ? { uid, gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const proc = { child, output: () => out, exited: new Promise<number | null>((r) => child.on('exit', r)) };
  started.push(proc);
  return proc;
}

/** waitFor() reports a process's exit and output; it needs only these fields. */
const asVoyage = (p: Proc) => ({ child: p.child, output: p.output }) as unknown as VoyageProcess;

beforeAll(async () => {
  const { stages } = await readDockerfile(path.join(ROOT, 'deploy/docker/Dockerfile'));
  runtime = stages.at(-1)!;
  imageRoot = await tempDir('voyage-image-');
  await chmod(imageRoot.dir, 0o755);
  // The deps stage: its COPY lines, then its `npm ci`.
  const deps = stages.find((s) => s.name === 'deps')!;
  const depsDir = path.join(imageRoot.dir, '.stage-deps');
  for (const c of deps.copies)
    for (const src of c.sources) await cp(path.join(ROOT, src), path.join(depsDir, path.basename(src)));
  const install = deps.runs[0]!.split('&&')[0]!.trim().split(/\s+/);
  expect(install.slice(0, 2)).toEqual(['npm', 'ci']);
  const npm = spawn('npm', install.slice(1), { cwd: depsDir, stdio: 'ignore' });
  expect(await new Promise((r) => npm.on('exit', r))).toBe(0);
  // The runtime stage's COPY lines: from a stage (deps → depsDir, build → the built repository), or
  // from the build context.
  const stageDir = (name: string) => (name === 'deps' ? depsDir : ROOT);
  for (const c of runtime.copies)
    for (const src of c.sources) {
      const from = c.from
        ? path.join(stageDir(c.from), path.relative(stages.find((s) => s.name === c.from)!.workdir, src))
        : path.join(ROOT, src);
      const dest =
        c.dest.endsWith('/') || c.sources.length > 1 ? path.join(c.dest, path.basename(src)) : c.dest;
      await cp(from, path.join(imageRoot.dir, dest), { recursive: true });
    }
  await rm(depsDir, { recursive: true, force: true });

  dataDir = await tempDir('voyage-image-data-');
  const [u, g] = runtime.user!.split(':').map(Number);
  if (process.getuid?.() === 0) {
    uid = u;
    gid = g;
    await chown(dataDir.dir, u!, g!);
  } else {
    // Not root: make the image read-only for this user instead.
    await chmod(imageRoot.dir, 0o555);
  }
  db = await createServerDatabase();
  const compose = await readCompose(path.join(ROOT, 'deploy/docker/compose.yaml'), {
    POSTGRES_PASSWORD: 'unused',
    JWT_ACCESS_SECRET: 'c'.repeat(48),
    JWT_REFRESH_SECRET: 'd'.repeat(48),
  });
  env = {
    PATH: process.env.PATH ?? '',
    ...runtime.env,
    ...(compose.services.api.environment as Record<string, string>),
    // Here instead of the compose network: this machine's Postgres, no Redis (so no shared limits).
    DATABASE_URL: db.url,
    REDIS_URL: '',
    RATE_LIMIT_MAX: '0',
    DATA_DIR: dataDir.dir,
    HOST: '127.0.0.1',
    SHUTDOWN_DRAIN_DELAY: '200ms',
  };
}, 240_000);

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await db?.drop();
  if (imageRoot) {
    await chmod(imageRoot.dir, 0o755).catch(() => {});
    await imageRoot.remove();
  }
  await dataDir?.remove();
});

describe('the image, laid out from the Dockerfile and run as its user', () => {
  it('migrates, seeds, serves the api and worker roles, passes its HEALTHCHECK and `voyage smoke`, and stops cleanly', async () => {
    const compose = await readCompose(path.join(ROOT, 'deploy/docker/compose.yaml'), {
      POSTGRES_PASSWORD: 'x',
      JWT_ACCESS_SECRET: 'x',
      JWT_REFRESH_SECRET: 'x',
    });
    const before = await snapshot(imageRoot.dir);
    // The precondition: as the image's user, the image itself cannot be written.
    const probe = spawn(process.execPath, ['-e', "require('fs').writeFileSync('probe', 'x')"], {
      cwd: path.join(imageRoot.dir, runtime.workdir),
      ...(uid !== undefined ? { uid, gid } : {}),
      stdio: 'ignore',
    });
    expect(await new Promise((r) => probe.on('exit', r))).not.toBe(0);

    const migrate = run(compose.services.migrate.command);
    expect(await migrate.exited, migrate.output()).toBe(0);
    expect(JSON.parse(migrate.output().slice(migrate.output().indexOf('{'))).applied.length).toBeGreaterThan(
      0,
    );

    const seed = run(['seed', '--cars', '300', '--bookings', '20', '--json']);
    expect(await seed.exited, seed.output()).toBe(0);

    const apiPort = await freePort();
    const api = run(compose.services.api.command, { PORT: String(apiPort) });
    const workerPort = await freePort();
    const worker = run(compose.services.worker.command, { PORT: String(workerPort) });
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${apiUrl}/health/ready`, 200, 90_000, asVoyage(api));
    await waitFor(`http://127.0.0.1:${workerPort}/health/ready`, 200, 90_000, asVoyage(worker));

    const health = runtime.healthcheck!.command;
    const check = spawn(process.execPath, health.slice(1), {
      env: { PATH: env.PATH, PORT: String(apiPort) },
      stdio: 'ignore',
    });
    expect(await new Promise((r) => check.on('exit', r))).toBe(0);

    const smoke = run(['smoke', apiUrl, '--json']);
    expect(await smoke.exited, smoke.output()).toBe(0);

    for (const p of [api, worker]) p.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toBe(0);
    expect(await worker.exited, worker.output()).toBe(0);

    // Nothing in the image changed: the processes wrote only to /tmp and DATA_DIR.
    expect(await snapshot(imageRoot.dir)).toEqual(before);
  });

  it('has committed Argo Rollouts manifests that match the release policy (`voyage release render-k8s --check`)', async () => {
    const r = await voyage(['release', 'render-k8s', '--check', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ upToDate: true, changed: [], stale: [] });
  });
});
