import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signUp,
  type TestApp,
} from '../../test/helpers/test-app.js';
import {
  buildAirports,
  buildProperty,
  buildRoomType,
  buildRoute,
  dateIn,
  PASSENGER,
} from '../../test/helpers/travel-factories.js';
import { manualClock } from '../platform/clock.js';

/**
 * One Idempotency-Key mechanism for every state-changing booking operation: each kind is sent the
 * same key 20 times at once, and exactly one booking (and one confirmation email) comes of it.
 */
describe('Idempotency-Key across operations', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  const clock = manualClock(new Date());
  const base = new Date(Date.now() + 30 * 86_400_000);

  beforeAll(async () => {
    t = await createTestApp({ clock });
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    await buildAirports(t.services);
  });
  afterAll(() => t.close());

  const post = (who: SignedIn, url: string, payload: unknown, key?: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...who.auth, ...(key ? { 'idempotency-key': key } : {}) },
      payload: payload as object,
    });

  const count = async (sql: string, params: unknown[]) =>
    Number((await t.db.database.pool.query(sql, params)).rows[0].n);

  const emails = (type: string, aggregateId: string) =>
    count('SELECT count(*) AS n FROM outbox_events WHERE type = $1 AND aggregate_id = $2', [
      type,
      aggregateId,
    ]);

  async function twentyAtOnce(who: SignedIn, url: string, payload: unknown, key: string) {
    const results = await Promise.all(Array.from({ length: 20 }, () => post(who, url, payload, key)));
    const statuses = new Set(results.map((r) => r.statusCode));
    const ids = new Set(results.map((r) => r.json().id));
    expect([...statuses]).toHaveLength(1);
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    return { statusCode: results[0]!.statusCode, body: results[0]!.json() };
  }

  /** The same user signed in again (the clock moves past access tokens' lifetime). */
  async function relogin(who: SignedIn): Promise<SignedIn> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email: who.email, password: 'correct horse battery' },
    });
    const { accessToken } = res.json();
    return { ...who, accessToken, auth: { authorization: `Bearer ${accessToken}` } };
  }

  async function carBooking() {
    const { id: locationId } = await buildLocation(t.services);
    const car = await buildCar(t.services, locationId, { dailyRate: 5000, currency: 'EUR' });
    return { carId: car.id, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 2) };
  }

  async function stayBooking() {
    const property = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, property.id, { rooms: 30 });
    return { roomTypeId: rt.id, checkIn: dateIn(10), checkOut: dateIn(12), guests: 2 };
  }

  async function flightOffer() {
    await buildRoute(t.services, { seats: 50, origin: 'LHR', destination: 'CDG' });
    const res = await t.app.inject({
      method: 'GET',
      url: `/flights/search?from=LHR&to=CDG&date=${dateIn(7)}`,
    });
    return res.json().offers[0].id as string;
  }

  it('cars: 20 concurrent bookings with one key make one booking and one email', async () => {
    const body = await carBooking();
    const first = await twentyAtOnce(alice, '/bookings', body, randomUUID());
    expect(first.statusCode).toBe(201);
    expect(await count('SELECT count(*) AS n FROM bookings WHERE car_id = $1', [body.carId])).toBe(1);
    expect(await emails('booking.confirmed', first.body.id)).toBe(1);
  });

  it('stays: 20 concurrent bookings with one key take the nights once and send one email', async () => {
    const body = await stayBooking();
    const first = await twentyAtOnce(alice, '/stay-bookings', body, randomUUID());
    expect(first.statusCode).toBe(201);
    expect(
      await count('SELECT count(*) AS n FROM stay_bookings WHERE room_type_id = $1', [body.roomTypeId]),
    ).toBe(1);
    expect(await emails('booking.confirmed', first.body.id)).toBe(1);
  });

  it('flights: 20 concurrent bookings with one key book once; a later repeat replays, not offer_expired', async () => {
    const offerId = await flightOffer();
    const key = randomUUID();
    const body = { offerId, passengers: [PASSENGER] };
    const first = await twentyAtOnce(alice, '/flight-bookings', body, key);
    expect(first.statusCode).toBe(201);
    expect(await count('SELECT count(*) AS n FROM flight_bookings WHERE offer_id = $1', [offerId])).toBe(1);
    expect(await emails('booking.confirmed', first.body.id)).toBe(1);
    // The offer is used up now; the same key still answers with the booking.
    const again = await post(alice, '/flight-bookings', body, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.body);
    // Without the key the used offer is refused as before.
    expect(errorCode(await post(alice, '/flight-bookings', body))).toBe('offer_expired');
  });

  it('trips: 20 concurrent creations with one key make one trip', async () => {
    const name = `Idempotent ${randomUUID()}`;
    const body = {
      name,
      destination: 'Paris',
      startDate: dateIn(20),
      endDate: dateIn(24),
      timeZone: 'Europe/Paris',
    };
    const first = await twentyAtOnce(alice, '/trips', body, randomUUID());
    expect(first.statusCode).toBe(201);
    expect(await count('SELECT count(*) AS n FROM trips WHERE name = $1', [name])).toBe(1);
  });

  it('cancellations: 20 concurrent cancels with one key cancel once and send one email, for each kind', async () => {
    const car = (await post(alice, '/bookings', await carBooking())).json();
    const stay = (await post(alice, '/stay-bookings', await stayBooking())).json();
    const flight = (
      await post(alice, '/flight-bookings', { offerId: await flightOffer(), passengers: [PASSENGER] })
    ).json();
    for (const [url, id] of [
      [`/bookings/${car.id}/cancel`, car.id],
      [`/stay-bookings/${stay.id}/cancel`, stay.id],
      [`/flight-bookings/${flight.id}/cancel`, flight.id],
    ]) {
      const result = await twentyAtOnce(alice, url, {}, randomUUID());
      expect(result.statusCode).toBe(200);
      expect(result.body.status).toBe('cancelled');
      expect(await emails('booking.cancelled', id)).toBe(1);
    }
  });

  it('same key with another body, or on another operation, is 422 idempotency_key_reused', async () => {
    const key = randomUUID();
    const body = await carBooking();
    expect((await post(alice, '/bookings', body, key)).statusCode).toBe(201);
    const other = await post(alice, '/bookings', { ...body, dropoffTime: daysFrom(base, 3) }, key);
    expect(other.statusCode).toBe(422);
    expect(errorCode(other)).toBe('idempotency_key_reused');
    const elsewhere = await post(alice, '/stay-bookings', await stayBooking(), key);
    expect(errorCode(elsewhere)).toBe('idempotency_key_reused');
  });

  it('keys are scoped per user: the same key of another user is a separate request', async () => {
    const key = randomUUID();
    const a = await post(alice, '/stay-bookings', await stayBooking(), key);
    const b = await post(bob, '/stay-bookings', await stayBooking(), key);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json().id).not.toBe(a.json().id);
    expect(b.json().userId).toBe(bob.userId);
  });

  it('a failed request leaves no key behind: the retry runs again', async () => {
    const key = randomUUID();
    const property = await buildProperty(t.services);
    const rt = await buildRoomType(t.services, property.id, { rooms: 1 });
    const body = { roomTypeId: rt.id, checkIn: dateIn(10), checkOut: dateIn(11), guests: 1 };
    expect((await post(bob, '/stay-bookings', body)).statusCode).toBe(201);
    expect(errorCode(await post(alice, '/stay-bookings', body, key))).toBe('sold_out');
    const bobs = await t.app.inject({ method: 'GET', url: '/stay-bookings', headers: bob.auth });
    const bobsStay = bobs.json().bookings.find((s: { roomTypeId: string }) => s.roomTypeId === rt.id);
    await post(bob, `/stay-bookings/${bobsStay.id}/cancel`, {});
    expect((await post(alice, '/stay-bookings', body, key)).statusCode).toBe(201);
  });

  it('keys are kept 24 h: the hourly purge forgets older ones, and an expired key books anew', async () => {
    const key = randomUUID();
    const body = await carBooking();
    const first = (await post(alice, '/bookings', body, key)).json();
    clock.advance(23 * 3_600_000);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key])).toBe(1);
    await t.ctx.idempotency.purge();
    const carol = await relogin(alice);
    expect((await post(carol, '/bookings', body, key)).json().id).toBe(first.id);
    clock.advance(2 * 3_600_000);
    expect(await t.ctx.idempotency.purge()).toBeGreaterThanOrEqual(1);
    expect(await count('SELECT count(*) AS n FROM idempotency_keys WHERE key = $1', [key])).toBe(0);
    // Forgotten: the same request is new again, and meets the first booking (409, not a replay).
    expect(errorCode(await post(await relogin(alice), '/bookings', body, key))).toBe('booking_conflict');
  });

  it('rejects a malformed key with 400', async () => {
    const res = await post(await relogin(alice), '/stay-bookings', await stayBooking(), 'has space');
    expect(res.statusCode).toBe(400);
  });
});
