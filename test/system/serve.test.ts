import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServerDatabase,
  SECRETS,
  startVoyage,
  tempDir,
  type VoyageProcess,
  voyage,
  waitFor,
} from './helpers/processes.js';

describe('voyage serve on the embedded database', () => {
  let proc: VoyageProcess;
  let data: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    data = await tempDir();
    proc = await startVoyage({ DATA_DIR: data.dir });
    await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
  });
  afterAll(async () => {
    await proc?.stop();
    await data?.remove();
  });

  it('starts with demo data: a search near San Francisco returns cars at once', async () => {
    const res = await fetch(`${proc.url}/search?lat=37.7749&lng=-122.4194`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { cars: { distanceKm: number }[] };
    expect(body.cars.length).toBe(20);
    expect(body.cars[0]!.distanceKm).toBeLessThan(body.cars[19]!.distanceKm);
    expect(proc.output()).toContain(`Voyage is running at http://localhost:${proc.port}`);
  });

  it('passes `voyage smoke`, in text and JSON', async () => {
    const text = await voyage(['smoke', proc.url]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Smoke test passed/);
    const json = await voyage(['smoke', proc.url, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: { name: string }) => s.name)).toEqual([
      'health',
      'ready',
      'signup',
      'me',
      'search',
      'book',
      'read-back',
      'cancel',
      'stays',
      'flights',
      'trip',
      'trip-plan',
      'trip-calendar',
      'travel-cleanup',
    ]);
  });

  it('refuses a second process on the same embedded data directory', async () => {
    const second = await voyage(['migrate', 'status'], { DATA_DIR: data.dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by process \d+/);
  });
});

describe('voyage smoke against a broken deployment', () => {
  it('exits non-zero and names the failing step', async () => {
    const data = await tempDir();
    const proc = await startVoyage({
      DATA_DIR: data.dir,
      VOYAGE_FAULT_INJECTION: 'error_rate=1,paths=/bookings',
      VOYAGE_ALLOW_FAULT_INJECTION: 'true',
    });
    try {
      await waitFor(`${proc.url}/health/ready`, 200, 120_000, proc);
      const res = await voyage(['smoke', proc.url, '--json']);
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout);
      expect(report.failedStep).toBe('book');
      expect(report.steps.at(-1).detail).toMatch(/POST \/bookings: expected HTTP 201, got 500/);
      expect(proc.output()).toMatch(/FAULT INJECTION IS ON/);
    } finally {
      await proc.stop();
      await data.remove();
    }
  });
});

describe('voyage on a Postgres server', () => {
  it('is not ready until migrations are applied explicitly, then passes smoke after seeding', async () => {
    const db = await createServerDatabase();
    const env = { DATABASE_URL: db.url, ...SECRETS };
    const proc = await startVoyage(env);
    try {
      await waitFor(`${proc.url}/health`, 200, 60_000, proc);
      const notReady = await fetch(`${proc.url}/health/ready`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { checks: unknown }).checks).toMatchObject({
        database: true,
        migrations: false,
      });

      const status = await voyage(['migrate', 'status'], env);
      expect(status.code).toBe(1);
      expect(status.stdout).toMatch(/pending/);
      const up = await voyage(['migrate', 'up', '--json'], env);
      expect(up.code).toBe(0);
      expect(JSON.parse(up.stdout).applied.length).toBeGreaterThan(0);
      await waitFor(`${proc.url}/health/ready`, 200, 10_000, proc);

      const seeded = await voyage(['seed', '--cars', '500', '--bookings', '200', '--json'], env);
      expect(seeded.code).toBe(0);
      expect(JSON.parse(seeded.stdout)).toMatchObject({ cars: 500, bookings: 200 });
      const smoke = await voyage(['smoke', proc.url], env);
      expect(smoke.code).toBe(0);

      const admin = await voyage(['users', 'create-admin', '--email', 'Ops@Voyage.example', '--json'], env);
      expect(admin.code).toBe(0);
      const created = JSON.parse(admin.stdout);
      expect(created).toMatchObject({ created: true, user: { email: 'ops@voyage.example', role: 'admin' } });
      const login = await fetch(`${proc.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'ops@voyage.example', password: created.password }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { role: string } }).user.role).toBe('admin');
    } finally {
      await proc.stop();
      await db.drop();
    }
  });

  it('refuses to start without JWT secrets, naming them', async () => {
    const res = await voyage(['serve'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/JWT_ACCESS_SECRET and JWT_REFRESH_SECRET/);
  });
});
