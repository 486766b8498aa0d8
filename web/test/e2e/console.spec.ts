import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, signIn, signUp, startVoyage, type Voyage, visit } from './helpers';

const ADMIN = { email: 'admin@voyage.example', password: 'voyage-admin-password' };

/** Confirms the alert dialog that a console action opens. */
async function confirm(page: Page, title: string | RegExp) {
  const dialog = page.getByRole('alertdialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

describe('operator console: admins with MFA run flags, users and the audit log', () => {
  let voyage: Voyage;
  let browser: Browser;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
  });

  it('refuses a customer: no console link, and /admin says not allowed', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Carl Customer', email: 'carl@example.com' });
    await expect(page.getByRole('link', { name: 'Console' }).count()).resolves.toBe(0);
    await page.goto('/admin/flags');
    await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
    await visit(page, 'console-not-allowed');
    await context.close();
  });

  it('signs the admin in with MFA, toggles a flag, finds it in the audit log, disables a user', async () => {
    // Someone to disable later.
    const other = await newContext(browser, voyage.url);
    const otherPage = await other.newPage();
    await signUp(otherPage, { name: 'Dora Disable', email: 'dora@example.com' });
    const doraId = await otherPage.evaluate(
      () => (JSON.parse(localStorage.getItem('voyage.session') ?? '{}') as { user: { id: string } }).user.id,
    );
    await other.close();

    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Console' }).click();

    // The demo admin has no MFA yet: the console asks for it before anything else.
    await page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = await page.getByLabel('Secret key for your authenticator app').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await visit(page, 'console-mfa');
    await page.getByLabel('Six-digit code').fill('000000');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByText('That code is not valid.', { exact: false }).waitFor();
    await page.getByLabel('Six-digit code').fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByText('Two-factor authentication is on.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Continue to the console' }).click();

    // The console opens on its overview. Feature flags: create one, then turn it on, with a
    // confirmation each time.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Feature flags' })
      .click();
    await page.getByRole('heading', { name: 'Feature flags', level: 1 }).waitFor();
    const create = page.getByRole('region', { name: 'New flag' });
    await create.getByLabel('Key').fill('new-checkout');
    await create.getByLabel('Description').fill('The new checkout page');
    await create.getByRole('button', { name: 'Create flag' }).click();
    await confirm(page, 'Create the flag new-checkout?');
    await page.getByText('Flag new-checkout created.').waitFor();
    const card = page.getByRole('region', { name: 'new-checkout' });
    await card.getByText('Off', { exact: true }).waitFor();

    await card.getByRole('button', { name: 'Turn on new-checkout' }).click();
    // Cancelling changes nothing.
    const dialog = page.getByRole('alertdialog', { name: 'Turn on new-checkout?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await card.getByText('Off', { exact: true }).waitFor();
    await card.getByRole('button', { name: 'Turn on new-checkout' }).click();
    await confirm(page, 'Turn on new-checkout?');
    await page.getByText('Flag new-checkout saved.').waitFor();
    await page.getByRole('region', { name: 'new-checkout' }).getByText('On', { exact: true }).waitFor();

    // Rollout and allow-list.
    await card.getByLabel('Rollout percentage').fill('25');
    await card.getByLabel('Allow-list').fill(doraId);
    await card.getByRole('button', { name: 'Save changes new-checkout' }).click();
    await confirm(page, 'Change new-checkout?');
    await card.getByText('· 25%', { exact: false }).waitFor();
    await expect(card.getByLabel('Allow-list').inputValue()).resolves.toBe(doraId);
    await visit(page, 'console-flags');

    // The change is in the audit log, found with the action filter.
    await page
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Action').fill('flag.update');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    await rows.filter({ hasText: 'flag:new-checkout' }).first().waitFor();
    // Both updates (toggle, then rollout), and only updates.
    await expect.poll(() => rows.count()).toBe(3);
    await expect(rows.filter({ hasText: 'flag.create' }).count()).resolves.toBe(0);
    await expect(rows.filter({ hasText: '"enabled":true' }).count()).resolves.toBeGreaterThan(0);
    // A time window in the future holds nothing.
    await page.getByLabel('From (UTC)').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No audit entries match.').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await rows.filter({ hasText: 'flag.create' }).first().waitFor();
    await visit(page, 'console-audit');

    // Users: find Dora and disable her account.
    await page
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Users' })
      .click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByLabel('Email or name').fill('dora');
    await page.getByRole('button', { name: 'Search' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await expect.poll(() => users.getByRole('row').count()).toBe(2);
    const dora = users.getByRole('row', { name: /dora@example.com/ });
    await dora.getByText('Active', { exact: true }).waitFor();
    await dora.getByRole('button', { name: 'Disable dora@example.com' }).click();
    await confirm(page, 'Disable dora@example.com?');
    await dora.getByText('Disabled', { exact: true }).first().waitFor();
    await dora.getByRole('button', { name: 'Enable dora@example.com' }).waitFor();
    await visit(page, 'console-users');

    // Disabled means disabled: Dora cannot sign in.
    const again = await newContext(browser, voyage.url);
    const doraPage = await again.newPage();
    await signIn(doraPage, { email: 'dora@example.com', password: 'a-long-password-1' });
    await doraPage.getByRole('alert').waitFor();
    await expect(doraPage.getByText('Signed in as Dora Disable').count()).resolves.toBe(0);
    await again.close();

    // Carl becomes an admin (with confirmation), and is listed so.
    await page.getByLabel('Email or name').fill('carl');
    await page.getByRole('button', { name: 'Search' }).click();
    const carl = users.getByRole('row', { name: /carl@example.com/ });
    await carl.getByRole('combobox', { name: 'Role of carl@example.com' }).selectOption('admin');
    await carl.getByRole('button', { name: 'Change role of carl@example.com' }).click();
    await confirm(page, 'Make carl@example.com admin?');
    await page.getByText('carl@example.com: Admin, Active.').waitFor();
    await expect(carl.getByRole('combobox', { name: 'Role of carl@example.com' }).inputValue()).resolves.toBe(
      'admin',
    );

    // The disable is audited with the admin as actor.
    await page.goto('/admin/audit?action=user.*');
    const userRows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    await userRows.filter({ hasText: 'user.disable' }).first().waitFor();
    await expect(userRows.filter({ hasText: 'signup' }).count()).resolves.toBe(0);
    await page.goto('/admin/audit?action=role.change');
    await userRows.filter({ hasText: '"from":"customer"' }).first().waitFor();

    // Signing in again: the sign-in form asks for the code, and the console opens at once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, ADMIN);
    await page.getByLabel('Six-digit code').waitFor();
    await visit(page, 'console-mfa-sign-in');
    await page.getByLabel('Six-digit code').fill(
      // The next time step (within the server's tolerance): a code is accepted once.
      await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
    );
    await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
    await page.getByText('Signed in as Demo Admin').waitFor();
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await context.close();
  });
});
