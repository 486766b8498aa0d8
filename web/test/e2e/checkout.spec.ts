import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmOnSite,
  launchBrowser,
  newContext,
  pickPlace,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

// Holds last one minute here, so that a spec can watch one lapse; the other journeys finish well inside it.
const HOLD_ENV = { HOLD_MINUTES: '1' };

/** Opens the first car found near Paris (the search's default window). */
async function openCarNearParis(page: Page, nth = 0) {
  await page.goto('/');
  await pickPlace(page, 'Where', 'Paris', /^Paris, FR$/);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('li.card h3 a').nth(nth).click();
  await page.getByRole('button', { name: 'Book this car' }).waitFor();
}

describe('checkout: hold, pay at pickup, expiry, cancellation', () => {
  let voyage: Voyage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(HOLD_ENV), launchBrowser()]);
    context = await newContext(browser, voyage.url);
    page = await context.newPage();
    await signUp(page, { name: 'Cleo Checkout', email: 'cleo@example.com' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await voyage?.stop();
  });

  it('a car: the policy before booking, the hold with its countdown, confirm and pay at pickup', async () => {
    await openCarNearParis(page);
    await page
      .getByText(
        /^Cancellation: (Free cancellation until .+|Cancelling now costs a fee of .+|This booking cannot be refunded once paid)\.$/,
      )
      .waitFor();
    await page.getByRole('button', { name: 'Book this car' }).click();
    await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/checkout\/car\/[0-9a-f-]{36}$/);
    // The clock ticks for the eye; only the status beside it speaks, and only at a few moments.
    const timer = page.getByRole('timer');
    expect(await timer.getAttribute('aria-live')).toBe('off');
    expect(await timer.innerText()).toMatch(/^Held for 0:\d\d$|^Held for 1:00$/);
    await page.getByRole('heading', { name: 'Cancellation' }).waitFor();
    await page.getByText(/^(Free cancellation until .+|Cancelling now costs a fee of .+)\.$/).waitFor();
    const pay = page.getByRole('button', { name: /^Confirm — pay €[\d,.]+ at pickup$/ });
    await pay.waitFor();
    await visit(page, 'checkout-car');
    await pay.click();
    await page.getByText('Your car is booked').waitFor();
    expect(page.url()).toMatch(/\/bookings\/cars\/[0-9a-f-]{36}\?new=1$/);
    await page.getByText('Confirmed', { exact: true }).waitFor();
    await page.getByText('To pay on site').waitFor();
    await visit(page, 'checkout-car-booked');
  });

  it('a stay: the room’s policy on the property page, then checkout', async () => {
    await page.goto('/stays');
    await pickPlace(page, 'City', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('li.card h3 a').first().click();
    await page.getByRole('heading', { name: 'Rooms' }).waitFor();
    await page
      .getByText(/^Cancellation:/)
      .first()
      .waitFor();
    await page
      .getByRole('button', { name: /^Book / })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/checkout\/stay\//);
    await page.getByText('Check-in', { exact: true }).waitFor();
    await visit(page, 'checkout-stay');
    await page.getByRole('button', { name: /^Confirm — pay .+ at the property$/ }).click();
    await page.getByText('Your stay is booked').waitFor();
  });

  it('a flight: passengers, the hold, then checkout', async () => {
    await page.goto('/flights');
    await pickPlace(page, 'From', 'LHR', /^LHR/);
    await pickPlace(page, 'To', 'Paris', /^CDG/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page
      .getByRole('link', { name: /^Choose/ })
      .first()
      .click();
    await page.getByText(/^Cancellation:/).waitFor();
    await page.getByLabel('Given name').fill('Cleo');
    await page.getByLabel('Family name').fill('Checkout');
    await page.getByLabel('Date of birth').fill('1991-03-04');
    await page.getByRole('button', { name: 'Book this flight' }).click();
    await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/checkout\/flight\//);
    await page.getByText('Departure', { exact: true }).waitFor();
    await visit(page, 'checkout-flight');
    await confirmOnSite(page);
    await page.getByText('Your flight is booked').waitFor();
  });

  it('a hold that lapses says so, leads back to the search, and the car is free again', async () => {
    await openCarNearParis(page, 1);
    const carUrl = page.url();
    await page.getByRole('button', { name: 'Book this car' }).click();
    const held = page.getByRole('heading', { name: 'Checkout', level: 1 });
    await held.or(page.getByRole('alert')).first().waitFor();
    expect(await held.count(), await page.getByRole('alert').allInnerTexts().then(String)).toBe(1);
    const checkoutUrl = page.url();
    await page.getByRole('heading', { name: 'Your hold has expired' }).waitFor({ timeout: 90_000 });
    await page
      .getByRole('alert')
      .getByText(/time has run out/)
      .waitFor();
    await visit(page, 'checkout-expired');
    // The server agrees: the same checkout opened again is expired, and paying is refused.
    await page.goto(checkoutUrl);
    await page.getByRole('heading', { name: 'Your hold has expired' }).waitFor();
    await page.getByRole('link', { name: 'Search cars again' }).click();
    expect(new URL(page.url()).pathname).toBe('/');
    // Nobody holds the car any more: booking it again works.
    await page.goto(carUrl);
    await page.getByRole('button', { name: 'Book this car' }).click();
    await confirmOnSite(page);
    await page.getByText('Your car is booked').waitFor();
  });

  it('cancelling shows the refund quote first, then cancels through checkout', async () => {
    await page.goto('/bookings');
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    await page
      .getByRole('link', { name: /^Stay:/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cancel this booking?' });
    await dialog.waitFor();
    await dialog
      .getByText(
        /^(Nothing has been charged, so there is nothing to refund\.|Cancelling is free: .+|You get .+ back; .+)$/,
      )
      .waitFor();
    await visit(page, 'checkout-cancel-quote');
    await dialog.getByRole('button', { name: 'Yes, cancel' }).click();
    await page.getByText('The booking is cancelled.').waitFor();
    await page
      .getByText(/^(Cancelled|Refunded)$/)
      .first()
      .waitFor();
    await page.goto('/bookings');
    await page.getByText('Hold expired').or(page.getByText('Cancelled')).first().waitFor();
    await visit(page, 'checkout-bookings');
  });
});
