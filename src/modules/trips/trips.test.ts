// Over 300 lines: the trips API suite shares one app, its catalogue and bookings across cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCar, buildLocation, daysFrom } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
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
import { defineJobs } from '../../server/jobs.js';

describe('trips', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUpVerified(t, { name: 'Alice' });
    bob = await signUpVerified(t, { name: 'Bob' });
    admin = await signInAdmin(t);
    await buildPoi(t.services, { city: 'Paris', name: 'Louvre', lat: 48.8606, lng: 2.3376 });
    await buildPoi(t.services, { city: 'Paris', name: 'Musée d’Orsay', lat: 48.86, lng: 2.3266 });
  });
  afterAll(() => t.close());

  const call = (who: SignedIn, method: string, url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method: method as 'GET', url, headers: who.auth, payload });
  const newTrip = async (who: SignedIn = alice, extra: Record<string, unknown> = {}) => {
    const res = await call(who, 'POST', '/trips', {
      name: 'Paris in spring',
      destination: 'paris',
      startDate: dateIn(30),
      endDate: dateIn(33),
      travellers: 2,
      ...extra,
    });
    expect(res.statusCode).toBe(201);
    return res.json();
  };

  describe('CRUD', () => {
    it('creates a trip, taking time zone and centre from the catalogue', async () => {
      const trip = await newTrip();
      expect(trip).toMatchObject({
        ownerId: alice.userId,
        destination: 'Paris',
        timeZone: 'Europe/Paris',
        status: 'planning',
        days: 4,
        travellers: 2,
        role: 'owner',
      });
      expect(trip.destinationLat).toBeCloseTo(48.86, 1);
    });

    it('needs a time zone for a city outside the catalogue, and sane dates', async () => {
      const noTz = await call(alice, 'POST', '/trips', {
        name: 'x',
        destination: 'Reykjavik',
        startDate: dateIn(5),
        endDate: dateIn(6),
      });
      expect(noTz.statusCode).toBe(400);
      expect(errorCode(noTz)).toBe('time_zone_required');
      const withTz = await newTrip(alice, { destination: 'Reykjavik', timeZone: 'Atlantic/Reykjavik' });
      expect(withTz).toMatchObject({
        destination: 'Reykjavik',
        timeZone: 'Atlantic/Reykjavik',
        destinationLat: null,
      });
      const backwards = await call(alice, 'POST', '/trips', {
        name: 'x',
        destination: 'Paris',
        startDate: dateIn(6),
        endDate: dateIn(5),
      });
      expect(errorCode(backwards)).toBe('invalid_dates');
      const long = await call(alice, 'POST', '/trips', {
        name: 'x',
        destination: 'Paris',
        startDate: dateIn(1),
        endDate: dateIn(90),
      });
      expect(errorCode(long)).toBe('trip_too_long');
      const badTz = await call(alice, 'POST', '/trips', {
        name: 'x',
        destination: 'Atlantis',
        timeZone: 'Mars/Olympus',
        startDate: dateIn(1),
        endDate: dateIn(2),
      });
      expect(errorCode(badTz)).toBe('validation_failed');
    });

    it('updates and deletes; lists own and shared trips', async () => {
      const trip = await newTrip();
      const patched = await call(alice, 'PATCH', `/trips/${trip.id}`, {
        name: 'Paris, finally',
        endDate: dateIn(35),
      });
      expect(patched.json()).toMatchObject({ name: 'Paris, finally', endDate: dateIn(35), days: 6 });
      const invalid = await call(alice, 'PATCH', `/trips/${trip.id}`, { startDate: dateIn(40) });
      expect(errorCode(invalid)).toBe('invalid_dates');

      const bobs = await newTrip(bob);
      await call(bob, 'POST', `/trips/${bobs.id}/collaborators`, { email: alice.email, role: 'viewer' });
      const list = (await call(alice, 'GET', '/trips')).json().trips as { id: string; role: string }[];
      expect(list.find((x) => x.id === trip.id)?.role).toBe('owner');
      expect(list.find((x) => x.id === bobs.id)?.role).toBe('viewer');
      expect((await call(bob, 'GET', '/trips')).json().trips.map((x: { id: string }) => x.id)).not.toContain(
        trip.id,
      );

      expect((await call(alice, 'DELETE', `/trips/${trip.id}`)).statusCode).toBe(204);
      expect((await call(alice, 'GET', `/trips/${trip.id}`)).statusCode).toBe(404);
    });
  });

  describe('status lifecycle', () => {
    it('follows the transition table and refuses other moves with 409, in the database too', async () => {
      const trip = await newTrip();
      const to = (status: string) => call(alice, 'POST', `/trips/${trip.id}/status`, { status });
      expect((await to('cancelled')).json().status).toBe('cancelled');
      const bad = await to('booked');
      expect(bad.statusCode).toBe(409);
      expect(errorCode(bad)).toBe('invalid_status_transition');
      expect(bad.json().error.details).toEqual({ from: 'cancelled', to: 'booked', allowed: ['planning'] });
      expect((await to('planning')).json().status).toBe('planning');
      await expect(
        t.db.database.pool
          .query(`UPDATE trips SET status = 'completed' WHERE id = $1`, [trip.id])
          .then(() =>
            t.db.database.pool.query(`UPDATE trips SET status = 'booked' WHERE id = $1`, [trip.id]),
          ),
      ).rejects.toMatchObject({ constraint: 'trips_status_transition' });
      await expect(
        t.db.database.pool.query(`UPDATE trips SET status = 'gone' WHERE id = $1`, [trip.id]),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it('completes open trips after their end date in their own time zone, by the scheduled job', async () => {
      const ended = await newTrip(alice, { startDate: dateIn(-5), endDate: dateIn(-2) });
      const booked = await newTrip(alice, { startDate: dateIn(-5), endDate: dateIn(-1) });
      // A booked trip in the past (its bookings' times have gone by, so set in the table).
      await t.db.database.pool.query(`UPDATE trips SET status = 'booked' WHERE id = $1`, [booked.id]);
      const cancelled = await newTrip(alice, { startDate: dateIn(-5), endDate: dateIn(-2) });
      await call(alice, 'POST', `/trips/${cancelled.id}/status`, { status: 'cancelled' });
      const running = await newTrip(alice, { startDate: dateIn(-1), endDate: dateIn(3) });
      expect(await t.services.trips.completeEnded()).toBeGreaterThanOrEqual(2);
      const status = async (id: string) => (await call(alice, 'GET', `/trips/${id}`)).json().status;
      expect(await status(ended.id)).toBe('completed');
      expect(await status(booked.id)).toBe('completed');
      expect(await status(cancelled.id)).toBe('cancelled');
      expect(await status(running.id)).toBe('planning');
      // Serving processes run it on a schedule.
      defineJobs(t.ctx, t.services);
      expect(t.ctx.jobs.definitions.get('trips.complete-ended')?.cron).toBe('5 * * * *');
    });
  });

  describe('items', () => {
    it('holds the user’s car, stay and flight bookings, activities and notes, in time order', async () => {
      const trip = await newTrip();
      // A car.
      const location = await buildLocation(t.services, {
        name: 'Paris Montparnasse',
        city: 'Paris',
        country: 'FR',
        timeZone: 'Europe/Paris',
        lat: 48.84,
        lng: 2.32,
      });
      const car = await buildCar(t.services, location.id, { make: 'Peugeot', model: '208', currency: 'EUR' });
      const base = new Date(`${dateIn(31)}T08:00:00Z`);
      const carBooking = (
        await call(alice, 'POST', '/bookings', {
          carId: car.id,
          pickupTime: daysFrom(base, 0),
          dropoffTime: daysFrom(base, 1),
        })
      ).json();
      // A stay.
      const property = await buildProperty(t.services, { name: 'Hôtel Lutetia', address: '45 Bd Raspail' });
      const room = await buildRoomType(t.services, property.id);
      const stay = (
        await call(alice, 'POST', '/stay-bookings', {
          roomTypeId: room.id,
          checkIn: dateIn(30),
          checkOut: dateIn(33),
          guests: 2,
        })
      ).json();
      // A flight.
      await buildAirports(t.services);
      const route = await buildRoute(t.services, { origin: 'LHR', destination: 'CDG', days: 60 });
      const offer = (
        await t.app.inject({ method: 'GET', url: `/flights/search?from=LHR&to=CDG&date=${dateIn(30)}` })
      )
        .json()
        .offers.find(
          (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
        );
      const flight = (
        await call(alice, 'POST', '/flight-bookings', { offerId: offer.id, passengers: [PASSENGER] })
      ).json();

      const add = (body: Record<string, unknown>) => call(alice, 'POST', `/trips/${trip.id}/items`, body);
      const stayItem = await add({ kind: 'stay_booking', bookingId: stay.id });
      expect(stayItem.statusCode).toBe(201);
      expect(stayItem.json()).toMatchObject({
        kind: 'stay_booking',
        title: 'Double room at Hôtel Lutetia',
        timeZone: 'Europe/Paris',
        status: 'confirmed',
        refId: stay.id,
      });
      expect((await call(alice, 'GET', `/trips/${trip.id}`)).json().status).toBe('booked');
      expect((await add({ kind: 'car_booking', bookingId: carBooking.id })).statusCode).toBe(201);
      expect((await add({ kind: 'flight_booking', bookingId: flight.id })).json()).toMatchObject({
        reference: flight.bookingReference,
        title: expect.stringContaining('LHR → CDG'),
      });
      const louvre = (await t.app.inject({ method: 'GET', url: '/pois?city=Paris' }))
        .json()
        .pois.find((p: { name: string }) => p.name === 'Louvre');
      const activity = await add({ kind: 'activity', poiId: louvre.id, startsAt: `${dateIn(32)}T08:00:00Z` });
      expect(activity.json()).toMatchObject({
        title: 'Louvre',
        endsAt: new Date(Date.parse(`${dateIn(32)}T08:00:00Z`) + 90 * 60_000).toISOString(),
      });
      expect((await add({ kind: 'note', title: 'Packing', body: 'Umbrella!' })).statusCode).toBe(201);

      const items = (await call(alice, 'GET', `/trips/${trip.id}/items`)).json().items as {
        kind: string;
        startsAt: string | null;
      }[];
      expect(items.map((i) => i.kind)).toEqual([
        'flight_booking',
        'stay_booking',
        'car_booking',
        'activity',
        'note',
      ]);
      const starts = items.filter((i) => i.startsAt).map((i) => i.startsAt!);
      expect(starts).toEqual([...starts].sort());
      expect(items.at(-1)!.kind).toBe('note');

      // The same booking twice, someone else's booking, an unknown place.
      expect(errorCode(await add({ kind: 'stay_booking', bookingId: stay.id }))).toBe('item_exists');
      const bobsCar = await buildCar(t.services, location.id);
      const bobsBooking = (
        await call(bob, 'POST', '/bookings', {
          carId: bobsCar.id,
          pickupTime: daysFrom(base, 0),
          dropoffTime: daysFrom(base, 1),
        })
      ).json();
      const notMine = await add({ kind: 'car_booking', bookingId: bobsBooking.id });
      expect(notMine.statusCode).toBe(404);
      expect(errorCode(notMine)).toBe('booking_not_found');
      expect(
        errorCode(
          await add({
            kind: 'activity',
            poiId: '00000000-0000-4000-8000-000000000000',
            startsAt: `${dateIn(32)}T08:00:00Z`,
          }),
        ),
      ).toBe('poi_not_found');
      expect(errorCode(await add({ kind: 'hotel', bookingId: stay.id }))).toBe('validation_failed');

      // Items follow their bookings: a cancelled stay shows as cancelled.
      await call(alice, 'POST', `/stay-bookings/${stay.id}/cancel`);
      const after = (await call(alice, 'GET', `/trips/${trip.id}/items`)).json().items;
      expect(after.find((i: { kind: string }) => i.kind === 'stay_booking').status).toBe('cancelled');

      const noteId = after.find((i: { kind: string }) => i.kind === 'note').id;
      expect((await call(alice, 'DELETE', `/trips/${trip.id}/items/${noteId}`)).statusCode).toBe(204);
      expect((await call(alice, 'DELETE', `/trips/${trip.id}/items/${noteId}`)).statusCode).toBe(404);
    });
  });

  describe('collaborators', () => {
    it('invites by email, emits trip.shared in the same transaction, and refuses duplicates and the owner', async () => {
      const trip = await newTrip();
      const invite = await call(alice, 'POST', `/trips/${trip.id}/collaborators`, {
        email: 'Future.Friend@Example.com',
        role: 'editor',
      });
      expect(invite.statusCode).toBe(201);
      expect(invite.json()).toMatchObject({
        email: 'future.friend@example.com',
        role: 'editor',
        invitedBy: alice.userId,
      });
      const { rows } = await t.db.database.pool.query(
        `SELECT type, recipient_email, payload FROM outbox_events WHERE aggregate_id = $1`,
        [trip.id],
      );
      expect(rows).toEqual([
        {
          type: 'trip.shared',
          recipient_email: 'future.friend@example.com',
          payload: expect.objectContaining({
            tripName: 'Paris in spring',
            role: 'editor',
            invitedBy: 'Alice',
          }),
        },
      ]);
      const dup = await call(alice, 'POST', `/trips/${trip.id}/collaborators`, {
        email: 'future.friend@example.com',
        role: 'viewer',
      });
      expect(dup.statusCode).toBe(409);
      expect(errorCode(dup)).toBe('already_collaborator');
      expect(
        errorCode(
          await call(alice, 'POST', `/trips/${trip.id}/collaborators`, {
            email: alice.email,
            role: 'viewer',
          }),
        ),
      ).toBe('cannot_invite_owner');

      // Someone invited before having an account gets access once they sign up with that email.
      const friend = await signUpVerified(t, { email: 'future.friend@example.com' });
      expect((await call(friend, 'GET', `/trips/${trip.id}`)).json().role).toBe('editor');
      const list = (await call(alice, 'GET', `/trips/${trip.id}/collaborators`)).json().collaborators;
      expect((await call(alice, 'DELETE', `/trips/${trip.id}/collaborators/${list[0].id}`)).statusCode).toBe(
        204,
      );
      expect((await call(friend, 'GET', `/trips/${trip.id}`)).statusCode).toBe(404);
      expect((await call(admin, 'GET', `/trips/${trip.id}`)).json().role).toBe('admin');
    });
  });
});
