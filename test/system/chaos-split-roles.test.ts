import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingsFound, percentile, steadyLoad } from './helpers/load.js';
import { SECRETS, startVoyage, type VoyageProcess, voyage, waitFor } from './helpers/processes.js';
import {
  canRunThrowawayPostgres,
  type ThrowawayPostgres,
  type ThrowawayRedis,
  throwawayPostgres,
  throwawayRedis,
} from './helpers/throwaway.js';

/**
 * The same faults for the split deployment: a gateway in front of an `api` process, and a `worker`,
 * on their own Postgres and Redis, with the steady load sent through the gateway. Every process
 * stays up; clients see Voyage's own 503s, never a 500, a 502 or a dropped connection.
 */
describe.skipIf(!canRunThrowawayPostgres())('chaos, split roles: gateway + api + worker', () => {
  let postgres: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let api: VoyageProcess;
  let worker: VoyageProcess;
  let gateway: VoyageProcess;
  let load: ReturnType<typeof steadyLoad>;
  const all = () => [gateway, api, worker];
  const readiness = async (p: VoyageProcess) => {
    const res = await fetch(`${p.url}/health/ready`).catch(() => undefined);
    return res
      ? {
          status: res.status,
          body: (await res.json()) as { status: string; checks: Record<string, boolean> },
        }
      : undefined;
  };
  const expectAllUp = () => {
    for (const p of all()) expect(p.child.exitCode, p.output().slice(-3000)).toBeNull();
  };
  const metric = async (p: VoyageProcess, name: string) => {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    postgres = await throwawayPostgres();
    await postgres.start();
    redis = await throwawayRedis();
    await redis.start();
    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      ...SECRETS,
      RATE_LIMIT_MAX: '100000',
      AUTH_RATE_LIMIT_MAX: '100000',
      HEALTH_CHECK_TIMEOUT: '1s',
      SHUTDOWN_DRAIN_DELAY: '100ms',
    };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    expect((await voyage(['seed', '--cars', '60', '--bookings', '0'], env)).code).toBe(0);
    [api, worker] = await Promise.all([
      startVoyage(env, ['--role', 'api']),
      startVoyage(env, ['--role', 'worker']),
    ]);
    gateway = await startVoyage({ ...env, GATEWAY_UPSTREAMS: `*=${api.url}` }, ['--role', 'gateway']);
    await Promise.all(all().map((p) => waitFor(`${p.url}/health/ready`, 200, 60_000, p)));
    const signup = await fetch(`${gateway.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'split@example.com', password: 'chaos password 123', name: 'Split' }),
    });
    expect(signup.status).toBe(201);
    const token = ((await signup.json()) as { accessToken: string }).accessToken;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const carIds = (await client.query('SELECT id FROM cars ORDER BY id LIMIT 50')).rows.map((r) => r.id);
    await client.end();
    load = steadyLoad({ url: () => gateway.url, token, carIds });
    load.start();
    await sleep(1500);
  }, 180_000);

  afterAll(async () => {
    await load?.stop();
    await Promise.all([gateway, worker, api].filter(Boolean).map((p) => p.stop('SIGKILL')));
    await redis?.kill();
    await postgres?.remove();
  });

  it('Postgres stopped for 10 s: every process stays up; through the gateway, bookings get a fast 503 database_unavailable and searches are answered from memory; back within 5 s', async () => {
    const stoppedAt = Date.now();
    await postgres.crash();
    let apiNotReady = -1;
    while (Date.now() - stoppedAt < 5000) {
      if ((await readiness(api))?.status === 503) {
        apiNotReady = Date.now() - stoppedAt;
        break;
      }
      await sleep(100);
    }
    expect(apiNotReady).toBeGreaterThanOrEqual(0);
    expect(apiNotReady).toBeLessThan(2000);
    await sleep(3000);
    // The worker and the gateway say so too: the worker has no database, the gateway no ready upstream.
    expect((await readiness(worker))?.status).toBe(503);
    const gw = await readiness(gateway);
    expect(gw?.status).toBe(503);
    expect(gw?.body.checks['upstream:default']).toBe(false);
    await sleep(10_000 - (Date.now() - stoppedAt));
    const restartedAt = Date.now();
    await postgres.start();
    expectAllUp();

    let backAfter = -1;
    while (Date.now() - restartedAt < 15_000) {
      const states = await Promise.all(all().map(readiness));
      if (states.every((s) => s?.status === 200)) {
        backAfter = Date.now() - restartedAt;
        break;
      }
      await sleep(100);
    }
    await sleep(1000);
    const down = load.between(stoppedAt + 500, restartedAt);
    const bookings = down.filter((s) => s.kind === 'book');
    const ms = bookings.map((s) => s.ms);
    console.log(
      `chaos (split): api not ready after ${apiNotReady} ms; ${down.length} requests through the gateway while down (${bookings.length} bookings, p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms, max ${Math.max(...ms)} ms); every role ready again ${backAfter} ms after Postgres started`,
    );
    expect(bookings.length).toBeGreaterThan(20);
    for (const s of bookings) {
      expect(s.status, JSON.stringify(s)).toBe(503);
      expect(s.code).toBe('database_unavailable');
    }
    // Searches are answered from each api process's in-memory model while the database is away.
    const searches = down.filter((s) => s.kind === 'search');
    expect(searches.length).toBeGreaterThan(20);
    for (const s of searches) expect(s.status, JSON.stringify(s)).toBe(200);
    expect(Math.max(...ms)).toBeLessThan(1000);
    expect(backAfter).toBeGreaterThanOrEqual(0);
    expect(backAfter).toBeLessThan(5000);
    const after = load.between(restartedAt + backAfter + 200, Date.now()).filter((s) => s.kind === 'book');
    expect(after.some((s) => s.status === 201)).toBe(true);
    expectAllUp();
  }, 60_000);

  it('Redis killed: gateway and api count limits per process, 0 5xx, both degraded but ready; they recover', async () => {
    await redis.kill();
    const from = Date.now();
    await sleep(3000);
    for (const p of [gateway, api]) {
      const r = await readiness(p);
      expect(r?.status).toBe(200);
      expect(r?.body.status).toBe('degraded');
      expect(r?.body.checks.redis).toBe(false);
    }
    const window = load.between(from, Date.now());
    expect(window.length).toBeGreaterThan(20);
    expect(window.filter((s) => s.status >= 500 || s.status === 0)).toEqual([]);
    expect(await metric(gateway, 'voyage_rate_limit_fallbacks_total')).toBeGreaterThan(0);
    expect(await metric(api, 'voyage_rate_limit_fallbacks_total')).toBeGreaterThan(0);
    expect(gateway.output()).toMatch(/redis unreachable: rate limits counted per process/);
    await redis.start();
    const back = Date.now();
    let statuses: string[] = [];
    while (Date.now() - back < 10_000) {
      statuses = (await Promise.all([gateway, api].map(readiness))).map((r) => r?.body.status ?? 'none');
      if (statuses.every((s) => s === 'ready')) break;
      await sleep(200);
    }
    expect(statuses).toEqual(['ready', 'ready']);
    expectAllUp();
  }, 30_000);

  it('0 bookings lost: every 201 through the gateway is in the database', async () => {
    await load.stop();
    const ids = load.bookingIds();
    expect(ids.length).toBeGreaterThan(20);
    const found = await bookingsFound(postgres.url, ids);
    console.log(
      `chaos (split): ${load.samples.length} requests, ${ids.length} bookings confirmed, ${found} found`,
    );
    expect(found).toBe(ids.length);
    expectAllUp();
  });
});
