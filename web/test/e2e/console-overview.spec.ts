import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
  openConsoleWithMfa,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

const VERSION = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

describe('operator console: the overview', () => {
  let voyage: Voyage;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;

  beforeAll(async () => {
    // A point a second, so that the charts fill within the test.
    [voyage, browser] = await Promise.all([startVoyage({ METRICS_HISTORY_INTERVAL: '1s' }), launchBrowser()]);
    const context = await newContext(browser, voyage.url);
    contexts.push(context);
    admin = await context.newPage();
    await openConsoleWithMfa(admin);
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await voyage?.stop();
  });

  it('shows dependency health, the version and role, three charts with data and the error budget', async () => {
    // Some traffic for the charts: searches, and a few paths that do not exist.
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${voyage.url}/${i % 4 === 0 ? 'no-such-api' : 'locations'}`, {
        headers: { accept: 'application/json' },
      });
      await res.arrayBuffer();
    }
    await admin.waitForTimeout(2_500);

    await admin
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await admin.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();

    const deps = admin.getByRole('table', { name: 'Dependencies' });
    for (const name of ['database', 'migrations']) {
      const row = deps.getByRole('row', { name: new RegExp(`^${name}`) });
      await row.waitFor();
      await expect(row.getByRole('cell').first().textContent()).resolves.toBe('OK');
    }
    const service = admin.getByRole('region', { name: 'Service' });
    await service.getByText(VERSION, { exact: true }).waitFor();
    await service.getByText('all', { exact: true }).waitFor();
    await service.getByText('Ready', { exact: true }).waitFor();

    const traffic = admin.getByRole('region', { name: 'Traffic' });
    for (const title of ['Request rate', 'Error rate (5xx share)', 'Latency, 95th percentile']) {
      const chart = traffic.getByRole('figure', { name: title });
      await chart.getByText(/^Latest .+, peak .+, \d+ points?\.$/).waitFor();
      await expect(
        chart
          .getByTestId(/-chart$/)
          .locator('canvas')
          .count(),
      ).resolves.toBe(1);
    }
    await expect(traffic.locator('canvas').count()).resolves.toBe(3);
    // The text alternative: the latest values as a table.
    const rate = traffic.getByRole('figure', { name: 'Request rate' });
    await rate.getByText('Show the latest values as a table').click();
    await rate.getByRole('table', { name: 'Request rate' }).getByRole('row').nth(1).waitFor();

    const budget = admin.getByRole('region', { name: 'Error budget' });
    await budget.getByText('Error budget left').waitFor();
    await expect(budget.getByText(/^-?\d+(\.\d)?%$/).textContent()).resolves.toMatch(/%$/);
    await budget.getByText('Burn rate (1h)').waitFor();
    await budget.getByText(/Objective: 99\.9% of requests without a 5xx over 30 days\./).waitFor();

    await visit(admin, 'console-overview');
  }, 120_000);

  it('refuses a customer: the overview says not allowed', async () => {
    const context = await newContext(browser, voyage.url);
    contexts.push(context);
    const page = await context.newPage();
    await signUp(page, { name: 'Olga Outsider', email: 'olga@example.com' });
    await page.goto('/admin/overview');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await visit(page, 'console-overview-not-allowed');
  }, 60_000);
});
