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

const CAR = 'Skoda Octavia-E2E';

/** Confirms the alert dialog that a console action opens. */
async function confirm(page: Page, title: string | RegExp) {
  const dialog = page.getByRole('alertdialog', { name: title });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** A call to the API as the page's signed-in user (for the traveller's side of the story). */
async function call<T>(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const token = (JSON.parse(localStorage.getItem('voyage.session') ?? '{}') as { accessToken?: string })
        .accessToken;
      const res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: await res.json() };
    },
    { method, url, body },
  ) as Promise<{ status: number; json: T }>;
}

const isoDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** The night as the console names it (en-GB, calendar date). */
const nightName = (date: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(new Date(`${date}T00:00:00Z`));

describe('operator console: fleet, room inventory and the flight schedule', () => {
  let voyage: Voyage;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let admin: Page;
  let traveller: Page;

  beforeAll(async () => {
    [voyage, browser] = await Promise.all([startVoyage(), launchBrowser()]);
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
  });

  const section = (name: string) =>
    admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name }).click();

  it('adds a car, changes its price, sends it to maintenance and back, retires it with its booking', async () => {
    await section('Fleet');
    await admin.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
    await admin.getByRole('table').getByRole('row').nth(1).waitFor();
    const location = await admin.getByLabel('Location', { exact: true }).inputValue();

    const add = admin.getByRole('region', { name: 'Add a car' });
    await add.getByLabel('Make').fill('Skoda');
    await add.getByLabel('Model').fill('Octavia-E2E');
    await add.getByLabel('Class').selectOption('midsize');
    await add.getByLabel('Daily rate (EUR)').fill('48');
    await add.getByRole('button', { name: 'Add car' }).click();
    await confirm(admin, new RegExp(`^Add ${CAR} at `));
    await admin.getByText(`${CAR} added.`).waitFor();

    await admin.getByLabel('Filter cars').fill('Octavia-E2E');
    const row = admin.getByRole('row', { name: new RegExp(CAR) });
    await row.getByText('€48.00').waitFor();
    await row.getByLabel(`New daily rate of ${CAR} (EUR)`).fill('52');
    await row.getByRole('button', { name: `Change price of ${CAR}` }).click();
    await confirm(admin, `Charge €52.00 a day for ${CAR}?`);
    await row.getByText('€52.00').waitFor();

    await row.getByRole('button', { name: `Send ${CAR} to maintenance` }).click();
    await confirm(admin, `Send ${CAR} to maintenance?`);
    await row.getByText('In maintenance').waitFor();
    await visit(admin, 'console-fleet');
    await row.getByRole('button', { name: `Put ${CAR} back in service` }).click();
    await confirm(admin, `Put ${CAR} back in service?`);
    await row.getByText('Active', { exact: true }).waitFor();

    // Tess books it for later this week.
    const cars = await call<{ cars: { id: string; model: string }[] }>(
      admin,
      'GET',
      `/cars?locationId=${location}&limit=500`,
    );
    const carId = cars.json.cars.find((c) => c.model === 'Octavia-E2E')!.id;
    // One clock reading: two would make the window a few ms over two days, charged as three.
    const now = Date.now();
    const booked = await call<{ id: string; totalAmount: number }>(traveller, 'POST', '/bookings', {
      carId,
      pickupTime: new Date(now + 3 * 86_400_000).toISOString(),
      dropoffTime: new Date(now + 5 * 86_400_000).toISOString(),
    });
    expect(booked.status).toBe(201);
    expect(booked.json.totalAmount).toBe(2 * 5200);

    // Retiring shows what it cancels before anything happens.
    await row.getByRole('button', { name: `Retire ${CAR}` }).click();
    const dialog = admin.getByRole('alertdialog', { name: `Retire ${CAR}?` });
    await dialog.getByText('1 booking to come will be cancelled', { exact: false }).waitFor();
    await dialog.getByText(/^CAR-\S+: .+ to .+, €104\.00$/).waitFor();
    await visit(admin, 'console-fleet-retire');
    await confirm(admin, `Retire ${CAR}?`);
    await admin.getByText(`${CAR} retired; 1 booking cancelled and the travellers told.`).waitFor();
    await row.getByText('Retired').waitFor();
    const after = await call<{ status: string }>(traveller, 'GET', `/bookings/${booked.json.id}`);
    expect(after.json.status).toBe('cancelled');

    // All of it is in the audit log.
    await admin.goto(`/admin/audit?action=car.*`);
    const audit = admin.getByRole('table', { name: 'Audit log' });
    await audit.getByRole('row').filter({ hasText: 'car.retire' }).first().waitFor();
    await expect(
      audit
        .getByRole('row')
        .filter({ hasText: `car:${carId}` })
        .count(),
    ).resolves.toBe(5);
  });

  it('adds a location, and a car at it that travellers then find there', async () => {
    await section('Fleet');
    await admin.getByRole('heading', { name: 'Fleet', level: 1 }).waitFor();
    await admin.getByLabel('Filter cars').fill('');
    const form = admin.getByRole('region', { name: 'Add a location' });
    await form.getByLabel('Location name').fill('Bordeaux Saint-Jean');
    await form.getByLabel('City').fill('Bordeaux');
    await form.getByLabel('Country').fill('fr');
    await form.getByLabel('Latitude').fill('44.8256');
    await form.getByLabel('Longitude').fill('-0.5563');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByRole('button', { name: 'Add location' }).click();
    await confirm(admin, 'Add Bordeaux Saint-Jean in Bordeaux?');
    await admin.getByText('Bordeaux Saint-Jean added. Add its cars below.').waitFor();
    // The new location is the one shown, with no car yet.
    await expect(
      admin.getByLabel('Location', { exact: true }).locator('option:checked').innerText(),
    ).resolves.toBe('Bordeaux · Bordeaux Saint-Jean');
    await admin.getByText('No car matches at this location.').waitFor();

    const add = admin.getByRole('region', { name: 'Add a car' });
    await add.getByLabel('Make').fill('Renault');
    await add.getByLabel('Model').fill('Clio-Bordeaux');
    await add.getByLabel('Daily rate (EUR)').fill('39');
    await add.getByRole('button', { name: 'Add car' }).click();
    await confirm(admin, 'Add Renault Clio-Bordeaux at Bordeaux Saint-Jean?');
    await admin.getByRole('row', { name: /Renault Clio-Bordeaux/ }).waitFor();
    await visit(admin, 'console-fleet-location');

    const found = await call<{ cars: { model: string }[] }>(
      traveller,
      'GET',
      '/search?lat=44.8256&lng=-0.5563&radiusKm=5',
    );
    expect(found.json.cars.map((c) => c.model)).toContain('Clio-Bordeaux');
  });

  it('edits room inventory, and refuses a night below what is booked', async () => {
    await section('Room inventory');
    await admin.getByRole('heading', { name: 'Room inventory', level: 1 }).waitFor();
    const props = await call<{ properties: { name: string; roomTypes: { id: string; name: string }[] }[] }>(
      admin,
      'GET',
      '/stays/properties',
    );
    const property = props.json.properties[0]!;
    const roomType = property.roomTypes[0]!;
    const stay = await call(traveller, 'POST', '/stay-bookings', {
      roomTypeId: roomType.id,
      checkIn: isoDay(2),
      checkOut: isoDay(3),
      guests: 1,
    });
    expect(stay.status).toBe(201);
    await admin.reload();
    const grid = admin.getByRole('table', { name: `Rooms per night at ${property.name}` });
    const cell = (days: number) =>
      grid.getByLabel(`Rooms on sale, ${roomType.name}, ${nightName(isoDay(days))}`);
    await expect.poll(() => cell(2).inputValue()).not.toBe('');
    const bookedRow = grid.getByRole('row', { name: new RegExp(nightName(isoDay(2))) });
    await bookedRow
      .getByText(/1 booked · \d+ left/)
      .first()
      .waitFor();

    // A night with nothing booked: more rooms on sale.
    await cell(6).fill('9');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await confirm(admin, 'Save 1 change?');
    await admin.getByText('1 night saved.').waitFor();
    await expect.poll(() => cell(6).inputValue()).toBe('9');

    // The booked night cannot go below its one booking.
    await cell(2).fill('0');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await confirm(admin, 'Save 1 change?');
    await admin
      .getByRole('alert')
      .getByText(`Not saved: ${roomType.name} has 1 room booked on ${nightName(isoDay(2))}.`, {
        exact: false,
      })
      .waitFor();
    await expect(cell(2).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(admin.getByText('1 night saved.').count()).resolves.toBe(0);
    await visit(admin, 'console-inventory');
  });

  it('shows the flight schedule: routes, departures and seats', async () => {
    await section('Flight schedule');
    await admin.getByRole('heading', { name: 'Flight schedule', level: 1 }).waitFor();
    const routes = admin.getByRole('table', { name: 'Routes' });
    const first = routes.getByRole('row').nth(1);
    await first.waitFor();
    const show = first.getByRole('button', { name: /^Show departures of / });
    const flight = ((await show.getAttribute('aria-label')) ?? '').replace('Show departures of ', '');
    await show.click();
    const departures = admin.getByRole('region', { name: new RegExp(`^Departures of ${flight} `) });
    await departures.getByRole('table').getByRole('row').nth(1).waitFor();
    // Seven local days of a daily flight (today's may not be scheduled yet west of UTC).
    await expect(departures.getByRole('table').getByRole('row').count()).resolves.toBeGreaterThan(6);
    await departures
      .getByText(/Sold \d+ · Left \d+/)
      .first()
      .waitFor();
    await visit(admin, 'console-flights');
  });
});
