// Over 300 lines: the flights API suite shares one app, one schedule and its airports across cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { buildAirports, buildRoute, dateIn, PASSENGER } from '../../../test/helpers/travel-factories.js';
import { manualClock } from '../../platform/clock.js';

const localTime = (iso: string, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );

describe('flights on the own schedule', () => {
  const clock = manualClock();
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    admin = await signInAdmin(t);
    await buildAirports(t.services);
  });
  afterAll(() => t.close());

  const search = (qs: string) => t.app.inject({ method: 'GET', url: `/flights/search?${qs}` });
  const book = (who: SignedIn, offerId: string, passengers = [PASSENGER]) =>
    t.app.inject({
      method: 'POST',
      url: '/flight-bookings',
      headers: who.auth,
      payload: { offerId, passengers },
    });
  const seatsLeft = async (flightNumber: string, date: string, cabin = 'economy') => {
    const { rows } = await t.db.database.pool.query(
      `SELECT c.seats_available FROM flight_cabins c
       JOIN scheduled_flights f ON f.id = c.flight_id
       JOIN flight_routes r ON r.id = f.route_id
       JOIN airports a ON a.iata = r.origin
       WHERE r.flight_number = $1 AND c.cabin = $2 AND (f.departure_at AT TIME ZONE a.time_zone)::date = $3::date`,
      [flightNumber, cabin, date],
    );
    return rows[0].seats_available as number;
  };

  it('lets admins add airports and routes, and schedules daily flights', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/flights/routes',
      headers: admin.auth,
      payload: {
        origin: 'cdg',
        destination: 'JFK',
        flightNumber: 'VY900',
        departureTime: '10:45',
        durationMinutes: 505,
        currency: 'EUR',
        cabins: [{ cabin: 'economy', seats: 200, fare: 42000 }],
        scheduleDays: 14,
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      origin: 'CDG',
      destination: 'JFK',
      scheduledFlights: 14,
      departureTime: '10:45',
    });
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/airports',
      headers: alice.auth,
      payload: {},
    });
    expect(forbidden.statusCode).toBe(403);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/flights/routes',
      headers: admin.auth,
      payload: {
        origin: 'CDG',
        destination: 'LHR',
        flightNumber: 'VY900',
        departureTime: '10:45',
        durationMinutes: 80,
        currency: 'EUR',
        cabins: [{ cabin: 'economy', seats: 1, fare: 1 }],
      },
    });
    expect(dup.statusCode).toBe(409);
    expect(errorCode(dup)).toBe('flight_number_taken');
    const airports = await t.app.inject({ method: 'GET', url: '/airports' });
    expect(airports.json().airports.map((a: { iata: string }) => a.iata)).toEqual(['CDG', 'JFK', 'LHR']);
  });

  it('searches by the local departure date at the origin, priced per passenger and cabin', async () => {
    await buildRoute(t.services, { origin: 'JFK', destination: 'LHR', departureTime: '23:30', fare: 30000 });
    await buildRoute(t.services, { origin: 'JFK', destination: 'LHR', departureTime: '00:15', fare: 35000 });
    const res = await search(`from=jfk&to=LHR&date=${dateIn(10)}&passengers=2`);
    expect(res.statusCode).toBe(200);
    const { offers, warnings } = res.json();
    expect(warnings).toEqual([]);
    expect(offers).toHaveLength(2);
    for (const o of offers) {
      expect(o.supplier).toBe('own-schedule');
      expect(localTime(o.segments[0].departureAt, 'America/New_York').slice(0, 10)).toBe(dateIn(10));
    }
    expect(offers.map((o: { totalAmount: number }) => o.totalAmount)).toEqual([60000, 70000]);
    expect(localTime(offers[0].segments[0].departureAt, 'America/New_York')).toBe(`${dateIn(10)} 23:30`);
    expect(offers[0].segments[0]).toMatchObject({
      origin: 'JFK',
      destination: 'LHR',
      departureTimeZone: 'America/New_York',
      arrivalTimeZone: 'Europe/London',
      durationMinutes: 80,
    });
    const business = await search(`from=JFK&to=LHR&date=${dateIn(10)}&cabin=business`);
    expect(
      business.json().offers.map((o: { totalAmount: number; cabin: string }) => [o.cabin, o.totalAmount]),
    ).toEqual([
      ['business', 45000],
      ['business', 45000],
    ]);
    const offer = await t.app.inject({ method: 'GET', url: `/flights/offers/${offers[0].id}` });
    expect(offer.json()).toEqual(offers[0]);
  });

  it.each([
    ['from=LHR&to=LHR&date=2030-01-01', 'same_airports'],
    ['from=LHR&to=CDG&date=2020-01-01', 'date_in_past'],
    ['from=LHRX&to=CDG&date=2030-01-01', 'validation_failed'],
    ['from=LHR&to=CDG&date=2030-01-01&passengers=10', 'validation_failed'],
    ['from=LHR&to=CDG&date=2030-01-01&cabin=steerage', 'validation_failed'],
  ])('refuses %s with 400 %s', async (qs, code) => {
    const res = await search(qs);
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe(code);
  });

  it('books an offer, takes the seats, emits the event; cancelling gives the seats back', async () => {
    const route = await buildRoute(t.services, { seats: 10 });
    const offer = (await search(`from=LHR&to=CDG&date=${dateIn(10)}&passengers=2`))
      .json()
      .offers.find(
        (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
      );
    const res = await book(alice, offer.id, [PASSENGER, { ...PASSENGER, givenName: 'George' }]);
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({
      userId: alice.userId,
      supplier: 'own-schedule',
      status: 'confirmed',
      origin: 'LHR',
      destination: 'CDG',
      totalAmount: 19800,
      currency: 'EUR',
      passengers: [{ givenName: 'Amelia' }, { givenName: 'George' }],
    });
    expect(b.bookingReference).toMatch(/^[A-Z2-9]{6}$/);
    expect(await seatsLeft(route.flightNumber, dateIn(10))).toBe(8);
    expect(
      (await t.app.inject({ method: 'GET', url: `/flight-bookings/${b.id}`, headers: bob.auth })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ method: 'GET', url: `/flight-bookings/${b.id}`, headers: admin.auth }))
        .statusCode,
    ).toBe(200);
    const again = await book(alice, offer.id, [PASSENGER, PASSENGER]);
    expect(again.statusCode).toBe(409);
    expect(errorCode(again)).toBe('offer_expired');
    const cancel = await t.app.inject({
      method: 'POST',
      url: `/flight-bookings/${b.id}/cancel`,
      headers: alice.auth,
    });
    expect(cancel.json().status).toBe('cancelled');
    const twice = await t.app.inject({
      method: 'POST',
      url: `/flight-bookings/${b.id}/cancel`,
      headers: alice.auth,
    });
    expect(twice.json().cancelledAt).toBe(cancel.json().cancelledAt);
    expect(await seatsLeft(route.flightNumber, dateIn(10))).toBe(10);
    const { rows } = await t.db.database.pool.query(
      `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY occurred_at`,
      [b.id],
    );
    expect(rows.map((r) => r.type)).toEqual(['booking.confirmed', 'booking.cancelled']);
    expect(rows[0].payload).toMatchObject({
      kind: 'flight',
      reference: b.bookingReference,
      timeZone: 'Europe/London',
    });
    const mine = await t.app.inject({ method: 'GET', url: '/flight-bookings', headers: alice.auth });
    expect(mine.json().bookings.map((x: { id: string }) => x.id)).toContain(b.id);
  });

  it('refuses to cancel a flight that has departed', async () => {
    const route = await buildRoute(t.services);
    const offer = (await search(`from=LHR&to=CDG&date=${dateIn(12)}`))
      .json()
      .offers.find(
        (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
      );
    const id = (await book(alice, offer.id)).json().id;
    await t.db.database.pool.query(
      `UPDATE flight_bookings SET departure_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    const res = await t.app.inject({
      method: 'POST',
      url: `/flight-bookings/${id}/cancel`,
      headers: alice.auth,
    });
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('flight_departed');
  });

  it('never lets seats go negative: of 40 concurrent 2-seat bookings on 5 seats, exactly 2 succeed', async () => {
    const route = await buildRoute(t.services, { origin: 'CDG', destination: 'LHR', seats: 5 });
    const offers: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await search(`from=CDG&to=LHR&date=${dateIn(10)}&passengers=2`);
      offers.push(
        res
          .json()
          .offers.find(
            (o: { segments: { flightNumber: string }[] }) =>
              o.segments[0]!.flightNumber === route.flightNumber,
          ).id,
      );
    }
    const users = await Promise.all(Array.from({ length: 4 }, () => signUp(t.app)));
    const results = await Promise.all(offers.map((id, i) => book(users[i % 4]!, id, [PASSENGER, PASSENGER])));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(2);
    expect(codes.filter((c) => c === 409)).toHaveLength(38);
    expect(results.filter((r) => r.statusCode === 409).every((r) => errorCode(r) === 'sold_out')).toBe(true);
    expect(await seatsLeft(route.flightNumber, dateIn(10))).toBe(1);
    await expect(
      t.db.database.pool.query(
        `UPDATE flight_cabins SET seats_available = seats_available - 2 WHERE seats_available = 1 AND flight_id IN (
           SELECT f.id FROM scheduled_flights f JOIN flight_routes r ON r.id = f.route_id WHERE r.flight_number = $1)`,
        [route.flightNumber],
      ),
    ).rejects.toMatchObject({ constraint: 'flight_cabins_seats_nonnegative' });
  });

  it('books one offer once, even when submitted concurrently', async () => {
    const route = await buildRoute(t.services);
    const offer = (await search(`from=LHR&to=CDG&date=${dateIn(13)}`))
      .json()
      .offers.find(
        (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
      );
    const results = await Promise.all(Array.from({ length: 8 }, () => book(alice, offer.id)));
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.statusCode !== 201)) {
      expect(r.statusCode).toBe(409);
      expect(['offer_already_booked', 'offer_expired']).toContain(errorCode(r));
    }
  });

  it('reports the own schedule in readiness and the suppliers list', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks['supplier:own-schedule']).toBe(true);
    const suppliers = await t.app.inject({ method: 'GET', url: '/flights/suppliers', headers: admin.auth });
    expect(suppliers.json().suppliers).toEqual([
      { name: 'own-schedule', requiredForReadiness: false, circuit: 'closed' },
    ]);
  });
  it('answers 409 offer_expired once the offer is past its expiry (last: it moves the clock), and 400 for the wrong party size', async () => {
    const route = await buildRoute(t.services);
    const offer = (await search(`from=LHR&to=CDG&date=${dateIn(11)}`))
      .json()
      .offers.find(
        (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
      );
    const mismatch = await book(alice, offer.id, [PASSENGER, PASSENGER]);
    expect(mismatch.statusCode).toBe(400);
    expect(errorCode(mismatch)).toBe('passenger_count_mismatch');
    // Offers hold for FLIGHT_OFFER_TTL (15 minutes by default). This moves time past every token
    // signed so far too, hence a fresh account afterwards.
    clock.advance(15 * 60_000 + 1000);
    const carol = await signUp(t.app);
    const expired = await book(carol, offer.id);
    expect(expired.statusCode).toBe(409);
    expect(errorCode(expired)).toBe('offer_expired');
    expect((await t.app.inject({ method: 'GET', url: `/flights/offers/${offer.id}` })).statusCode).toBe(404);
    expect((await book(carol, 'own_never_made')).statusCode).toBe(409);
  });
});
