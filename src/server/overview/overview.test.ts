import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { manualClock } from '../../platform/clock.js';
import { VERSION } from '../../version.js';

/** The console's overview endpoints over real HTTP, the history moved by hand with the clock. */
describe('GET /admin/overview and /admin/metrics/history', () => {
  const clock = manualClock('2026-12-07T10:00:00Z');
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      // Every request under /cars fails: errors for the budget to count.
      env: { VOYAGE_FAULT_INJECTION: 'error_rate=1,paths=/cars', VOYAGE_ALLOW_FAULT_INJECTION: 'true' },
    });
    admin = await signInAdmin(t);
  });
  afterAll(() => t.close());

  const get = (url: string, headers: Record<string, string> = admin.auth) =>
    t.app.inject({ method: 'GET', url, headers });
  const step = async () => {
    clock.advance(10_000);
    await t.app.metricsHistory.tick();
  };

  it('reports every readiness check with its detail, the version and the role', async () => {
    const res = await get('/admin/overview');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ version: VERSION, role: 'all', ready: true, degraded: false });
    expect(body.checks.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['database', 'migrations']),
    );
    expect(body.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    expect(body.slo).toMatchObject({ objective: 0.999, periodDays: 30, source: 'process', pageAt: 14.4 });
  });

  it('shows a failing check as failing, with its detail', async () => {
    t.ctx.health.register('mail', async () => ({ ok: false, detail: 'smtp refused' }), { critical: false });
    const body = (await get('/admin/overview')).json();
    expect(body.degraded).toBe(true);
    expect(body.checks).toContainEqual({ name: 'mail', ok: false, detail: 'smtp refused' });
  });

  it('charts the process’s own traffic and burns the budget with its 5xx', async () => {
    await step(); // everything so far in one point
    for (let i = 0; i < 9; i++) expect((await get('/admin/overview')).statusCode).toBe(200);
    expect((await get('/cars')).statusCode).toBe(500);
    await step();
    const history = (await get('/admin/metrics/history?window=15m')).json();
    expect(history).toMatchObject({ window: '15m', source: 'process', stepSeconds: 10 });
    const last = history.points.at(-1);
    expect(last).toMatchObject({ at: clock.now().toISOString(), requestsPerSecond: 1, errorRatio: 0.1 });
    expect(last.p95Seconds).toBeGreaterThan(0);

    const { slo } = (await get('/admin/overview')).json();
    const [hour, fiveMinutes] = slo.burnRates;
    expect(hour.window).toBe('1h');
    expect(fiveMinutes.window).toBe('5m');
    expect(fiveMinutes.errorRatio).toBeGreaterThan(0);
    expect(fiveMinutes.burnRate).toBeCloseTo(fiveMinutes.errorRatio / 0.001, 6);
    expect(slo.budgetRemaining).toBeCloseTo(1 - hour.errorRatio / 0.001, 6);
    expect(slo.budgetRemaining).toBeLessThan(0);
  });

  it('forgets points older than the window', async () => {
    clock.advance(2 * 60 * 60_000);
    admin = await signInAdmin(t); // the last token has expired meanwhile
    expect((await get('/admin/metrics/history')).json().points).toEqual([]);
    expect((await get('/admin/overview')).json().slo.budgetRemaining).toBeNull();
  });

  it('rejects an unknown window or parameter with a stable code', async () => {
    const bad = await get('/admin/metrics/history?window=1y');
    expect(bad.statusCode).toBe(400);
    expect(errorCode(bad)).toBe('validation_failed');
    const unknown = await get('/admin/metrics/history?from=0');
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('unknown_parameter');
  });

  it('is for admins only', async () => {
    const customer = await signUp(t.app);
    for (const url of ['/admin/overview', '/admin/metrics/history']) {
      expect((await get(url, {})).statusCode).toBe(401);
      expect((await get(url, customer.auth)).statusCode).toBe(403);
    }
  });

  it('stops its sampler when the app closes', async () => {
    expect(t.app.metricsHistory.started).toBe(true);
    const other = await createTestApp();
    expect(other.app.metricsHistory.started).toBe(true);
    await other.close();
    expect(other.app.metricsHistory.started).toBe(false);
  });
});
