import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signUpVerified,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import {
  buildAirports,
  buildPoi,
  buildProperty,
  buildRoomType,
  buildRoute,
  dateIn,
  PASSENGER,
} from '../../../test/helpers/travel-factories.js';

describe('trips keep their promises', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let parisCar: string;
  let sfCar: string;
  let roomType: string;
  let louvre: string;
  let flightOffer: () => Promise<string>;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUpVerified(t, { name: 'Alice' });
    bob = await signUpVerified(t, { name: 'Bob' });
    louvre = (await buildPoi(t.services, { city: 'Paris', name: 'Louvre', lat: 48.8606, lng: 2.3376 })).id;
    const paris = await buildLocation(t.services, {
      name: 'Paris Montparnasse',
      city: 'Paris',
      country: 'FR',
      timeZone: 'Europe/Paris',
      lat: 48.84,
      lng: 2.32,
    });
    parisCar = paris.id;
    sfCar = (await buildLocation(t.services)).id; // San Francisco
    roomType = (await buildRoomType(t.services, (await buildProperty(t.services)).id)).id;
    await buildAirports(t.services);
    const route = await buildRoute(t.services, { origin: 'LHR', destination: 'CDG', days: 60 });
    flightOffer = async () =>
      (await t.app.inject({ method: 'GET', url: `/flights/search?from=LHR&to=CDG&date=${dateIn(30)}` }))
        .json()
        .offers.find(
          (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
        ).id;
  });
  afterAll(() => t.close());

  const call = (who: SignedIn, method: string, url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: method as 'GET', url, headers: who.auth, payload });
  const newTrip = async (who: SignedIn = alice) => {
    const res = await call(who, 'POST', '/trips', {
      name: 'Paris',
      destination: 'paris',
      startDate: dateIn(30),
      endDate: dateIn(33),
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; status: string };
  };
  const bookCar = async (who: SignedIn, locationId: string, day: number) => {
    const car = await buildCar(t.services, locationId);
    const res = await call(who, 'POST', '/bookings', {
      carId: car.id,
      pickupTime: `${dateIn(day)}T08:00:00Z`,
      dropoffTime: `${dateIn(day + 1)}T08:00:00Z`,
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  const bookStay = async (who: SignedIn, checkIn: number, checkOut: number) => {
    const res = await call(who, 'POST', '/stay-bookings', {
      roomTypeId: roomType,
      checkIn: dateIn(checkIn),
      checkOut: dateIn(checkOut),
      guests: 1,
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string };
  };
  const status = async (id: string) => (await call(alice, 'GET', `/trips/${id}`)).json().status;

  it('refuses items off the trip’s days (422 item_outside_trip) or far away (422 item_far_from_destination)', async () => {
    const trip = await newTrip();
    const add = (body: Record<string, unknown>) => call(alice, 'POST', `/trips/${trip.id}/items`, body);

    const sf = await add({ kind: 'car_booking', bookingId: (await bookCar(alice, sfCar, 31)).id });
    expect(sf.statusCode).toBe(422);
    expect(errorCode(sf)).toBe('item_far_from_destination');
    expect(sf.json().error.details).toMatchObject({ destination: 'Paris', limitKm: 200 });
    expect(sf.json().error.details.distanceKm).toBeGreaterThan(8000);

    const late = await add({ kind: 'activity', poiId: louvre, startsAt: `${dateIn(40)}T09:00:00Z` });
    expect(late.statusCode).toBe(422);
    expect(errorCode(late)).toBe('item_outside_trip');
    expect(late.json().error.details).toMatchObject({ startDate: dateIn(30), endDate: dateIn(33) });
    const dayBefore = await add({ kind: 'activity', poiId: louvre, startsAt: `${dateIn(29)}T09:00:00Z` });
    expect(errorCode(dayBefore)).toBe('item_outside_trip');
    const longStay = await add({ kind: 'stay_booking', bookingId: (await bookStay(alice, 28, 31)).id });
    expect(errorCode(longStay)).toBe('item_outside_trip');
    // Nothing refused was kept, and the trip is still only being planned.
    expect((await call(alice, 'GET', `/trips/${trip.id}/items`)).json().items).toEqual([]);
    expect(await status(trip.id)).toBe('planning');

    // A note may be about before the trip.
    const note = await add({
      kind: 'note',
      title: 'Visa',
      body: 'Apply',
      startsAt: `${dateIn(5)}T09:00:00Z`,
    });
    expect(note.statusCode).toBe(201);
    // A check-out the morning after the last day, and a flight from London landing in Paris, fit.
    const stay = await add({ kind: 'stay_booking', bookingId: (await bookStay(alice, 30, 34)).id });
    expect(stay.statusCode).toBe(201);
    const flight = (
      await call(alice, 'POST', '/flight-bookings', { offerId: await flightOffer(), passengers: [PASSENGER] })
    ).json();
    expect((await add({ kind: 'flight_booking', bookingId: flight.id })).statusCode).toBe(201);
    const car = await add({ kind: 'car_booking', bookingId: (await bookCar(alice, parisCar, 31)).id });
    expect(car.statusCode).toBe(201);
    expect(await status(trip.id)).toBe('booked');
  });

  it('refuses new dates that would leave items outside the trip (409 items_outside_trip, listing them)', async () => {
    const trip = await newTrip();
    const stay = await bookStay(alice, 31, 33);
    await call(alice, 'POST', `/trips/${trip.id}/items`, { kind: 'stay_booking', bookingId: stay.id });
    await call(alice, 'POST', `/trips/${trip.id}/items`, { kind: 'note', title: 'Pack', body: 'Umbrella' });

    const shrunk = await call(alice, 'PATCH', `/trips/${trip.id}`, { endDate: dateIn(31) });
    expect(shrunk.statusCode).toBe(409);
    expect(errorCode(shrunk)).toBe('items_outside_trip');
    expect(shrunk.json().error.details.items).toEqual([
      expect.objectContaining({ kind: 'stay_booking', reference: expect.stringMatching(/^STAY-/) }),
    ]);
    const moved = await call(alice, 'PATCH', `/trips/${trip.id}`, {
      startDate: dateIn(33),
      endDate: dateIn(36),
    });
    expect(errorCode(moved)).toBe('items_outside_trip');
    expect((await call(alice, 'GET', `/trips/${trip.id}`)).json()).toMatchObject({
      startDate: dateIn(30),
      endDate: dateIn(33),
    });
    // Dates that still hold the stay (the check-out morning after the new last day) are fine.
    const ok = await call(alice, 'PATCH', `/trips/${trip.id}`, {
      startDate: dateIn(31),
      endDate: dateIn(32),
    });
    expect(ok.json()).toMatchObject({ startDate: dateIn(31), endDate: dateIn(32) });
  });

  it('is booked only with a confirmed booking and completed only after its end date', async () => {
    const trip = await newTrip();
    const booked = await call(alice, 'POST', `/trips/${trip.id}/status`, { status: 'booked' });
    expect(booked.statusCode).toBe(409);
    expect(errorCode(booked)).toBe('trip_has_no_bookings');
    const completed = await call(alice, 'POST', `/trips/${trip.id}/status`, { status: 'completed' });
    expect(completed.statusCode).toBe(409);
    expect(errorCode(completed)).toBe('trip_not_ended');
    expect(completed.json().error.details).toEqual({ endDate: dateIn(33) });

    const item = (
      await call(alice, 'POST', `/trips/${trip.id}/items`, {
        kind: 'stay_booking',
        bookingId: (await bookStay(alice, 30, 32)).id,
      })
    ).json();
    expect(await status(trip.id)).toBe('booked');
    // Removing its only booking takes it back to planning.
    await call(alice, 'DELETE', `/trips/${trip.id}/items/${item.id}`);
    expect(await status(trip.id)).toBe('planning');
    // A booking cancelled on its own, not through the trip: the trip reads as planning again.
    const stay = await bookStay(alice, 30, 32);
    await call(alice, 'POST', `/trips/${trip.id}/items`, { kind: 'stay_booking', bookingId: stay.id });
    expect(await status(trip.id)).toBe('booked');
    expect((await call(alice, 'POST', `/stay-bookings/${stay.id}/cancel`)).statusCode).toBe(200);
    expect(await status(trip.id)).toBe('planning');

    const past = await call(alice, 'POST', '/trips', {
      name: 'Done',
      destination: 'Paris',
      startDate: dateIn(-6),
      endDate: dateIn(-2),
    });
    const done = await call(alice, 'POST', `/trips/${past.json().id}/status`, { status: 'completed' });
    expect(done.json().status).toBe('completed');
  });

  it('cancelling lists the bookings and what became of each; cancelBookings cancels them', async () => {
    const trip = await newTrip();
    await call(alice, 'POST', `/trips/${trip.id}/collaborators`, { email: bob.email, role: 'editor' });
    const car = await bookCar(alice, parisCar, 31);
    const stay = await bookStay(alice, 30, 33);
    const bobsStay = await bookStay(bob, 31, 32);
    for (const [who, kind, bookingId] of [
      [alice, 'car_booking', car.id],
      [alice, 'stay_booking', stay.id],
      [bob, 'stay_booking', bobsStay.id],
    ] as const)
      expect((await call(who, 'POST', `/trips/${trip.id}/items`, { kind, bookingId })).statusCode).toBe(201);

    const misuse = await call(alice, 'POST', `/trips/${trip.id}/status`, {
      status: 'planning',
      cancelBookings: true,
    });
    expect(errorCode(misuse)).toBe('validation_failed');

    const kept = await call(alice, 'POST', `/trips/${trip.id}/status`, { status: 'cancelled' });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().status).toBe('cancelled');
    const byId = (list: { bookingId: string; outcome: string }[]) =>
      new Map(list.map((b) => [b.bookingId, b]));
    expect(kept.json().bookings).toHaveLength(3);
    expect(kept.json().bookings.every((b: { outcome: string }) => b.outcome === 'kept')).toBe(true);
    expect((await call(alice, 'GET', `/bookings/${car.id}`)).json().status).toBe('confirmed');

    // Cancelling again with cancelBookings cancels what it may: Alice's, not Bob's.
    const all = await call(alice, 'POST', `/trips/${trip.id}/status`, {
      status: 'cancelled',
      cancelBookings: true,
    });
    const outcomes = byId(all.json().bookings);
    expect(outcomes.get(car.id)).toMatchObject({
      kind: 'car_booking',
      outcome: 'cancelled',
      code: null,
      reference: expect.stringMatching(/^CAR-/),
    });
    expect(outcomes.get(stay.id)).toMatchObject({ kind: 'stay_booking', outcome: 'cancelled' });
    expect(outcomes.get(bobsStay.id)).toMatchObject({
      outcome: 'not_cancelled',
      code: 'stay_booking_not_found',
    });
    expect((await call(alice, 'GET', `/bookings/${car.id}`)).json().status).toBe('cancelled');
    expect((await call(alice, 'GET', `/stay-bookings/${stay.id}`)).json().status).toBe('cancelled');
    expect((await call(bob, 'GET', `/stay-bookings/${bobsStay.id}`)).json().status).toBe('confirmed');
    // Each cancellation went through its service: the traveller is emailed as for any cancellation.
    const { rows } = await t.db.database.pool.query(
      `SELECT aggregate_id FROM outbox_events WHERE type = 'booking.cancelled' AND aggregate_id = ANY($1)`,
      [[car.id, stay.id, bobsStay.id]],
    );
    expect(rows.map((r: { aggregate_id: string }) => r.aggregate_id).sort()).toEqual(
      [car.id, stay.id].sort(),
    );

    const again = await call(alice, 'POST', `/trips/${trip.id}/status`, {
      status: 'cancelled',
      cancelBookings: true,
    });
    expect(byId(again.json().bookings).get(car.id)?.outcome).toBe('already_cancelled');
  });
});
