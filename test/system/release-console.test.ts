import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkA11y,
  launchBrowser,
  newContext,
  openConsoleWithMfa,
  SCREENSHOTS,
  screenshots,
  visit,
} from '../../web/test/e2e/helpers.js';
import { createTestApp, type SignedIn, signInAdmin, type TestApp } from '../helpers/test-app.js';
import { ROOT } from './helpers/processes.js';
import { type ReleaseHost, releaseHost, startLoad } from './helpers/release.js';

/**
 * The console's view of a real release: HAProxy, supervisord and two slots on this host, a canary
 * under load, and a Voyage that reads the same state directory and serves the console to a real
 * browser. The operator's page follows the canary while it runs and then shows the promotion; for a
 * release that answers with 5xx, it shows the rollback on the chart and the metric that failed it.
 * The admin API is checked alongside, for what the page does not show.
 */
const FAULTS = [
  '--env',
  'VOYAGE_FAULT_INJECTION=error_rate=0.3,paths=/locations',
  '--env',
  'VOYAGE_ALLOW_FAULT_INJECTION=true',
];
// Readiness may take a while here: a browser shares the machine with the slots starting.
const POLICY = path.join(ROOT, 'test/system/fixtures/release-policy-console.yaml');
const WITH_POLICY = { RELEASE_POLICY_FILE: POLICY };
const OPERATOR = { email: 'operator@example.com', password: 'operator password 123' };

describe('the console follows a real release (HAProxy, supervisor, Postgres, chromium)', () => {
  let host: ReleaseHost;
  let t: TestApp;
  let admin: SignedIn;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    let started: Browser | undefined;
    const launching = launchBrowser().then((b) => {
      started = b;
      return b;
    });
    try {
      host = await releaseHost(['1.0.0', '1.1.0', '1.2.0']);
      const first = await host.deploy('1.0.0', [], WITH_POLICY);
      if (first.code !== 0) throw new Error(first.stderr);
      t = await createTestApp({
        env: { RELEASE_STATE_DIR: host.cli.env.RELEASE_STATE_DIR!, ...WITH_POLICY },
      });
      admin = await signInAdmin(t);
      await t.services.identity.createAdmin({ ...OPERATOR, name: 'Olga Operator' });
      const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await launching;
      page = await (await newContext(browser, url)).newPage();
      await openConsoleWithMfa(page, OPERATOR);
    } catch (err) {
      await (started ?? (await launching.catch(() => undefined)))?.close();
      throw err;
    }
  });
  // A failed step says what the page showed instead.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    console.error(
      await page
        .locator('main')
        .ariaSnapshot()
        .catch((e: Error) => e.message),
    );
    await screenshots(page, 'console-release-failed');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await host?.close();
  });

  const get = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url, headers: admin.auth });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  /** Until the controller has put the release in its state (it then runs for several seconds). */
  const untilCurrent = async (version: string) => {
    for (let i = 0; i < 240; i++) {
      if ((await get('/admin/releases')).current?.version === version) return;
      await sleep(250);
    }
    throw new Error(`${version} never became the release in progress`);
  };
  const chart = () => page.getByRole('figure', { name: /^Canary against baseline for / });
  const decisions = () => page.getByRole('table', { name: 'Decisions' });
  const left = async (l: Locator) => (await l.boundingBox())!.x;
  const LONG = { timeout: 90_000 };
  /**
   * Waits on the page while a deploy runs: a deploy that ends otherwise than `outcome` fails the
   * step at once, with the controller's reason, instead of the page wait timing out.
   */
  const follow = (deploying: ReturnType<ReleaseHost['deploy']>, outcome: string) => {
    const wrong = deploying.then(async (res) => {
      const record = await host.lastRecord();
      if (record.outcome !== outcome)
        throw new Error(`the deploy ended ${record.outcome}: ${record.reason}\n${res.stderr}`);
      return new Promise<never>(() => {});
    });
    wrong.catch(() => {});
    return (l: Locator) => Promise.race([l.waitFor(LONG), wrong]);
  };

  it('shows the canary while it runs, then the promotion', async () => {
    const load = startLoad(host.edge);
    const deploying = host.deploy('1.1.0', [], WITH_POLICY);
    const until = follow(deploying, 'promoted');
    try {
      await untilCurrent('1.1.0');
      await page
        .getByRole('navigation', { name: 'Console sections' })
        .getByRole('link', { name: 'Releases' })
        .click();
      await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();

      // The canary as it runs: 10 % of the traffic, on the chart from its first request.
      await until(page.getByText(/^1\.1\.0 to (blue|green) \(canary\): canary, 10 % of traffic$/));
      await page
        .getByRole('table', { name: 'History' })
        .getByRole('row', { name: /1\.1\.0.*In progress/ })
        .waitFor();
      await page.getByRole('heading', { name: 'Analysis of 1.1.0' }).waitFor();
      await until(chart().getByText('First canary traffic', { exact: true }));
      await chart().getByText('Step 10 %', { exact: true }).waitFor();
      // What the operator sees mid-canary, before anything else can move the release on.
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'console-release-live-canary-1280.png'),
        fullPage: true,
      });
      await expect(chart().getByText('Promoted', { exact: true }).count()).resolves.toBe(0);
      await checkA11y(page, 'the releases page during a canary');
      // A canary decision that passed (its step depends on how fast the canary gathers traffic).
      await until(
        decisions()
          .getByRole('row', { name: /^\S+ (10|50) % Pass/ })
          .first(),
      );

      // The promotion, seen by the same page without a reload.
      await until(page.getByText('No release is in progress.'));
      await page
        .getByRole('table', { name: 'History' })
        .getByRole('row', { name: /1\.1\.0.*← 1\.0\.0.*Promoted/ })
        .waitFor();
      await page
        .getByRole('table', { name: 'Slots' })
        .getByRole('row', { name: /live.*1\.1\.0.*100 %/ })
        .waitFor();
      const promoted = chart().getByText('Promoted', { exact: true });
      await until(promoted);
      await page.getByText(/^Promoted · /).waitFor();
      // On the time axis: first canary traffic, the 50 % step, then the promotion.
      const first = await left(chart().getByText('First canary traffic', { exact: true }));
      const half = await left(chart().getByText('Step 50 %', { exact: true }));
      expect(first).toBeLessThan(half);
      expect(half).toBeLessThan(await left(promoted));
      await decisions()
        .getByRole('row', { name: /^\S+ 50 % Pass/ })
        .first()
        .waitFor();
      await expect(decisions().getByRole('row', { name: /Fail/ }).count()).resolves.toBe(0);
      await visit(page, 'console-release-promoted');

      const res = await deploying;
      expect(res.code, res.stderr).toBe(0);
      const view = await get('/admin/releases');
      expect(view).toMatchObject({ engine: 'single-host', current: null });
      expect(view.history[0]).toMatchObject({ version: '1.1.0', outcome: 'promoted' });
      const tl = await get(`/admin/releases/${view.history[0].id}/timeline`);
      expect(tl.markers.map((m: { kind: string }) => m.kind)).toEqual(['first-canary', 'promoted']);
      const [firstCanary, promotedAt] = tl.markers.map((m: { at: string }) => Date.parse(m.at));
      const canary = tl.samples.filter((s: { weight: number }) => s.weight < 100);
      expect(canary.length).toBeGreaterThan(0);
      // Every canary sample lies between the first canary request and the promotion, measured
      // against the live version, with the judge's verdict per metric.
      for (const s of canary) {
        expect(Date.parse(s.at)).toBeGreaterThanOrEqual(firstCanary);
        expect(Date.parse(s.at)).toBeLessThanOrEqual(promotedAt);
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

  it('marks the rollback of a release that answers 5xx, with the metric that failed it', async () => {
    const load = startLoad(host.edge);
    const deploying = host.deploy('1.2.0', FAULTS, WITH_POLICY);
    const until = follow(deploying, 'rolled-back');
    try {
      await untilCurrent('1.2.0');
      // The page stopped asking once nothing ran; opened again, it follows the new release.
      await page.reload();
      await page.getByRole('heading', { name: 'Analysis of 1.2.0' }).waitFor();

      await until(
        page
          .getByRole('table', { name: 'History' })
          .getByRole('row', { name: /1\.2\.0.*← 1\.1\.0.*Rolled back.*errors: [\d.]+ % bad/ }),
      );
      const rolledBack = chart().getByText('Rolled back', { exact: true });
      await until(rolledBack);
      expect(await left(chart().getByText('First canary traffic', { exact: true }))).toBeLessThan(
        await left(rolledBack),
      );
      await expect(chart().getByText('Promoted', { exact: true }).count()).resolves.toBe(0);
      await until(page.getByText('No release is in progress.'));
      await page
        .getByRole('table', { name: 'Slots' })
        .getByRole('row', { name: /live.*1\.1\.0.*100 %/ })
        .waitFor();
      // The failing decision, at the canary's first step, opens with its verdict per metric.
      const deciding = decisions()
        .getByRole('row')
        .filter({ has: page.getByRole('button', { pressed: true }) });
      await deciding.filter({ hasText: /10 %\s*Fail/ }).waitFor();
      await page
        .getByRole('table', { name: /^Metric verdicts at / })
        .getByRole('row', { name: /errors.*critical.*Fail.*% bad/ })
        .waitFor();
      await visit(page, 'console-release-rolled-back');

      const res = await deploying;
      expect(res.code).toBe(1);
      const view = await get('/admin/releases');
      expect(view.history[0]).toMatchObject({ version: '1.2.0', outcome: 'rolled-back' });
      const tl = await get(`/admin/releases/${view.history[0].id}/timeline`);
      expect(tl.markers.map((m: { kind: string }) => m.kind)).toEqual(['first-canary', 'rolled-back']);
      expect(tl.samples.at(-1).verdict).toBe('fail');
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
