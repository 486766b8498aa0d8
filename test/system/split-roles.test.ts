import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServerDatabase,
  SECRETS,
  startVoyage,
  type VoyageProcess,
  voyage,
  waitFor,
} from './helpers/processes.js';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * (f) The split deployment: a gateway in front of two `api` processes and a `worker`, on one
 * Postgres and Redis, passing `voyage smoke` through the gateway.
 */
describe('split roles: gateway + two api processes + worker', () => {
  let db: Awaited<ReturnType<typeof createServerDatabase>>;
  let api: VoyageProcess[] = [];
  let worker: VoyageProcess;
  let gateway: VoyageProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createServerDatabase();
    env = {
      DATABASE_URL: db.url,
      ...SECRETS,
      REDIS_URL,
      // Limits high enough that other suites sharing this Redis cannot exhaust them.
      RATE_LIMIT_MAX: '100000',
      AUTH_RATE_LIMIT_MAX: '100000',
      SHUTDOWN_DRAIN_DELAY: '200ms',
    };
    expect((await voyage(['migrate', 'up'], env)).code).toBe(0);
    expect((await voyage(['seed', '--cars', '200', '--bookings', '0'], env)).code).toBe(0);
    api = await Promise.all([
      startVoyage({ ...env, RATE_LIMIT_MAX: '0' }, ['--role', 'api']),
      startVoyage({ ...env, RATE_LIMIT_MAX: '0' }, ['--role', 'api']),
    ]);
    worker = await startVoyage(env, ['--role', 'worker']);
    const upstreams = api.map((p) => p.url).join('|');
    gateway = await startVoyage({ ...env, GATEWAY_UPSTREAMS: `*=${upstreams}` }, ['--role', 'gateway']);
    await Promise.all([...api, worker, gateway].map((p) => waitFor(`${p.url}/health/ready`, 200, 60_000, p)));
  });

  afterAll(async () => {
    await Promise.all([gateway, worker, ...api].filter(Boolean).map((p) => p.stop('SIGKILL')));
    await db?.drop();
  });

  it('passes `voyage smoke` through the gateway', async () => {
    const smoke = await voyage(['smoke', gateway.url, '--json']);
    expect(smoke.code, smoke.stdout + smoke.stderr).toBe(0);
    expect(JSON.parse(smoke.stdout).ok).toBe(true);
  });

  it('spreads requests over both api processes and hands them the trace and request ids', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${gateway.url}/search?lat=37.7749&lng=-122.4194`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': `split-${i}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe(`split-${i}`);
    }
    await sleep(200);
    for (const p of api) {
      const lines = p
        .output()
        .split('\n')
        .filter((l) => l.includes('"requestId":"split-'));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((l) => l.includes(`"trace_id":"${traceId}"`))).toBe(true);
    }
    const none = await fetch(`${gateway.url}/search?lat=1&lng=1`, {
      headers: { 'x-request-id': 'no-trace' },
    });
    expect(none.status).toBe(200);
    await sleep(200);
    const line = api.flatMap((p) => p.output().split('\n')).find((l) => l.includes('"requestId":"no-trace"'));
    expect(line).toMatch(/"trace_id":"[0-9a-f]{32}"/);
  });

  it('keeps serving on one api process; is not ready with none', async () => {
    await api[0]!.stop('SIGTERM');
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${gateway.url}/search?lat=37.7749&lng=-122.4194`);
      expect(res.status).toBe(200);
    }
    expect((await fetch(`${gateway.url}/health/ready`)).status).toBe(200);
    await api[1]!.stop('SIGTERM');
    const ready = await fetch(`${gateway.url}/health/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, boolean> };
    expect(body.checks['upstream:default']).toBe(false);
    const res = await fetch(`${gateway.url}/search?lat=37.7749&lng=-122.4194`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
  });

  it('the worker runs jobs and answers its probes', async () => {
    const ready = await fetch(`${worker.url}/health/ready`);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({
      jobs: true,
    });
    expect((await fetch(`${worker.url}/search?lat=1&lng=1`)).status).toBe(404);
  });

  it('a gateway refuses to start with per-process rate limits or without upstreams', async () => {
    const res = await voyage(['serve', '--role', 'gateway'], {
      ...SECRETS,
      GATEWAY_UPSTREAMS: '*=http://127.0.0.1:9',
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--role gateway keeps rate-limit counters per process without Redis/);
    const none = await voyage(['serve', '--role', 'gateway'], { ...SECRETS, RATE_LIMIT_MAX: '0' });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/needs GATEWAY_UPSTREAMS/);
  });
});
