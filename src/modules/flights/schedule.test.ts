import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildAirports, buildRoute, dateIn } from '../../../test/helpers/travel-factories.js';

/** The operator console's view of the own schedule: routes, departures and their seats. */
describe('flight schedule administration', () => {
  let t: TestApp;
  let admin: SignedIn;
  let customer: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await signInAdmin(t);
    customer = await signUp(t.app);
    await buildAirports(t.services);
  });
  afterAll(() => t.close());

  it('lists routes with their airports’ cities and zones, for admins only', async () => {
    const route = await buildRoute(t.services, { days: 10 });
    const res = await t.app.inject({ method: 'GET', url: '/flights/routes', headers: admin.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().routes).toContainEqual(
      expect.objectContaining({
        id: route.id,
        flightNumber: route.flightNumber,
        origin: 'LHR',
        destination: 'CDG',
        originTimeZone: 'Europe/London',
        departureTime: '09:30',
        scheduledFlights: 10,
      }),
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/flights/routes', headers: customer.auth })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/flights/routes' })).statusCode).toBe(401);
  });

  it('shows a route’s departures with seats sold and left per cabin', async () => {
    const route = await buildRoute(t.services, { seats: 40, days: 20 });
    // Three economy seats sold on the flight three days out.
    await t.db.database.pool.query(
      `UPDATE flight_cabins c SET seats_available = seats_available - 3
       FROM scheduled_flights f
       WHERE f.id = c.flight_id AND f.route_id = $1 AND c.cabin = 'economy'
         AND (f.departure_at AT TIME ZONE 'Europe/London')::date = $2::date`,
      [route.id, dateIn(3)],
    );
    const res = await t.app.inject({
      method: 'GET',
      url: `/flights/routes/${route.id}/departures?from=${dateIn(2)}&days=3`,
      headers: admin.auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    const { departures } = res.json();
    expect(departures).toHaveLength(3);
    expect(departures[1].departureAt.slice(0, 10)).toBe(dateIn(3));
    expect(departures[1].cabins).toEqual([
      { cabin: 'economy', seats: 40, sold: 3, left: 37, fare: 9900 },
      { cabin: 'business', seats: 12, sold: 0, left: 12, fare: 45000 },
    ]);
    expect(departures[0].cabins[0]).toMatchObject({ sold: 0, left: 40 });
  });

  it('names a missing route and bad ranges', async () => {
    const missing = await t.app.inject({
      method: 'GET',
      url: '/flights/routes/00000000-0000-4000-8000-000000000000/departures',
      headers: admin.auth,
    });
    expect(missing.statusCode).toBe(404);
    expect(errorCode(missing)).toBe('route_not_found');
    const route = await buildRoute(t.services, { days: 2 });
    for (const q of ['days=0', 'days=32', 'from=2026-13-01', 'extra=1']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/flights/routes/${route.id}/departures?${q}`,
        headers: admin.auth,
      });
      expect(res.statusCode, q).toBe(400);
    }
  });
});
