import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeServer, startStripeServer } from '../../../test/helpers/stripe-server';
import { launchBrowser, newContext, pickPlace, signUp, startVoyage, type Voyage, visit } from './helpers';

// Test-mode keys for the local Stripe contract server: no real Stripe, no network.
const KEYS = { secretKey: 'sk_test_voyagee2e0123456789', webhookSecret: 'whsec_voyagee2e0123456789' };

describe('checkout with Stripe in test mode (against the Stripe contract server)', () => {
  let stripe: StripeServer;
  let voyage: Voyage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    stripe = await startStripeServer(KEYS);
    [voyage, browser] = await Promise.all([
      startVoyage({
        STRIPE_SECRET_KEY: KEYS.secretKey,
        STRIPE_WEBHOOK_SECRET: KEYS.webhookSecret,
        STRIPE_API_BASE: stripe.url,
      }),
      launchBrowser(),
    ]);
    stripe.setWebhookUrl(`${voyage.url}/payments/webhooks/stripe`);
    context = await newContext(browser, voyage.url);
    page = await context.newPage();
    await signUp(page, { name: 'Sam Stripe', email: 'sam@example.com' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await voyage?.stop();
    await stripe?.close();
  });

  it('a declined test card is an error with the hold kept; another card then pays', async () => {
    await page.goto('/stays');
    await pickPlace(page, 'City', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('li.card h3 a').first().click();
    await page
      .getByRole('button', { name: /^Book / })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
    await page.getByRole('group', { name: 'Test card' }).waitFor();
    await page.getByText('Test mode: choose a test card. No real money moves.').waitFor();
    await page.getByRole('radio', { name: 'Declined card', exact: true }).check();
    await page.getByRole('button', { name: /^Pay €[\d,.]+$/ }).click();
    await page
      .getByRole('alert')
      .getByText('Your card was declined. Nothing was charged; choose another card or try again.')
      .waitFor();
    // The hold stays: still on checkout, the clock still running.
    await page.getByRole('timer').waitFor();
    await visit(page, 'checkout-stripe-declined');

    await page.getByRole('radio', { name: 'Visa, succeeds' }).check();
    await page.getByRole('button', { name: /^Pay €[\d,.]+$/ }).click();
    await page.getByText('Your stay is booked').waitFor();
    await page.getByText('Paid', { exact: true }).waitFor();
    expect(stripe.intents.size).toBeGreaterThan(0);
    await visit(page, 'checkout-stripe-paid');
  });

  it('cancelling a paid stay shows the refund before confirming, then the refund', async () => {
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel this booking?' });
    await dialog.getByText(/^(Cancelling is free: you get .+ back\.|You get .+ back; .+)$/).waitFor();
    const quoted = await dialog.getByText(/^Refund: /).innerText();
    await visit(page, 'checkout-stripe-cancel-quote');
    await dialog.getByRole('button', { name: 'Yes, cancel' }).click();
    const done = page.getByText(/^Cancelled\. .+ is on its way back to you\.$/);
    await done.waitFor();
    expect(await done.innerText()).toContain(quoted.replace(/^Refund: /, ''));
    await page
      .getByText(/^(Cancelled|Refunded)$/)
      .first()
      .waitFor();
    await visit(page, 'checkout-stripe-refunded');
  });
});
