import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmOnSite,
  DEMO,
  launchBrowser,
  newContext,
  pickPlace,
  signIn,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

describe('stays, flights, my bookings and trips', () => {
  let voyage: Voyage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
    context = await newContext(browser, voyage.url);
    page = await context.newPage();
    await signUp(page, { name: 'Tess Traveller', email: 'tess@example.com' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await voyage?.stop();
  });

  it('stays: city, dates and guests with filters the API applies; the property page; booking', async () => {
    await page.goto('/stays');
    await page.getByRole('heading', { name: 'Find a stay' }).waitFor();
    await visit(page, 'stays-search');
    await pickPlace(page, 'City', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /propert(y|ies) available/ }).waitFor();
    const all = await page.locator('li.card').count();
    expect(all).toBeGreaterThan(0);
    await page.getByLabel('Stars (at least)').selectOption('5');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /propert(y|ies) available/ }).waitFor();
    await page.waitForLoadState('networkidle');
    const five = await page.locator('li.card').allInnerTexts();
    expect(five.every((text) => text.includes('5 stars'))).toBe(true);
    await page.getByLabel('Stars (at least)').selectOption('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForLoadState('networkidle');
    await visit(page, 'stays-results');
    await page.locator('li.card h3 a').first().click();
    await page.getByRole('heading', { name: 'Rooms' }).waitFor();
    await page
      .getByRole('button', { name: /^Book / })
      .first()
      .waitFor();
    await visit(page, 'property-page');
    await page
      .getByRole('button', { name: /^Book / })
      .first()
      .click();
    await confirmOnSite(page);
    await page.getByText('Your stay is booked').waitFor();
    expect(page.url()).toMatch(/\/bookings\/stays\/[0-9a-f-]{36}/);
    await visit(page, 'stay-booking');
  });

  it('flights: airport pickers, offers in local times, the offer expiry, passengers, booking', async () => {
    await page.goto('/flights');
    await visit(page, 'flights-search');
    await pickPlace(page, 'From', 'LHR', /^LHR/);
    await pickPlace(page, 'To', 'Paris', /^CDG/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /\d+ offers?/ }).waitFor();
    expect(await page.locator('li.card').count()).toBeGreaterThan(0);
    expect(await page.locator('li.card').first().innerText()).toMatch(/GMT|BST|UTC/);
    await visit(page, 'flights-results');
    await page
      .getByRole('link', { name: /^Choose/ })
      .first()
      .click();
    await page.getByText(/Offer held until/).waitFor();
    await page.getByLabel('Given name').fill('Tess');
    await page.getByLabel('Family name').fill('Traveller');
    await page.getByLabel('Date of birth').fill('1990-04-02');
    await visit(page, 'flight-offer');
    await page.getByRole('button', { name: 'Book this flight' }).click();
    await confirmOnSite(page);
    await page.getByText('Your flight is booked').waitFor();
    await page.getByText('Reference').waitFor();
    await visit(page, 'flight-booking');
  });

  it('an expired offer says so and offers to search again', async () => {
    await page.goto('/flights/offers/own-schedule:expired?from=LHR&to=CDG');
    await page.getByText('This offer has expired.').waitFor();
    await page.getByRole('link', { name: 'Search again' }).click();
    expect(new URL(page.url()).pathname).toBe('/flights');
  });

  it('my bookings: one list of cars, stays and flights; cancel after a confirmation step', async () => {
    await page.goto('/bookings');
    await page.getByRole('heading', { name: 'My bookings' }).waitFor();
    await page
      .getByRole('link', { name: /^Stay:/ })
      .first()
      .waitFor();
    await page
      .getByRole('link', { name: /^Flight:/ })
      .first()
      .waitFor();
    await visit(page, 'bookings');
    await page
      .getByRole('link', { name: /^Stay:/ })
      .first()
      .click();
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('alertdialog', { name: 'Cancel this booking?' }).waitFor();
    // Paid at the property: nothing was charged, and the dialog says what cancelling gives back.
    await page.getByText('Nothing has been charged, so there is nothing to refund.').waitFor();
    await visit(page, 'cancel-dialog');
    await page.getByRole('button', { name: 'Keep booking' }).click();
    await page.getByText('Confirmed').waitFor();
    await page.getByRole('button', { name: 'Cancel booking' }).click();
    await page.getByRole('button', { name: 'Yes, cancel' }).click();
    await page.getByText('The booking is cancelled.').waitFor();
    await page.getByText('Cancelled', { exact: true }).waitFor();
  });

  it('trips: create, add a booking and an activity, invite a collaborator, plan, downloads, feed, status', async () => {
    await page.goto('/trips');
    await page.getByRole('heading', { name: 'Trips' }).waitFor();
    await visit(page, 'trips');
    await page.getByLabel('Trip name').fill('Paris in spring');
    await pickPlace(page, 'City', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Create trip' }).click();
    await page.getByRole('heading', { name: 'Paris in spring' }).waitFor();
    expect(page.url()).toMatch(/\/trips\/[0-9a-f-]{36}$/);
    const tripUrl = page.url();

    // The flight to Paris booked above, 10 days ahead: inside the trip's default week.
    const choices = page.getByLabel('Add one of my bookings');
    const flight = (await choices.locator('option', { hasText: 'LHR → CDG' }).first().textContent())!;
    await choices.selectOption({ label: flight });
    await page.getByRole('button', { name: 'Add', exact: true }).first().click();
    await page.locator('.timeline li.item, ul li.item').first().waitFor();
    await page.getByLabel('Add an activity').selectOption({ index: 1 });
    await page.getByRole('button', { name: 'Add', exact: true }).nth(1).click();
    await page.locator('li.item.activity').first().waitFor();

    await page.getByLabel('Their email').fill(DEMO.email);
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText(`${DEMO.email} · Viewer`).waitFor();

    await page.getByRole('button', { name: 'Generate plan' }).click();
    await page.getByRole('heading', { name: 'Suggested plan' }).waitFor();

    const [ics] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download calendar' }).click(),
    ]);
    expect(ics.suggestedFilename()).toMatch(/\.ics$/);
    expect(readFileSync((await ics.path())!, 'utf8')).toContain('BEGIN:VCALENDAR');
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect(
      readFileSync((await pdf.path())!)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await page.getByRole('button', { name: 'Copy calendar feed URL' }).click();
    await page.getByText(/\/calendar\/[^ ]+\.ics/).waitFor();

    await page.getByLabel('Change status').selectOption('booked');
    await page.getByText('Status: Booked').waitFor();
    await visit(page, 'trip');

    // The collaborator opens the shared trip and sees it read-only.
    const other = await newContext(browser, voyage.url);
    const demo = await other.newPage();
    await signIn(demo, DEMO);
    await demo.getByText(/Signed in as/).waitFor();
    await demo.goto(tripUrl);
    await demo.getByRole('heading', { name: 'Paris in spring' }).waitFor();
    await demo.getByText('You can view this trip; only its owner and editors can change it.').waitFor();
    expect(await demo.getByRole('button', { name: 'Generate plan' }).count()).toBe(0);
    await visit(demo, 'trip-shared');
    await other.close();
  });
});
