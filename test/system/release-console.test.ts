import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, signInAdmin, type TestApp } from '../helpers/test-app.js';
import { type ReleaseHost, releaseHost, startLoad, TEST_POLICY } from './helpers/release.js';

/**
 * The console's view of a real release: HAProxy, supervisord and two slots on this host, a canary
 * under load, and the admin API of a Voyage that reads the same state directory. While the canary
 * runs, the API shows the release in progress with its canary samples; afterwards, the timeline
 * shows the canary traffic first and then the promotion.
 */
describe('the console follows a real release (HAProxy, supervisor, Postgres)', () => {
  let host: ReleaseHost;
  let t: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    host = await releaseHost(['1.0.0', '1.1.0']);
    const first = await host.deploy('1.0.0');
    if (first.code !== 0) throw new Error(first.stderr);
    t = await createTestApp({
      env: { RELEASE_STATE_DIR: host.cli.env.RELEASE_STATE_DIR!, RELEASE_POLICY_FILE: TEST_POLICY },
    });
    admin = await signInAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
    await host?.close();
  });

  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('shows the canary while it runs, then the promotion', async () => {
    const load = startLoad(host.edge);
    const deploying = host.deploy('1.1.0');
    try {
      // The release in progress, judged at 10 % of the traffic.
      let seen: { id: string; weights: number[] } | undefined;
      for (let i = 0; i < 240 && !seen; i++) {
        const view = await get('/admin/releases');
        const current = view.current;
        if (current?.version === '1.1.0' && current.weight > 0 && current.weight < 100) {
          const tl = await get(`/admin/releases/${current.id}/timeline`);
          const canary = tl.samples.filter((s: { weight: number }) => s.weight > 0 && s.weight < 100);
          if (tl.outcome === 'in-progress' && canary.some((s: { verdict: string }) => s.verdict === 'pass'))
            seen = { id: current.id, weights: canary.map((s: { weight: number }) => s.weight) };
        }
        if (!seen) await sleep(250);
      }
      expect(seen, 'a judged canary sample while the release ran').toBeDefined();
      expect(seen!.weights[0]).toBe(10);

      const res = await deploying;
      expect(res.code, res.stderr).toBe(0);
      const view = await get('/admin/releases');
      expect(view).toMatchObject({ engine: 'single-host', current: null });
      expect(view.slots.find((s: { live: boolean }) => s.live)).toMatchObject({
        version: '1.1.0',
        weight: 100,
      });
      expect(view.history[0]).toMatchObject({ id: seen!.id, version: '1.1.0', outcome: 'promoted' });

      const tl = await get(`/admin/releases/${seen!.id}/timeline`);
      expect(tl.markers.map((m: { kind: string }) => m.kind)).toEqual(['first-canary', 'promoted']);
      const [firstCanary, promoted] = tl.markers.map((m: { at: string }) => Date.parse(m.at));
      const canary = tl.samples.filter((s: { weight: number }) => s.weight < 100);
      expect(canary.length).toBeGreaterThan(0);
      // Every canary sample lies between the first canary request and the promotion, measured
      // against the live version, with the judge's verdict per metric.
      for (const s of canary) {
        expect(Date.parse(s.at)).toBeGreaterThanOrEqual(firstCanary);
        expect(Date.parse(s.at)).toBeLessThanOrEqual(promoted);
      }
      const judged = canary.filter((s: { verdict: string }) => s.verdict === 'pass');
      expect(judged.length).toBeGreaterThan(0);
      expect(judged[0].baseline.requests).toBeGreaterThan(0);
      expect(judged[0].metrics.map((m: { name: string }) => m.name)).toContain('errors');
      expect(tl.steps.map((s: { weight: number }) => s.weight)).toEqual([10, 50]);
      expect(tl.thresholds).toEqual({ errorRate: expect.any(Number), p95Seconds: expect.any(Number) });
    } finally {
      await load.stop();
    }
  });

  it('409s promote once nothing is in progress', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/admin/releases/promote', headers: admin.auth });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('release_not_in_progress');
  });
});
