import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import type { ReleaseRecord } from '../../../src/release/single-host/state-file.js';
import type { ReleaseStatus } from '../../../src/release/single-host/status.js';
import { createServerDatabase, freePort, ROOT, SECRETS, tempDir, voyage } from './processes.js';

/**
 * Helpers for the release system tests: release directories that differ only in their version,
 * a steady autocannon load on the edge, a webhook receiver, and the release CLI.
 */

/**
 * A built release: a copy of bin/, dist/ and the built web app with its own package.json version,
 * sharing node_modules.
 */
export async function makeRelease(root: string, version: string): Promise<string> {
  const dir = path.join(root, version);
  await mkdir(dir, { recursive: true });
  await cp(path.join(ROOT, 'bin'), path.join(dir, 'bin'), { recursive: true });
  await cp(path.join(ROOT, 'dist'), path.join(dir, 'dist'), { recursive: true });
  await cp(path.join(ROOT, 'web', 'dist'), path.join(dir, 'web', 'dist'), { recursive: true });
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  return dir;
}

export interface LoadResult {
  total: number;
  failed: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  codes: Record<string, number>;
}

/**
 * A steady load of GET /search and GET /locations at `rate` requests per second over a few
 * connections; stop() ends it and returns what every request answered.
 */
export function startLoad(url: string, rate = 100) {
  let finish: (r: LoadResult) => void = () => {};
  let fail: (err: Error) => void = () => {};
  const done = new Promise<LoadResult>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url,
      connections: 4,
      overallRate: rate,
      duration: 600,
      timeout: 10,
      requests: [{ path: '/search?lat=37.7749&lng=-122.4194&limit=10' }, { path: '/locations' }],
    },
    (err, r) => {
      if (err) return fail(err);
      const codes: Record<string, number> = {};
      for (const [code, stat] of Object.entries(r.statusCodeStats ?? {}))
        codes[code] = (stat as { count: number }).count;
      const answered = Object.values(codes).reduce((a, b) => a + b, 0);
      finish({
        total: answered + r.errors,
        failed: r.non2xx + r.errors,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        codes,
      });
    },
  );
  return {
    async stop(): Promise<LoadResult> {
      instance.stop();
      return done;
    },
  };
}

/** A Slack-style incoming webhook that keeps what it receives. */
export async function webhookReceiver() {
  const received: { text: string; voyage: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks/release`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The version the edge answers with (GET / of Voyage), or the failure. */
export async function edgeVersion(edge: string): Promise<string> {
  try {
    const res = await fetch(`${edge}/`, { signal: AbortSignal.timeout(2_000) });
    if (res.status !== 200) return `HTTP ${res.status}`;
    return ((await res.json()) as { version: string }).version;
  } catch (err) {
    return `error ${(err as Error).message}`;
  }
}

/** The ```sh blocks of one section of a markdown file, as command lines. */
export async function runbookCommands(file: string, heading: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${file} has no "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const m of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    commands.push(
      ...m[1]!
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }
  return commands;
}

export interface ReleaseCli {
  env: Record<string, string>;
  run(args: string[], extraEnv?: Record<string, string>): ReturnType<typeof voyage>;
  /** `voyage release <args> --json`, parsed; fails with stderr when the output is not JSON. */
  json<T = Record<string, unknown>>(
    args: string[],
    extraEnv?: Record<string, string>,
  ): Promise<{ code: number; body: T; stderr: string }>;
}

export function releaseCli(env: Record<string, string>): ReleaseCli {
  const run = (args: string[], extraEnv: Record<string, string> = {}) =>
    voyage(args, { ...env, ...extraEnv });
  return {
    env,
    run,
    async json(args, extraEnv) {
      const r = await run([...args, '--json'], extraEnv);
      try {
        return { code: r.code, body: JSON.parse(r.stdout), stderr: r.stderr };
      } catch {
        throw new Error(
          `voyage ${args.join(' ')} (exit ${r.code}) printed no JSON:\n${r.stdout}\n${r.stderr}`,
        );
      }
    },
  };
}

export const TEST_POLICY = path.join(ROOT, 'test/system/fixtures/release-policy.yaml');

/**
 * One release host for a test file: a state directory, an edge on a free port, a seeded Postgres
 * database, a webhook receiver and release directories for the given versions. close() runs
 * `voyage release down` and removes everything.
 */
export async function releaseHost(versions: string[]) {
  const tmp = await tempDir('voyage-release-');
  const db = await createServerDatabase();
  const hook = await webhookReceiver();
  const port = await freePort();
  const app = {
    DATABASE_URL: db.url,
    ...SECRETS,
    RATE_LIMIT_MAX: '0',
    SHUTDOWN_DRAIN_DELAY: '300ms',
    LOG_LEVEL: 'warn',
  };
  const appEnv = Object.entries(app).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const cli = releaseCli({
    RELEASE_STATE_DIR: path.join(tmp.dir, 'state'),
    RELEASE_POLICY_FILE: TEST_POLICY,
    RELEASE_EDGE_HOST: '127.0.0.1',
    RELEASE_EDGE_PORT: String(port),
    RELEASE_WEBHOOK_URL: hook.url,
    HOME: tmp.dir,
  });
  const releases: Record<string, string> = {};
  for (const v of versions) releases[v] = await makeRelease(path.join(tmp.dir, 'releases'), v);
  // The smoke test books a car near San Francisco: the database needs cars.
  for (const args of [
    ['migrate', 'up'],
    ['seed', '--cars', '300', '--bookings', '0'],
  ]) {
    const r = await voyage(args, app);
    if (r.code !== 0) throw new Error(`voyage ${args.join(' ')} failed: ${r.stderr}`);
  }
  return {
    tmp,
    cli,
    hook,
    releases,
    appEnv,
    edge: `http://127.0.0.1:${port}`,
    deploy(version: string, extra: string[] = [], env: Record<string, string> = {}) {
      return cli.run(['release', 'deploy', releases[version]!, ...appEnv, ...extra], env);
    },
    async lastRecord(): Promise<ReleaseRecord> {
      return (await cli.json<ReleaseRecord[]>(['release', 'history', '--limit', '1'])).body[0]!;
    },
    async status(): Promise<ReleaseStatus> {
      return (await cli.json<ReleaseStatus>(['release', 'status'])).body;
    },
    async close() {
      const down = await cli.run(['release', 'down']);
      if (down.code !== 0) console.error(down.stderr);
      await hook.close();
      await db.drop();
      await tmp.remove();
    },
  };
}

export type ReleaseHost = Awaited<ReturnType<typeof releaseHost>>;
