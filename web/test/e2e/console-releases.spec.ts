import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readState, updateState } from '../../../src/release/single-host/state-file';
import { writeReleaseHistory } from '../../../test/helpers/release-records';
import {
  launchBrowser,
  newContext,
  openConsoleWithMfa,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

async function confirm(page: Page, title: string | RegExp) {
  const dialog = page.getByRole('alertdialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('operator console: releases on a single host', () => {
  let voyage: Voyage;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let admin: Page;
  let traveller: Page;
  let stateDir: string;
  let ids: { promoted: string; rolledBack: string };

  beforeAll(async () => {
    // The controller's state as it writes it: v1.1.0 promoted and live, v1.2.0 rolled back.
    stateDir = mkdtempSync(path.join(tmpdir(), 'voyage-e2e-release-'));
    ids = await writeReleaseHistory(stateDir);
    [voyage, browser] = await Promise.all([startVoyage({ RELEASE_STATE_DIR: stateDir }), launchBrowser()]);
    const [a, b] = [await newContext(browser, voyage.url), await newContext(browser, voyage.url)];
    contexts = [a, b];
    traveller = await b.newPage();
    await signUp(traveller, { name: 'Tess Traveller', email: 'tess@example.com' });
    admin = await a.newPage();
    await openConsoleWithMfa(admin);
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await voyage?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const chart = () => admin.getByRole('figure', { name: /^Canary against baseline for / });

  it('shows the slots, the history, and the promoted release’s analysis with its promotion', async () => {
    await admin
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Releases' })
      .click();
    await admin.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();

    const slots = admin.getByRole('table', { name: 'Slots' });
    await slots.getByRole('row', { name: /green.*live.*v1\.1\.0.*100 %/ }).waitFor();
    await slots.getByRole('row', { name: /blue.*stopped.*v1\.2\.0.*0 %/ }).waitFor();
    await admin.getByText('No release is in progress.').waitFor();

    const history = admin.getByRole('table', { name: 'History' });
    await history.getByRole('row', { name: /v1\.2\.0.*Rolled back.*analysis failed/ }).waitFor();
    await history.getByRole('row', { name: /v1\.1\.0.*Promoted/ }).waitFor();

    await admin.getByRole('button', { name: `Show the analysis of v1.1.0 (${ids.promoted})` }).click();
    await admin.getByRole('heading', { name: 'Analysis of v1.1.0' }).waitFor();
    await chart().getByText('Canary 5xx rate').waitFor();
    await chart().getByText('Baseline p95').waitFor();
    await chart().getByText('Promoted', { exact: true }).waitFor();
    await chart().getByText('Step 50 %').waitFor();
    await expect(chart().locator('canvas').count()).resolves.toBeGreaterThan(0);
    const decisions = admin.getByRole('table', { name: 'Decisions' });
    await expect(decisions.getByRole('row').count()).resolves.toBe(6);
    const verdicts = admin.getByRole('table', { name: /^Metric verdicts at / });
    await verdicts.getByRole('row', { name: /latency.*Pass.*median 12 ms/ }).waitFor();
    await visit(admin, 'console-releases');
  });

  it('marks the rollback of the bad release and shows the metric that failed it', async () => {
    await admin.getByRole('button', { name: `Show the analysis of v1.2.0 (${ids.rolledBack})` }).click();
    await admin.getByRole('heading', { name: 'Analysis of v1.2.0' }).waitFor();
    await chart().getByText('Rolled back', { exact: true }).waitFor();
    const verdicts = admin.getByRole('table', { name: /^Metric verdicts at / });
    await verdicts.getByRole('row', { name: /errors.*critical.*Fail.*12\.0 % bad/ }).waitFor();
    // Another decision's verdicts, on request.
    const decisions = admin.getByRole('table', { name: 'Decisions' });
    await decisions.getByRole('button').first().click();
    await admin.getByRole('heading', { name: 'Metric verdicts at 11:00:20' }).waitFor();
    await visit(admin, 'console-releases-rollback');
  });

  it('promotes and aborts the release in progress, after asking', async () => {
    await updateState(stateDir, (s) => {
      s.slots.blue = {
        ...s.slots.blue,
        status: 'canary',
        release: { version: 'v1.3.0', dir: '/srv/v1.3.0', env: {} },
        weight: 10,
      };
      // The deploy process: one that is alive (this test's own).
      s.current = {
        id: '20261207T120000-ccc333',
        pid: process.pid,
        slot: 'blue',
        version: 'v1.3.0',
        strategy: 'canary',
        phase: 'canary',
        step: 0,
        weight: 10,
        request: null,
        lastSample: null,
      };
    });
    await admin.reload();
    await admin.getByText('v1.3.0 to blue (canary): canary, 10 % of traffic').waitFor();
    await admin.getByRole('button', { name: 'Promote' }).click();
    await confirm(admin, 'Promote v1.3.0 now?');
    await admin.getByText('Asked the deploy of v1.3.0 to promote.').waitFor();
    expect((await readState(stateDir))?.current?.request).toBe('promote');
    await visit(admin, 'console-releases-current');

    await admin.getByRole('button', { name: 'Abort' }).click();
    await confirm(admin, 'Abort the release of v1.3.0?');
    // The deploy loop's part: it sees the request, puts traffic back and finishes.
    await expect
      .poll(async () => (await readState(stateDir))?.current?.request, { timeout: 10_000 })
      .toBe('abort');
    await updateState(stateDir, (s) => {
      s.current = null;
      s.slots.blue = { ...s.slots.blue, status: 'stopped', weight: 0 };
    });
    await admin.getByText('The release of v1.3.0 was aborted; traffic is back on the live slot.').waitFor();
    await admin.getByText('No release is in progress.').waitFor();
  });

  it('is not for customers', async () => {
    await traveller.goto('/admin/releases');
    await traveller.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await visit(traveller, 'console-releases-customer');
  });
});
