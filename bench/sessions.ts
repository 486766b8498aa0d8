/**
 * What checking the session costs an authenticated request. On a fresh Postgres database it signs a
 * user up, then times, in one process: verifying the access token alone (what a request paid before
 * sessions), verifying plus the session check from the cache (the usual case), and plus a check
 * that misses the cache and reads the database (the first request after a revocation, or every
 * 30 s). Then whole requests through the app: GET /auth/me against GET /health. Prints a table and
 * writes bench/results/sessions.json with the ratios.
 *
 *   npm run bench:sessions [-- --iterations 20000]
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { readConfig } from '../src/config/index.js';
import { createSessions } from '../src/modules/identity/sessions.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { buildApp } from '../src/server/app.js';
import { createContext } from '../src/server/context.js';
import { createServices } from '../src/server/services.js';
import { PROJECT_ROOT } from '../src/version.js';
import { BENCH_SECRETS } from './dataset.js';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    database: {
      type: 'string',
      default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const N = Number(args.iterations);

/** Microseconds per call, after a warm-up of a tenth as many. */
async function perCall(n: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.ceil(n / 10); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return +(((performance.now() - t0) * 1000) / n).toFixed(2);
}

async function main() {
  const name = `voyage_bench_sessions_${process.pid}`;
  const admin = new pg.Client({ connectionString: args.database });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(args.database!);
  url.pathname = `/${name}`;
  const { config, secrets } = readConfig({
    DATABASE_URL: url.toString(),
    ...BENCH_SECRETS,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_MAX: '0',
    AUTH_RATE_LIMIT_MAX: '0',
  });
  const ctx = await createContext(config, secrets, { log: createLogger('silent') });
  try {
    await ctx.migrator.up();
    const services = createServices(ctx);
    const app = await buildApp(ctx, { services });
    await app.ready();
    const signup = await app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'bench-sessions@voyage.example', password: 'bench sessions password', name: 'Bench' },
    });
    const token = signup.json().accessToken as string;
    const sessions = createSessions({ db: ctx.db, cache: ctx.cache, clock: ctx.clock });
    const principal = await ctx.accessTokens.verify(token);

    // Alternating rounds, the fastest of each kept: the two differ by little, and the machine by more.
    const verify = () => ctx.accessTokens.verify(token);
    const cached = async () => sessions.check(await ctx.accessTokens.verify(token));
    const rounds: { verify: number[]; cached: number[] } = { verify: [], cached: [] };
    for (let r = 0; r < 5; r++) {
      rounds.verify.push(await perCall(N, verify));
      rounds.cached.push(await perCall(N, cached));
    }
    const verifyUs = Math.min(...rounds.verify);
    const cachedUs = Math.min(...rounds.cached);
    const missUs = await perCall(Math.ceil(N / 10), async () => {
      await sessions.forget([principal.sessionId!]);
      return sessions.check(await ctx.accessTokens.verify(token));
    });
    const auth = { authorization: `Bearer ${token}` };
    const requests = Math.ceil(N / 4);
    const healthUs = await perCall(requests, () => app.inject({ method: 'GET', url: '/health' }));
    const meUs = await perCall(requests, () => app.inject({ method: 'GET', url: '/auth/me', headers: auth }));
    await app.close();

    const results = {
      verifyTokenUs: verifyUs,
      verifyAndCachedSessionUs: cachedUs,
      verifyAndSessionFromDatabaseUs: missUs,
      getHealthUs: healthUs,
      getAuthMeUs: meUs,
    };
    const ratios = {
      cachedSessionCheckVsVerify: +(cachedUs / verifyUs).toFixed(3),
      databaseSessionCheckVsVerify: +(missUs / verifyUs).toFixed(3),
      cachedSessionShareOfAuthMe: +((cachedUs - verifyUs) / meUs).toFixed(3),
    };
    const rows: [string, number][] = [
      ['verify the access token', verifyUs],
      ['verify + session (cache)', cachedUs],
      ['verify + session (database)', missUs],
      ['GET /health (inject)', healthUs],
      ['GET /auth/me (inject)', meUs],
    ];
    for (const [label, us] of rows) process.stdout.write(`${label.padEnd(32)}${us} µs\n`);
    process.stdout.write(`ratios: ${JSON.stringify(ratios)}\n`);
    const out = {
      date: new Date().toISOString(),
      iterations: N,
      cache: ctx.redis ? 'redis' : 'memory',
      results,
      ratios,
    };
    const file = path.join(PROJECT_ROOT, 'bench/results/sessions.json');
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    process.stderr.write(`results written to ${path.relative(PROJECT_ROOT, file)}\n`);
  } finally {
    await ctx.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
