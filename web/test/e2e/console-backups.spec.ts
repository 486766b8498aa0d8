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

/** Confirms the alert dialog that a console action opens. */
async function confirm(page: Page, title: string | RegExp) {
  const dialog = page.getByRole('alertdialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('operator console: backups', () => {
  let voyage: Voyage;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let admin: Page;

  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
    const a = await newContext(browser, voyage.url);
    contexts = [a];
    admin = await a.newPage();
    await openConsoleWithMfa(admin);
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await voyage?.stop();
  });

  it('backs up now, follows the progress to done, and lists the backup verified', async () => {
    await admin
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Backups' })
      .click();
    await admin.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    await admin.getByText('No backups yet.').waitFor();
    await admin.getByText(/^No successful backup yet: the alert fires after 26 h without one\.$/).waitFor();
    await expect(admin.getByRole('checkbox', { name: 'Verify it afterwards' }).isChecked()).resolves.toBe(
      true,
    );

    await admin.getByRole('button', { name: 'Back up now' }).click();
    await confirm(admin, 'Back up the database now?');
    const progress = admin.getByRole('region', { name: /^Progress: Backup/ });
    await progress.waitFor();
    await progress.getByRole('progressbar', { name: 'Operation progress' }).waitFor();
    await admin.getByRole('region', { name: 'Progress: Backup · Done' }).waitFor({ timeout: 120_000 });
    await progress.getByText(/^Backup \d{8}T\d{6}Z-[0-9a-f]{4} verified\.$/).waitFor();
    await expect(progress.getByRole('progressbar').getAttribute('value')).resolves.toBe('100');

    const rows = admin.getByRole('table', { name: 'Stored backups' }).getByRole('row');
    await rows
      .nth(1)
      .getByText(/^Verified /)
      .waitFor();
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(1).getByText('Manual').count()).resolves.toBe(1);
    await admin.getByText(/^Newest backup \d+ s old: within the 26 h alert threshold\.$/).waitFor();

    // The shortened checksum opens to the full one.
    await rows
      .nth(1)
      .getByText(/^[0-9a-f]{12}…$/)
      .click();
    await rows
      .nth(1)
      .getByText(/^[0-9a-f]{64}$/)
      .waitFor();
    await visit(admin, 'console-backups');
  }, 180_000);

  it('verifies a stored backup from its row', async () => {
    const row = admin.getByRole('table', { name: 'Stored backups' }).getByRole('row').nth(1);
    const id = (await row.getByText(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/).innerText()).trim();
    await row.getByRole('button', { name: `Verify backup ${id}` }).click();
    await confirm(admin, `Verify backup ${id}?`);
    await admin.getByRole('region', { name: 'Progress: Verify · Done' }).waitFor({ timeout: 120_000 });
    await admin.getByText(`Backup ${id} verified.`).waitFor();
    await row.getByText(/^Verified /).waitFor();
    await visit(admin, 'console-backups-verified');
  }, 180_000);

  it('tells a customer the console is not allowed', async () => {
    const context = await newContext(browser, voyage.url);
    contexts.push(context);
    const page = await context.newPage();
    await signUp(page, { name: 'Cora Customer', email: 'cora@example.com' });
    await page.goto('/admin/backups');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await expect(page.getByRole('heading', { name: 'Backups' }).count()).resolves.toBe(0);
    const status = await page.evaluate(async () => {
      const token = (JSON.parse(localStorage.getItem('voyage.session') ?? '{}') as { accessToken?: string })
        .accessToken;
      return (await fetch('/admin/backups', { headers: { authorization: `Bearer ${token}` } })).status;
    });
    expect(status).toBe(403);
    await visit(page, 'console-backups-not-allowed');
  });
});
