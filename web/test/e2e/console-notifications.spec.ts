import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpTestServer, startSmtpServer } from '../../../test/helpers/smtp';
import { launchBrowser, newContext, openConsoleWithMfa, startVoyage, type Voyage, visit } from './helpers';

/** Reloads until `ready` holds (the page shows what the server had when it loaded). */
async function reloadUntil(page: Page, ready: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (Date.now() > deadline)
      throw new Error(
        `${what}: not seen within 60 s; the page said:\n${await page.locator('main').innerText()}`,
      );
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  }
}

/**
 * Voyage mails through an SMTP server in this process, which refuses one traveller's address: their
 * email becomes a dead letter, the operator retries it once the mailbox works, and reads it as sent.
 */
describe('operator console: notifications, the outbox and its dead letters', () => {
  let voyage: Voyage;
  let browser: Browser;
  let smtp: SmtpTestServer;
  const traveller = { name: 'Inês Bounce', email: `ines.${Date.now()}@voyage.example` };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    smtp.setPolicy((to) =>
      to.includes(traveller.email) ? { code: 550, message: 'Mailbox unavailable' } : undefined,
    );
    [voyage, browser] = await Promise.all([
      startVoyage({
        SMTP_URL: smtp.url,
        OUTBOX_RELAY_INTERVAL: '200ms',
        NOTIFICATION_RETRY_LIMIT: '1',
        NOTIFICATION_RETRY_DELAY: '1s',
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
    await smtp?.close();
  });

  it('retries a dead letter, and shows the email as the mail server received it', async () => {
    // Signing up sends an email-address check: refused, retried once, then a dead letter.
    const signup = await fetch(`${voyage.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...traveller, password: 'a-long-password-1' }),
    });
    expect(signup.status).toBe(201);

    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await openConsoleWithMfa(page);
    await page
      .getByRole('navigation', { name: 'Console sections' })
      .getByRole('link', { name: 'Notifications' })
      .click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();

    const deadRow = page
      .getByRole('table', { name: 'Dead letters' })
      .getByRole('row', { name: traveller.email });
    await reloadUntil(page, async () => (await deadRow.count()) === 1, 'the dead letter');
    await expect(deadRow.getByText('account.verify_email').count()).resolves.toBe(1);
    await visit(page, 'console-notifications-dead-letter');

    // The mailbox works again: retry the one letter, with a confirmation.
    smtp.setPolicy(() => undefined);
    await deadRow.getByRole('button', { name: /^Retry dead letter/ }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('The email is back in the delivery queue.').waitFor();
    const deadline = Date.now() + 30_000;
    while (!smtp.received.some((m) => m.to.includes(traveller.email))) {
      if (Date.now() > deadline) throw new Error('the retried email did not reach the mail server');
      await page.waitForTimeout(250);
    }
    const mail = smtp.received.find((m) => m.to.includes(traveller.email))!;

    // The outbox, narrowed to the traveller: the email is sent, and reads as the server received it.
    const outboxRow = page
      .getByRole('table', { name: 'Outbox' })
      .getByRole('row', { name: traveller.email })
      .filter({ has: page.getByRole('cell', { name: 'Sent', exact: true }) });
    await reloadUntil(
      page,
      async () => {
        await page.getByLabel('Recipient’s email (empty for everyone)').fill(traveller.email);
        await page.getByRole('button', { name: 'Filter' }).click();
        return outboxRow.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        );
      },
      'the email sent',
    );
    // Narrowed to the traveller: only their rows.
    const rows = page.getByRole('table', { name: 'Outbox' }).getByRole('row');
    for (const text of (await rows.allInnerTexts()).slice(1)) expect(text).toContain(traveller.email);
    await expect(page.getByText('No dead letters', { exact: false }).count()).resolves.toBe(1);
    await outboxRow.getByRole('button', { name: /^View email/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Email' });
    await dialog.getByText('As it was sent.').waitFor();
    await expect(dialog.getByText(mail.parsed.subject!, { exact: true }).count()).resolves.toBe(1);
    const frame = page.frameLocator('iframe.email-frame');
    await frame.getByText(traveller.name.split(' ')[0]!, { exact: false }).first().waitFor();
    await visit(page, 'console-notifications-email');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await context.close();
  });
});
