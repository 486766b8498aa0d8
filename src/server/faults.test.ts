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

/**
 * A valid access token whose user no longer exists (removed, or a restore from before the signup):
 * every write that points at the user answers 401 `account_not_found`, and nothing is written.
 */
describe('a token of a user who no longer exists', () => {
  let t: TestApp;
  let gone: SignedIn;
  let carId: string;
  let roomTypeId: string;
  let offerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    gone = await signUp(t.app);
    const location = await buildLocation(t.services);
    carId = (await buildCar(t.services, location.id)).id;
    const property = await buildProperty(t.services);
    roomTypeId = (await buildRoomType(t.services, property.id)).id;
    await buildAirports(t.services);
    const route = await buildRoute(t.services);
    const offers = (
      await t.app.inject({ method: 'GET', url: `/flights/search?from=LHR&to=CDG&date=${dateIn(10)}` })
    ).json().offers as { id: string; segments: { flightNumber: string }[] }[];
    offerId = offers.find((o) => o.segments[0]!.flightNumber === route.flightNumber)!.id;
    // The session is checked (and cached) first, so the request reaches the write itself: the
    // case of a user removed while their session state is still cached, or restored away.
    expect((await t.app.inject({ method: 'GET', url: '/auth/me', headers: gone.auth })).statusCode).toBe(200);
    await t.db.database.pool.query('DELETE FROM users WHERE id = $1', [gone.userId]);
  });
  afterAll(() => t.close());

  const base = new Date(Date.now() + 30 * 86_400_000);
  const writes: [string, string, () => Record<string, unknown>][] = [
    [
      'car booking',
      '/bookings',
      () => ({ carId, pickupTime: daysFrom(base, 0), dropoffTime: daysFrom(base, 2) }),
    ],
    [
      'stay booking',
      '/stay-bookings',
      () => ({ roomTypeId, checkIn: dateIn(10), checkOut: dateIn(12), guests: 1 }),
    ],
    ['flight booking', '/flight-bookings', () => ({ offerId, passengers: [PASSENGER] })],
    [
      'trip',
      '/trips',
      () => ({
        name: 'Gone',
        destination: 'Paris',
        timeZone: 'Europe/Paris',
        startDate: dateIn(10),
        endDate: dateIn(12),
      }),
    ],
  ];

  it.each(writes)('POST of a %s answers 401 account_not_found', async (_name, url, body) => {
    const res = await t.app.inject({ method: 'POST', url, headers: gone.auth, payload: body() });
    expect(res.statusCode, res.body).toBe(401);
    expect(errorCode(res)).toBe('account_not_found');
  });

  it('wrote nothing for that user', async () => {
    for (const table of ['bookings', 'stay_bookings', 'flight_bookings']) {
      const { rows } = await t.db.database.pool.query(
        `SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`,
        [gone.userId],
      );
      expect(rows[0].n).toBe(0);
    }
    const { rows } = await t.db.database.pool.query(
      'SELECT count(*)::int AS n FROM trips WHERE owner_id = $1',
      [gone.userId],
    );
    expect(rows[0].n).toBe(0);
  });
});
