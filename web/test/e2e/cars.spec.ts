import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext, pickPlace, signUp, startVoyage, type Voyage, visit } from './helpers';

describe('cars: search near a place, the car page, booking', () => {
  let voyage: Voyage;
  let browser: Browser;
  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await voyage?.stop();
  });

  it('finds cars near Paris on a list and a map, filters them, and books one', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('heading', { name: 'Rent a car' }).waitFor();
    await visit(page, 'cars-search');
    await signUp(page, { name: 'Ada Traveller', email: 'ada@example.com' });
    await page.goto('/');
    await pickPlace(page, 'Where', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /cars? available/ }).waitFor();
    await page.getByRole('region', { name: 'Map' }).waitFor();
    await visit(page, 'cars-results');
    const count = await page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading') })
      .count();
    expect(count).toBeGreaterThan(0);

    await page.getByLabel('Transmission').selectOption('manual');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: /cars? available/ }).waitFor();
    const manual = await page.locator('li.card').allInnerTexts();
    expect(manual.every((text) => text.includes('Manual'))).toBe(true);

    await page.locator('li.card h3 a').first().click();
    await page.getByRole('button', { name: 'Book this car' }).waitFor();
    await page.getByText(/Times are in .*Europe\/Paris/).waitFor();
    await visit(page, 'car-page');
    await page.getByRole('button', { name: 'Book this car' }).click();
    await page.getByText('Your car is booked').waitFor();
    expect(page.url()).toMatch(/\/bookings\/cars\/[0-9a-f-]{36}\?new=1$/);
    await visit(page, 'car-booking');

    // A reload keeps the session and the page (the server answers the app's path with index.html).
    await page.reload();
    await page.getByText('Confirmed').first().waitFor();
    await context.close();
  });
});
