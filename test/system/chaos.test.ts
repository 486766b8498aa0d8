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
 * Faults Voyage survives, with real processes: its own Postgres cluster stopped for 10 s and
 * started again, one backend terminated, its own Redis killed and restarted, and a process started
 * while Postgres is down. Steady, bounded load (searches and bookings) runs throughout.
 */
describe.skipIf(!canRunThrowawayPostgres())('chaos: database blip, backend terminated, Redis outage', () => {
  let postgres: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let proc: VoyageProcess;
  let env: Record<string, string>;
  let token: string;
  let carIds: string[] = [];
  let load: ReturnType<typeof steadyLoad>;

  const between = (from: number, to: number) => load.between(from, to);
  const ready = async (url = proc.url) =>
    (await fetch(`${url}/health/ready`).catch(() => undefined))?.status ?? 0;

  beforeAll(async () => {
    postgres = await throwawayPostgres();
    await postgres.start();
    redis = await throwawayRedis();
    await redis.start();
    env = {
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
    proc = await startVoyage(env);
    await waitFor(`${proc.url}/health/ready`, 200, 60_000, proc);
    const signup = await fetch(`${proc.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'chaos@example.com', password: 'chaos password 123', name: 'Chaos' }),
    });
    token = ((await signup.json()) as { accessToken: string }).accessToken;
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    carIds = (await client.query('SELECT id FROM cars ORDER BY id LIMIT 50')).rows.map((r) => r.id);
    await client.end();
    expect(carIds.length).toBeGreaterThan(5);
    load = steadyLoad({ url: () => proc.url, token, carIds });
    load.start();
    await sleep(1500);
  }, 180_000);

  afterAll(async () => {
    await load?.stop();
    await proc?.stop('SIGKILL');
    await redis?.kill();
    await postgres?.remove();
  });

  it('Postgres stopped for 10 s: the process stays up, readiness 503 within 2 s, fast 503 database_unavailable, back within 5 s', async () => {
    const stoppedAt = Date.now();
    await postgres.crash();
    let notReadyAfter = -1;
    while (Date.now() - stoppedAt < 5000) {
      if ((await ready()) === 503) {
        notReadyAfter = Date.now() - stoppedAt;
        break;
      }
      await sleep(100);
    }
    expect(notReadyAfter).toBeGreaterThanOrEqual(0);
    expect(notReadyAfter).toBeLessThan(2000);
    // Voyage's own timings from here to the restart: the histogram's counts at both ends.
    await sleep(Math.max(0, stoppedAt + 1000 - Date.now()));
    const downFrom = Date.now();
    const metricsAtStart = await (await fetch(`${proc.url}/metrics`)).text();
    await sleep(10_000 - (Date.now() - stoppedAt));
    const metricsAtEnd = await (await fetch(`${proc.url}/metrics`)).text();
    const restartedAt = Date.now();
    await postgres.start();
    expect(proc.child.exitCode, proc.output().slice(-3000)).toBeNull();

    let backAfter = -1;
    while (Date.now() - restartedAt < 15_000) {
      if ((await ready()) === 200) {
        backAfter = Date.now() - restartedAt;
        break;
      }
      await sleep(100);
    }
    // Let the load show that bookings go through again.
    await sleep(1000);
    const down = between(downFrom, restartedAt).filter((s) => s.kind === 'book');
    const ms = down.map((s) => s.ms);
    console.log(
      `chaos: readiness 503 after ${notReadyAfter} ms; ${down.length} bookings while down, p50 ${percentile(ms, 50)} ms, p90 ${percentile(ms, 90)} ms, p99 ${percentile(ms, 99)} ms, max ${Math.max(...ms)} ms; ready again ${backAfter} ms after Postgres started`,
    );
    expect(down.length).toBeGreaterThan(20);
    for (const s of down) {
      expect(s.status, JSON.stringify(s)).toBe(503);
      expect(s.code).toBe('database_unavailable');
    }
    // Voyage's own time (its histogram) is under 100 ms for 99% of these 503s; what the client
    // sees on a shared machine adds scheduling noise, so it is held to "never hangs".
    const bucket = (metrics: string, le: string) =>
      Number(
        new RegExp(
          `^http_request_duration_seconds_bucket\\{[^}]*le="${le.replace('+', '\\+')}"[^}]*method="POST",route="/bookings",status_code="503"[^}]*\\} (\\d+)|^http_request_duration_seconds_bucket\\{[^}]*method="POST",route="/bookings",status_code="503"[^}]*le="${le.replace('+', '\\+')}"[^}]*\\} (\\d+)`,
          'm',
        )
          .exec(metrics)
          ?.slice(1)
          .find(Boolean) ?? 0,
      );
    const during = (le: string) => bucket(metricsAtEnd, le) - bucket(metricsAtStart, le);
    const within100 = during('0.1');
    const total = during('+Inf');
    console.log(`chaos: server side, ${within100} of ${total} booking 503s while down took under 100 ms`);
    // A request or two per client may straddle either end.
    expect(total).toBeGreaterThanOrEqual(down.length - 8);
    expect(within100 / total).toBeGreaterThanOrEqual(0.99);
    expect(Math.max(...ms)).toBeLessThan(1000);
    expect(backAfter).toBeGreaterThanOrEqual(0);
    expect(backAfter).toBeLessThan(5000);
    const after = between(restartedAt + backAfter + 200, Date.now()).filter((s) => s.kind === 'book');
    expect(after.some((s) => s.status === 201)).toBe(true);
    expect(proc.child.exitCode).toBeNull();
  }, 60_000);

  it('a terminated backend: the process stays up, answers never 500', async () => {
    const from = Date.now();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    const { rows } = await admin.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE 'voyage-%'`,
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    await sleep(2000);
    expect(proc.child.exitCode).toBeNull();
    const window = between(from, Date.now());
    expect(window.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    expect(window.filter((s) => s.status === 0)).toEqual([]);
    expect(window.filter((s) => s.status === 201).length).toBeGreaterThan(0);
    expect(await ready()).toBe(200);
  }, 30_000);

  it('Redis killed: rate limits count per process, 0 5xx, readiness degraded but ready; recovers when Redis returns', async () => {
    await redis.kill();
    const from = Date.now();
    await sleep(3000);
    const res = await fetch(`${proc.url}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, boolean> };
    expect(body.status).toBe('degraded');
    expect(body.checks.redis).toBe(false);
    const window = between(from, Date.now());
    expect(window.length).toBeGreaterThan(20);
    expect(window.filter((s) => s.status >= 500 || s.status === 0)).toEqual([]);
    const metrics = await (await fetch(`${proc.url}/metrics`)).text();
    const fallbacks = Number(
      /^voyage_rate_limit_fallbacks_total(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1] ?? 0,
    );
    expect(fallbacks).toBeGreaterThan(0);
    expect(proc.output()).toMatch(/redis unreachable: rate limits counted per process/);
    await redis.start();
    const back = Date.now();
    while (Date.now() - back < 10_000) {
      const r = (await (await fetch(`${proc.url}/health/ready`)).json()) as { status: string };
      if (r.status === 'ready') break;
      await sleep(200);
    }
    expect(((await (await fetch(`${proc.url}/health/ready`)).json()) as { status: string }).status).toBe(
      'ready',
    );
  }, 30_000);

  it('0 bookings lost: every 201 is in the database', async () => {
    await load.stop();
    const ids = load.bookingIds();
    expect(ids.length).toBeGreaterThan(20);
    const found = await bookingsFound(postgres.url, ids);
    console.log(`chaos: ${load.samples.length} requests, ${ids.length} bookings confirmed, ${found} found`);
    expect(found).toBe(ids.length);
    expect(proc.child.exitCode).toBeNull();
  });

  it('an api process started while Postgres is down waits, reports not ready, and serves once it comes', async () => {
    await postgres.crash();
    const api = await startVoyage({ ...env, MIGRATE_ON_START: 'true' }, ['--role', 'api']);
    try {
      await waitFor(`${api.url}/health`, 200, 30_000, api);
      expect(await ready(api.url)).toBe(503);
      const early = await fetch(`${api.url}/search?lat=37.7749&lng=-122.4194`);
      expect(early.status).toBe(503);
      const err = (await early.json()) as { error: { code: string; requestId: string } };
      expect(err.error.code).toBe('starting');
      expect(err.error.requestId).toEqual(expect.any(String));
      await sleep(3000);
      expect(api.child.exitCode).toBeNull();
      await postgres.start();
      await waitFor(`${api.url}/health/ready`, 200, 15_000, api);
      expect((await fetch(`${api.url}/search?lat=37.7749&lng=-122.4194`)).status).toBe(200);
      expect(api.output()).toMatch(/database unreachable; not ready, waiting for it/);
    } finally {
      await api.stop('SIGKILL');
    }
  }, 60_000);
});
