import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, parseDuration, readConfig } from '../../../src/config/index.js';
import { VERSION } from '../../../src/version.js';
import { type ComposeFile, composeSchema, interpolate, readCompose } from '../../helpers/compose.js';
import {
  commandExists,
  isPinnedImage,
  KNOWN_VARIABLES,
  ROOT,
  runTool,
  voyageArgsProblems,
} from '../../helpers/deploy.js';
import { readDockerfile, type Stage } from '../../helpers/dockerfile.js';

const DOCKER = path.join(ROOT, 'deploy/docker');
const PKG = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
/** What a user puts in deploy/docker/.env (see .env.example). */
const USER_ENV = {
  POSTGRES_PASSWORD: 'compose-test-password',
  JWT_ACCESS_SECRET: 'a'.repeat(48),
  JWT_REFRESH_SECRET: 'b'.repeat(48),
};

let stages: Stage[];
let runtime: Stage;
let compose: ComposeFile;

beforeAll(async () => {
  stages = (await readDockerfile(path.join(DOCKER, 'Dockerfile'))).stages;
  runtime = stages.at(-1)!;
  compose = await readCompose(path.join(DOCKER, 'compose.yaml'), USER_ENV);
});

/** Services that run the Voyage image. */
const voyageServices = () =>
  Object.entries(compose.services).filter(([, s]) =>
    String(s.image).startsWith('ghcr.io/voyage-travel/voyage'),
  );

describe('deploy/docker/Dockerfile', () => {
  it('builds in stages: production dependencies, a compile, and a slim Node 20 runtime', () => {
    expect(stages.map((s) => s.name)).toEqual(['deps', 'build', 'runtime']);
    const deps = stages.find((s) => s.name === 'deps')!;
    expect(deps.runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(stages.find((s) => s.name === 'build')!.runs).toContain('npm run build');
    // The runtime stage takes node_modules only from the production-only stage.
    const modules = runtime.copies.find((c) => c.dest === `${runtime.workdir}/node_modules`);
    expect(modules?.from).toBe('deps');
    expect(runtime.runs.join(' ')).not.toMatch(/npm (ci|install)/);
    for (const s of stages) {
      expect(isPinnedImage(s.base), `${s.name}: ${s.base}`).toBe(true);
      const version = /^node:(\d+)\.(\d+)\.(\d+)-(\w+)-slim$/.exec(s.base);
      expect(version, `${s.name}: ${s.base} is a slim Node image with a full version`).not.toBeNull();
      // The version must satisfy package.json engines (>=20.12) and stay on Node 20.
      const [major, minor] = [Number(version![1]), Number(version![2])];
      const min = /^>=(\d+)\.(\d+)/.exec(PKG.engines.node)!;
      expect(major).toBe(Number(min[1]));
      expect(minor).toBeGreaterThanOrEqual(Number(min[2]));
    }
  });

  it('copies only what exists in the context and what .dockerignore lets through', async () => {
    const ignore = (await readFile(path.join(ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', 'dist', 'data', '.git', '**/.env']) expect(ignore).toContain(p);
    const ignored = (file: string) =>
      ignore.some((pattern) => {
        const re = new RegExp(
          `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '(?:.*/)?')
            .replace(/\*/g, '[^/]*')}(?:/.*)?$`,
        );
        return re.test(file);
      });
    for (const s of stages)
      for (const c of s.copies.filter((c) => !c.from))
        for (const src of c.sources) {
          expect(existsSync(path.join(ROOT, src)), `${s.name}: COPY ${src}`).toBe(true);
          expect(ignored(src), `${s.name}: COPY ${src} is excluded by .dockerignore`).toBe(false);
        }
    // Everything the build compiles is in the context.
    const tsconfig = JSON.parse(await readFile(path.join(ROOT, 'tsconfig.build.json'), 'utf8'));
    const copied = stages.find((s) => s.name === 'build')!.copies.flatMap((c) => c.sources);
    for (const dir of tsconfig.include) expect(copied).toContain(dir);
  });

  it('runs the voyage CLI as a numeric non-root user, writing only to /tmp and the data volume', () => {
    expect(runtime.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(runtime.entrypoint).toEqual(['node', PKG.bin.voyage]);
    expect(voyageArgsProblems(runtime.cmd!)).toEqual([]);
    expect(runtime.volumes).toEqual([runtime.env.DATA_DIR]);
    // The volume's mount point belongs to the runtime user (a fresh volume copies its owner).
    expect(runtime.runs.join('\n')).toContain(`chown ${runtime.user} ${runtime.env.DATA_DIR}`);
  });

  it('sets only configuration the schema knows and exposes the port it configures', () => {
    for (const key of Object.keys(runtime.env)) expect(CONFIG_VARIABLES).toContain(key);
    const { config } = readConfig(runtime.env);
    expect(runtime.expose).toEqual([config.port]);
    expect(config.dataDir).toBe(runtime.env.DATA_DIR);
  });

  it('checks health on /health at the configured port', () => {
    const hc = runtime.healthcheck!;
    expect(hc.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(hc.command[2]).toMatch(/process\.env\.PORT \|\| 3000\) \+ '\/health'\)/);
    const timeout = parseDuration(hc.flags.timeout!)!;
    expect(timeout).toBeGreaterThan(0);
    expect(parseDuration(hc.flags.interval!)!).toBeGreaterThan(timeout);
  });
});

describe('deploy/docker/compose.yaml', () => {
  it('is a valid Compose file', async () => {
    const ajv = new Ajv2019.default({ strict: false, allErrors: true, logger: false });
    const validate = ajv.compile(await composeSchema());
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('refuses to start without the secrets, naming them', async () => {
    await expect(readCompose(path.join(DOCKER, 'compose.yaml'), {})).rejects.toThrow(/POSTGRES_PASSWORD/);
    expect(() => interpolate(`$${'{'}JWT_ACCESS_SECRET:?set it}`, { JWT_ACCESS_SECRET: '' })).toThrow(
      /JWT_ACCESS_SECRET/,
    );
    const example = await readFile(path.join(DOCKER, '.env.example'), 'utf8');
    for (const name of Object.keys(USER_ENV)) expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
  });

  it('runs the split stack: gateway, api, worker, migrate, Postgres 15, Redis 7, Prometheus, Alertmanager', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['alertmanager', 'api', 'gateway', 'migrate', 'postgres', 'prometheus', 'redis', 'worker'].sort(),
    );
    expect(compose.services.postgres.image).toMatch(/^postgres:15\.\d+/);
    expect(compose.services.redis.image).toMatch(/^redis:7\.\d+/);
    for (const [name, s] of Object.entries(compose.services))
      expect(isPinnedImage(s.image), `${name}: ${s.image}`).toBe(true);
    // Without VOYAGE_IMAGE the stack runs this build's version.
    expect(compose.services.api.image).toBe(`ghcr.io/voyage-travel/voyage:${VERSION}`);
  });

  it('migrates first, then starts the roles; only the gateway is published', () => {
    const commands = Object.fromEntries(voyageServices().map(([n, s]) => [n, s.command.join(' ')]));
    expect(commands).toEqual({
      migrate: 'migrate up --json',
      api: 'serve --role api',
      worker: 'serve --role worker',
      gateway: 'serve --role gateway',
    });
    for (const [name, s] of voyageServices()) expect(voyageArgsProblems(s.command), name).toEqual([]);
    for (const name of ['api', 'worker'])
      expect(compose.services[name].depends_on.migrate.condition).toBe('service_completed_successfully');
    expect(compose.services.migrate.depends_on.postgres.condition).toBe('service_healthy');
    expect(compose.services.migrate.restart).toBe('no');
    const published = Object.entries(compose.services).filter(
      ([n, s]) => s.ports && voyageServices().some(([v]) => v === n),
    );
    expect(published.map(([n]) => n)).toEqual(['gateway']);
  });

  it('configures each Voyage service with variables the config schema accepts, consistent with the image', () => {
    for (const [name, s] of voyageServices()) {
      const env = s.environment as Record<string, string>;
      for (const key of Object.keys(env)) expect(KNOWN_VARIABLES.has(key), `${name}: ${key}`).toBe(true);
      const { config } = readConfig({ ...runtime.env, ...env });
      expect(config.database.kind, name).toBe('postgres');
      expect(config.migrateOnStart, name).toBe(false);
      expect(config.redisUrl, name).toBe('redis://redis:6379');
      for (const p of s.ports ?? []) expect(Number(String(p).split(':').at(-1)), name).toBe(config.port);
      for (const p of s.expose ?? []) expect(Number(p), name).toBe(config.port);
      // Docker waits for the drain and the close before it kills.
      const grace = parseDuration(s.stop_grace_period)!;
      expect(grace, name).toBeGreaterThan(config.shutdown.drainDelayMs + config.shutdown.timeoutMs);
      expect(s.user, name).toBe(runtime.user);
      expect(s.read_only, name).toBe(true);
      expect(s.tmpfs, name).toEqual(['/tmp']);
      expect(s.cap_drop, name).toEqual(['ALL']);
    }
    expect(compose.services.gateway.environment.GATEWAY_UPSTREAMS).toBe('*=http://api:3000');
    expect(compose.services.postgres.environment.POSTGRES_PASSWORD).toBe(USER_ENV.POSTGRES_PASSWORD);
    expect(compose.services.api.environment.DATABASE_URL).toBe(
      `postgres://voyage:${USER_ENV.POSTGRES_PASSWORD}@postgres:5432/voyage`,
    );
  });

  it('scrapes every role and mounts only files that exist', async () => {
    const mounts = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).map((v: string) => v.split(':')[0]!).filter((v: string) => v.startsWith('.')),
    );
    expect(mounts.length).toBeGreaterThan(0);
    for (const m of mounts) expect(existsSync(path.join(DOCKER, m)), m).toBe(true);
    const prometheus = await readFile(path.join(DOCKER, 'prometheus.yml'), 'utf8');
    for (const [name, s] of voyageServices().filter(([n]) => n !== 'migrate'))
      expect(prometheus, name).toContain(
        `"${name}:${readConfig({ ...runtime.env, ...s.environment }).config.port}"`,
      );
  });

  it.runIf(commandExists('promtool'))('has a Prometheus config promtool accepts', async () => {
    const r = await runTool('promtool', [
      'check',
      'config',
      '--syntax-only',
      path.join(DOCKER, 'prometheus.yml'),
    ]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it.runIf(commandExists('amtool'))('has an Alertmanager config amtool accepts', async () => {
    const r = await runTool('amtool', ['check-config', path.join(DOCKER, 'alertmanager.yml')]);
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
