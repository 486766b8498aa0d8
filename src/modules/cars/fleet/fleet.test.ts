import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation } from '../../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../../test/helpers/test-app.js';
import { renderMessage } from '../../notifications/templates.js';

describe('fleet', () => {
  let t: TestApp;
  let admin: SignedIn;
  let customer: SignedIn;
  let locationId: string;
  const carBody = () => ({
    locationId,
    make: 'Renault',
    model: 'Clio',
    class: 'economy',
    seats: 5,
    transmission: 'manual',
    dailyRate: 3900,
    currency: 'EUR',
  });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    customer = await signUp(t.app);
    locationId = (
      await buildLocation(t.services, {
        city: 'Paris',
        country: 'FR',
        lat: 48.8566,
        lng: 2.3522,
        timeZone: 'Europe/Paris',
      })
    ).id;
  });
  afterAll(() => t.close());

  it('lets an admin add a location, and anyone list and read it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/locations',
      headers: admin.auth,
      payload: {
        name: 'Lyon Part-Dieu',
        city: 'Lyon',
        country: 'FR',
        lat: 45.7606,
        lng: 4.8596,
        timeZone: 'Europe/Paris',
      },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    const list = await t.app.inject({ method: 'GET', url: '/locations' });
    expect(list.json().locations.map((l: { id: string }) => l.id)).toContain(id);
    const one = await t.app.inject({ method: 'GET', url: `/locations/${id}` });
    expect(one.json()).toMatchObject({ city: 'Lyon', timeZone: 'Europe/Paris' });
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ lat: 91 }, 'lat'],
    [{ lng: -181 }, 'lng'],
    [{ country: 'France' }, 'country'],
  ])('rejects a location with %j', async (patch, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/locations',
      headers: admin.auth,
      payload: { name: 'X', city: 'X', country: 'FR', lat: 1, lng: 1, timeZone: 'Europe/Paris', ...patch },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain(field);
  });

  it('creates a car at its location by default, reads, changes and retires it', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/cars',
      headers: admin.auth,
      payload: carBody(),
    });
    expect(created.statusCode).toBe(201);
    const car = created.json();
    expect(car).toMatchObject({
      make: 'Renault',
      status: 'active',
      lat: 48.8566,
      lng: 2.3522,
      dailyRate: 3900,
      currency: 'EUR',
    });

    const read = await t.app.inject({ method: 'GET', url: `/cars/${car.id}` });
    expect(read.statusCode).toBe(200);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/cars/${car.id}`,
      headers: admin.auth,
      payload: { dailyRate: 4200, lat: 48.86, lng: 2.35, status: 'maintenance' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ dailyRate: 4200, lat: 48.86, status: 'maintenance' });

    const retired = await t.app.inject({ method: 'DELETE', url: `/cars/${car.id}`, headers: admin.auth });
    expect(retired.statusCode).toBe(200);
    expect(retired.json().status).toBe('retired');
    const again = await t.app.inject({ method: 'DELETE', url: `/cars/${car.id}`, headers: admin.auth });
    expect(again.json().status).toBe('retired');
  });

  it('refuses to retire a car a booking still needs, listing the bookings; retires it once they are cancelled', async () => {
    const car = await buildCar(t.services, locationId, { make: 'Fiat', model: '500', currency: 'EUR' });
    const book = async (who: SignedIn, fromDay: number, toDay: number) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/bookings',
        headers: who.auth,
        payload: {
          carId: car.id,
          pickupTime: new Date(Date.now() + fromDay * 86_400_000).toISOString(),
          dropoffTime: new Date(Date.now() + toDay * 86_400_000).toISOString(),
        },
      });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string; pickupTime: string; dropoffTime: string };
    };
    const other = await signUp(t.app);
    const first = await book(customer, 3, 5);
    const second = await book(other, 10, 12);
    const retire = () => t.app.inject({ method: 'DELETE', url: `/cars/${car.id}`, headers: admin.auth });

    const refused = await retire();
    expect(refused.statusCode).toBe(409);
    expect(errorCode(refused)).toBe('car_has_future_bookings');
    expect(refused.json().error.details.bookings).toEqual([
      {
        id: first.id,
        reference: expect.stringMatching(/^CAR-[A-Z0-9-]+$/),
        userId: customer.userId,
        pickupTime: first.pickupTime,
        dropoffTime: first.dropoffTime,
        underWay: false,
        totalAmount: expect.any(Number),
        currency: 'EUR',
      },
      expect.objectContaining({ id: second.id, userId: other.userId }),
    ]);
    expect((await t.app.inject({ method: 'GET', url: `/cars/${car.id}` })).json().status).toBe('active');

    // The admin cancels them (each traveller gets the cancellation email), then the car retires.
    await t.app.inject({ method: 'POST', url: `/bookings/${first.id}/cancel`, headers: admin.auth });
    const stillOne = await retire();
    expect(stillOne.json().error.details.bookings.map((b: { id: string }) => b.id)).toEqual([second.id]);
    await t.app.inject({ method: 'POST', url: `/bookings/${second.id}/cancel`, headers: admin.auth });
    const retired = await retire();
    expect(retired.statusCode).toBe(200);
    expect(retired.json().status).toBe('retired');
    const { rows } = await t.db.database.pool.query(
      `SELECT aggregate_id, recipient_user_id, payload FROM outbox_events
       WHERE type = 'booking.cancelled' AND aggregate_id = ANY($1) ORDER BY occurred_at`,
      [[first.id, second.id]],
    );
    expect(
      rows.map((r: { aggregate_id: string; recipient_user_id: string }) => [
        r.aggregate_id,
        r.recipient_user_id,
      ]),
    ).toEqual([
      [first.id, customer.userId],
      [second.id, other.userId],
    ]);
    const mail = renderMessage(
      {
        type: 'booking.cancelled',
        aggregateId: first.id,
        recipient: { userId: customer.userId },
        payload: rows[0].payload,
      },
      'Ada',
      'https://voyage.example',
    );
    const depot = (await t.app.inject({ method: 'GET', url: `/locations/${locationId}` })).json();
    expect(mail.subject).toBe(`Cancelled: Fiat 500 at ${depot.name}`);
    expect(mail.text).toContain(refused.json().error.details.bookings[0].reference);
  });

  it('keeps writes to admins', async () => {
    const anon = await t.app.inject({ method: 'POST', url: '/cars', payload: carBody() });
    expect(anon.statusCode).toBe(401);
    const cust = await t.app.inject({
      method: 'POST',
      url: '/cars',
      headers: customer.auth,
      payload: carBody(),
    });
    expect(cust.statusCode).toBe(403);
    expect(errorCode(cust)).toBe('forbidden');
    const car = await buildCar(t.services, locationId);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: `/cars/${car.id}`,
      headers: customer.auth,
      payload: { seats: 2 },
    });
    expect(patch.statusCode).toBe(403);
    const del = await t.app.inject({ method: 'DELETE', url: `/cars/${car.id}`, headers: customer.auth });
    expect(del.statusCode).toBe(403);
  });

  it.each([
    [{ dailyRate: 39.5 }, 'dailyRate'],
    [{ dailyRate: 0 }, 'dailyRate'],
    [{ currency: 'eur' }, 'currency'],
    [{ currency: 'XYZ' }, 'currency'],
    [{ class: 'spaceship' }, 'class'],
    [{ transmission: 'cvt' }, 'transmission'],
    [{ seats: 0 }, 'seats'],
    [{ lat: 10 }, 'lat'],
    [{ locationId: 'not-a-uuid' }, 'locationId'],
  ])('rejects a car with %j', async (patch, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/cars',
      headers: admin.auth,
      payload: { ...carBody(), ...patch },
    });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error.details)).toContain(field);
  });

  it('names an unknown location and a missing car clearly', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/cars',
      headers: admin.auth,
      payload: { ...carBody(), locationId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.statusCode).toBe(400);
    expect(errorCode(unknown)).toBe('unknown_location');
    const missing = await t.app.inject({ method: 'GET', url: '/cars/00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('car_not_found');
    const badId = await t.app.inject({ method: 'GET', url: '/cars/123' });
    expect(badId.statusCode).toBe(400);
    const noLocation = await t.app.inject({
      method: 'GET',
      url: '/locations/00000000-0000-4000-8000-000000000000',
    });
    expect(noLocation.statusCode).toBe(404);
    expect(errorCode(noLocation)).toBe('location_not_found');
    const patchMissing = await t.app.inject({
      method: 'PATCH',
      url: '/cars/00000000-0000-4000-8000-000000000000',
      headers: admin.auth,
      payload: { seats: 4 },
    });
    expect(patchMissing.statusCode).toBe(404);
    expect(errorCode(patchMissing)).toBe('car_not_found');
    const emptyPatch = await t.app.inject({
      method: 'PATCH',
      url: '/cars/00000000-0000-4000-8000-000000000000',
      headers: admin.auth,
      payload: {},
    });
    expect(emptyPatch.statusCode).toBe(400);
  });
});
