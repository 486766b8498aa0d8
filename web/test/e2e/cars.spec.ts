import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmOnSite,
  launchBrowser,
  newContext,
  pickPlace,
  ROOT,
  signUp,
  startVoyage,
  type Voyage,
  visit,
} from './helpers';

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
    await page.getByRole('combobox', { name: 'Where' }).waitFor();
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
    await page.getByText(/^Cancellation:/).waitFor();
    await visit(page, 'car-page');
    await page.getByRole('button', { name: 'Book this car' }).click();
    await confirmOnSite(page);
    await page.getByText('Your car is booked').waitFor();
    expect(page.url()).toMatch(/\/bookings\/cars\/[0-9a-f-]{36}\?new=1$/);
    await visit(page, 'car-booking');

    // A reload keeps the session and the page (the server answers the app's path with index.html).
    await page.reload();
    await page.getByText('Confirmed').first().waitFor();
    // My bookings lists it with its pick-up time in Paris time.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My bookings' }).click();
    const row = page.locator('li.card').filter({ has: page.getByRole('link', { name: /^Car:/ }) });
    await row.first().waitFor();
    expect(await row.first().innerText()).toMatch(/CET|CEST|GMT\+1|GMT\+2/);
    await context.close();
  });

  /** The URL of the first car found near Paris for a window (the one two users will want). */
  async function firstCarNearParis(page: Page) {
    await page.goto('/');
    await pickPlace(page, 'Where', 'Paris', /^Paris, FR$/);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('li.card h3 a').first().waitFor();
    return (await page.locator('li.card h3 a').first().getAttribute('href'))!;
  }

  it('the search page fetches exactly the JavaScript bench/web-size.json counts: no map until results', async () => {
    const bench = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'web-size.json'), 'utf8')) as {
      searchPageFirstLoadGzipKB: number;
      searchPageShownGzipKB: number;
      budgetKB: number;
      firstLoadFiles: string[];
    };
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('response', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.startsWith('/assets/') && p.endsWith('.js')) scripts.add(p.slice(1));
    });
    await page.goto('/');
    await page.getByRole('combobox', { name: 'Where' }).waitFor();
    await page.getByRole('spinbutton').first().waitFor();
    await page.waitForLoadState('networkidle');
    const loaded = [...scripts];
    // Gzipped as the budget counts it (level 9), file by file.
    const gzKB = (files: string[]) =>
      files.reduce(
        (sum, f) => sum + gzipSync(readFileSync(path.join(ROOT, 'web', 'dist', f)), { level: 9 }).length,
        0,
      ) / 1024;
    expect(loaded.filter((f) => /LeafletMap/.test(f))).toEqual([]);
    expect(bench.firstLoadFiles.filter((f) => !loaded.includes(f))).toEqual([]);
    expect(bench.searchPageFirstLoadGzipKB).toBeLessThanOrEqual(bench.budgetKB);
    // What the browser fetched before any search is the budgeted first load plus the form controls.
    expect(Math.abs(gzKB(loaded) - bench.searchPageShownGzipKB)).toBeLessThan(2);
    await context.close();
  });

  it('two users racing for one car: exactly one hold, the other sees the conflict and alternatives', async () => {
    const [a, b] = await Promise.all([newContext(browser, voyage.url), newContext(browser, voyage.url)]);
    const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
    await signUp(pa, { name: 'Racer One', email: 'racer1@example.com' });
    await signUp(pb, { name: 'Racer Two', email: 'racer2@example.com' });
    const href = await firstCarNearParis(pa);
    await Promise.all([pa.goto(href), pb.goto(href)]);
    const book = (p: Page) => p.getByRole('button', { name: 'Book this car' });
    await Promise.all([book(pa).waitFor(), book(pb).waitFor()]);
    await Promise.all([book(pa).click(), book(pb).click()]);
    // The database counts a live hold like a booking: one traveller reaches checkout, one does not.
    const held = (p: Page) => p.getByRole('heading', { name: 'Checkout', level: 1 });
    const outcome = async (p: Page) => {
      const taken = p.getByText('Sorry, someone has just booked this car for these dates.');
      await held(p).or(taken).first().waitFor();
      return (await held(p).count()) > 0 ? 'held' : 'conflict';
    };
    const outcomes = (await Promise.all([outcome(pa), outcome(pb)])).sort();
    expect(outcomes).toEqual(['conflict', 'held']);
    const [winner, loser] = (await held(pa).count()) > 0 ? [pa, pb] : [pb, pa];
    await confirmOnSite(winner);
    await winner.getByText('Your car is booked').waitFor();
    await loser.getByRole('alert').getByRole('link').first().waitFor();
    await visit(loser, 'car-conflict');
    await Promise.all([a.close(), b.close()]);
  });

  it('books a car with the keyboard alone', async () => {
    const context = await newContext(browser, voyage.url);
    const page = await context.newPage();
    await signUp(page, { name: 'Kim Keys', email: 'keys@example.com' });
    await page.goto('/');
    await page.getByRole('heading', { name: 'Rent a car' }).waitFor();
    /** Presses Tab until the focused element has this accessible name. */
    const tabTo = async (name: RegExp) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          const label = el?.getAttribute('aria-label') ?? '';
          const labelled = el?.getAttribute('aria-labelledby');
          const byId = labelled
            ? labelled
                .split(' ')
                .map((id) => document.getElementById(id)?.textContent ?? '')
                .join(' ')
            : '';
          return `${label} ${byId} ${el?.textContent ?? ''} ${(el as HTMLInputElement | null)?.labels?.[0]?.textContent ?? ''}`;
        });
        if (name.test(focused)) return;
      }
      throw new Error(`Tab never reached ${name}`);
    };
    await tabTo(/Where/);
    await page.keyboard.type('Paris');
    await page.getByRole('option', { name: /^Paris, FR$/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await tabTo(/^\s*Search/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /cars? available/ }).waitFor();
    await tabTo(
      /Honda|Ford|Mazda|Skoda|Mercedes|Audi|Toyota|Volkswagen|Renault|Peugeot|Fiat|BMW|Kia|Hyundai|Nissan|Tesla|Citro/,
    );
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Book this car' }).waitFor();
    await tabTo(/Book this car/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Checkout', level: 1 }).waitFor();
    await tabTo(/Confirm — pay/);
    await page.keyboard.press('Enter');
    await page.getByText('Your car is booked').waitFor();
    await context.close();
  });
});
