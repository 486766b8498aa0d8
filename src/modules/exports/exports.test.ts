import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCalendar, pdfText } from '../../../test/helpers/documents.js';
import { buildCar, buildLocation } from '../../../test/helpers/factories.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signUp,
  signUpVerified,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import {
  buildAirports,
  buildProperty,
  buildRoomType,
  buildRoute,
  dateIn,
  PASSENGER,
} from '../../../test/helpers/travel-factories.js';
import { demoPois } from '../../demo/pois.js';

const local = (iso: string | Date, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );

describe('exports', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let tripId: string;
  let stay: { id: string; checkInAt: string };
  let flight: { id: string; departureAt: string; bookingReference: string };
  let plan: {
    days: {
      date: string;
      stops: { poiId: string; name: string; start: string; end: string; startAt: string }[];
    }[];
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_URL: 'https://voyage.example' } });
    alice = await signUp(t.app);
    bob = await signUpVerified(t);
    for (const p of demoPois().filter((x) => x.city === 'Paris'))
      await t.services.pois.create({ ...p, description: '' });
    const call = (method: string, url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method: method as 'GET', url, headers: alice.auth, payload });
    tripId = (
      await call('POST', '/trips', {
        name: 'Printemps à Paris',
        destination: 'Paris',
        startDate: dateIn(30),
        endDate: dateIn(32),
      })
    ).json().id;

    const hotel = await buildProperty(t.services, {
      name: 'Hôtel Lutetia',
      address: '45 Bd Raspail',
      lat: 48.8511,
      lng: 2.3273,
    });
    const room = await buildRoomType(t.services, hotel.id);
    stay = (
      await call('POST', '/stay-bookings', {
        roomTypeId: room.id,
        checkIn: dateIn(30),
        checkOut: dateIn(33),
        guests: 2,
      })
    ).json();
    await buildAirports(t.services);
    const route = await buildRoute(t.services, {
      origin: 'LHR',
      destination: 'CDG',
      departureTime: '07:10',
      days: 60,
    });
    const offer = (
      await t.app.inject({ method: 'GET', url: `/flights/search?from=LHR&to=CDG&date=${dateIn(30)}` })
    )
      .json()
      .offers.find(
        (o: { segments: { flightNumber: string }[] }) => o.segments[0]!.flightNumber === route.flightNumber,
      );
    flight = (await call('POST', '/flight-bookings', { offerId: offer.id, passengers: [PASSENGER] })).json();
    const location = await buildLocation(t.services, {
      name: 'Paris Gare du Nord',
      city: 'Paris',
      country: 'FR',
      timeZone: 'Europe/Paris',
      lat: 48.88,
      lng: 2.355,
    });
    const car = await buildCar(t.services, location.id, { make: 'Renault', model: 'Zoe', currency: 'EUR' });
    const car1 = (
      await call('POST', '/bookings', {
        carId: car.id,
        pickupTime: `${dateIn(31)}T07:00:00Z`,
        dropoffTime: `${dateIn(32)}T07:00:00Z`,
      })
    ).json();
    for (const item of [
      { kind: 'stay_booking', bookingId: stay.id },
      { kind: 'flight_booking', bookingId: flight.id },
      { kind: 'car_booking', bookingId: car1.id },
      { kind: 'note', title: 'Dinner', body: 'Table for two at 20:00', startsAt: `${dateIn(31)}T18:00:00Z` },
    ]) {
      expect((await call('POST', `/trips/${tripId}/items`, item)).statusCode).toBe(201);
    }
    plan = (await call('POST', `/trips/${tripId}/plan`, { pace: 'moderate' })).json();
    await call('POST', `/trips/${tripId}/collaborators`, { email: bob.email, role: 'viewer' });
  });
  afterAll(() => t.close());

  const ics = async (who: SignedIn = alice) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/trips/${tripId}/calendar.ics`,
      headers: who.auth,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="printemps-a-paris.ics"');
    return parseCalendar(res.body);
  };

  describe('calendar.ics', () => {
    it('has every booking, note and planned visit at the right instant, in its own time zone', async () => {
      const cal = await ics();
      expect(cal.name).toBe('Voyage: Printemps à Paris');
      expect(cal.timezones.sort()).toEqual(['Europe/London', 'Europe/Paris']);
      const byUid = new Map(cal.events.map((e) => [e.uid, e]));

      const tripEvent = byUid.get(`trip-${tripId}@voyage`)!;
      expect(tripEvent).toMatchObject({ allDay: true, localStart: dateIn(30) });

      const stayEvent = byUid.get(`stay-booking-${stay.id}@voyage`)!;
      expect(stayEvent).toMatchObject({
        tzid: 'Europe/Paris',
        localStart: `${dateIn(30)}T15:00:00`,
        status: 'CONFIRMED',
        summary: 'Double room at Hôtel Lutetia',
      });
      expect(stayEvent.start.toISOString()).toBe(stay.checkInAt);

      const flightEvent = byUid.get(`flight-booking-${flight.id}@voyage`)!;
      expect(flightEvent).toMatchObject({ tzid: 'Europe/London', localStart: `${dateIn(30)}T07:10:00` });
      expect(flightEvent.start.toISOString()).toBe(flight.departureAt);
      expect(flightEvent.description).toMatch(/arrives [^\n]*\(Europe\/Paris\)/);

      const carEvent = cal.events.find((e) => e.summary === 'Renault Zoe from Paris Gare du Nord')!;
      expect(carEvent.tzid).toBe('Europe/Paris');
      expect(carEvent.start.toISOString()).toBe(new Date(`${dateIn(31)}T07:00:00Z`).toISOString());
      expect(carEvent.localStart).toBe(`${local(carEvent.start, 'Europe/Paris').replace(' ', 'T')}:00`);

      expect(cal.events.find((e) => e.summary === 'Dinner')!.start.toISOString()).toBe(
        new Date(`${dateIn(31)}T18:00:00Z`).toISOString(),
      );

      const stops = plan.days.flatMap((d) => d.stops.map((s) => ({ ...s, date: d.date })));
      expect(stops.length).toBeGreaterThan(0);
      for (const s of stops) {
        const e = byUid.get(`plan-${tripId}-${s.date}-${s.poiId}@voyage`)!;
        expect(e.summary).toBe(s.name);
        expect(e.tzid).toBe('Europe/Paris');
        expect(e.localStart).toBe(`${s.date}T${s.start}:00`);
        expect(e.start.toISOString()).toBe(s.startAt);
      }
      expect(cal.events).toHaveLength(1 + 4 + stops.length);
    });

    it('keeps UIDs stable across exports, so a re-import updates: a cancellation comes back as the same event', async () => {
      const before = await ics();
      const cancel = await t.app.inject({
        method: 'POST',
        url: `/stay-bookings/${stay.id}/cancel`,
        headers: alice.auth,
      });
      expect(cancel.statusCode).toBe(200);
      const after = await ics(bob);
      expect(after.events.map((e) => e.uid).sort()).toEqual(before.events.map((e) => e.uid).sort());
      const was = before.events.find((e) => e.uid === `stay-booking-${stay.id}@voyage`)!;
      const now = after.events.find((e) => e.uid === `stay-booking-${stay.id}@voyage`)!;
      expect([was.status, was.sequence]).toEqual(['CONFIRMED', 0]);
      expect([now.status, now.sequence]).toEqual(['CANCELLED', 1]);
    });

    it('is not there for strangers', async () => {
      const stranger = await signUp(t.app);
      const res = await t.app.inject({
        method: 'GET',
        url: `/trips/${tripId}/calendar.ics`,
        headers: stranger.auth,
      });
      expect(res.statusCode).toBe(404);
      expect(errorCode(res)).toBe('trip_not_found');
    });
  });

  describe('private calendar feed', () => {
    const feedPath = (url: string) => new URL(url).pathname;

    it('serves the calendar without a login at a secret URL, until revoked or replaced', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: `/trips/${tripId}/calendar-feed`,
        headers: alice.auth,
      });
      expect(created.statusCode).toBe(201);
      const { url } = created.json();
      expect(url).toMatch(/^https:\/\/voyage\.example\/calendar\/[A-Za-z0-9_-]{32}\.ics$/);
      const feed = await t.app.inject({ method: 'GET', url: feedPath(url) });
      expect(feed.statusCode).toBe(200);
      expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
      expect(parseCalendar(feed.body).events.map((e) => e.uid)).toContain(
        `flight-booking-${flight.id}@voyage`,
      );

      const replaced = (
        await t.app.inject({ method: 'POST', url: `/trips/${tripId}/calendar-feed`, headers: alice.auth })
      ).json().url;
      expect((await t.app.inject({ method: 'GET', url: feedPath(url) })).statusCode).toBe(404);
      expect((await t.app.inject({ method: 'GET', url: feedPath(replaced) })).statusCode).toBe(200);
      expect(
        (await t.app.inject({ method: 'DELETE', url: `/trips/${tripId}/calendar-feed`, headers: alice.auth }))
          .statusCode,
      ).toBe(204);
      const revoked = await t.app.inject({ method: 'GET', url: feedPath(replaced) });
      expect(revoked.statusCode).toBe(404);
      expect(errorCode(revoked)).toBe('feed_not_found');
      expect(
        (await t.app.inject({ method: 'GET', url: '/calendar/not-a-real-token-at-all-000.ics' })).statusCode,
      ).toBe(404);
    });

    it('stops a collaborator’s feed when they lose access to the trip', async () => {
      const carol = await signUpVerified(t);
      const invite = await t.app.inject({
        method: 'POST',
        url: `/trips/${tripId}/collaborators`,
        headers: alice.auth,
        payload: { email: carol.email, role: 'viewer' },
      });
      const url = (
        await t.app.inject({ method: 'POST', url: `/trips/${tripId}/calendar-feed`, headers: carol.auth })
      ).json().url;
      expect((await t.app.inject({ method: 'GET', url: feedPath(url) })).statusCode).toBe(200);
      await t.app.inject({
        method: 'DELETE',
        url: `/trips/${tripId}/collaborators/${invite.json().id}`,
        headers: alice.auth,
      });
      expect((await t.app.inject({ method: 'GET', url: feedPath(url) })).statusCode).toBe(404);
    });
  });

  describe('itinerary.pdf', () => {
    it('is a PDF with the summary, the bookings and the day plans', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/trips/${tripId}/itinerary.pdf`,
        headers: bob.auth,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const text = await pdfText(res.rawPayload);
      expect(text).toContain('Printemps à Paris');
      expect(text).toContain('Paris · ');
      expect(text).toContain('Bookings');
      expect(text).toContain('Stay: Double room at Hôtel Lutetia (cancelled)');
      expect(text).toContain('Flight: Flight LHR -> CDG');
      expect(text).toContain(`Reference: ${flight.bookingReference}`);
      // The flight departs in London's zone and arrives in Paris's.
      expect(text).toMatch(/07:10 \(Europe\/London\) – .* \(Europe\/Paris\)/);
      expect(text).toMatch(/Reference: CAR-[0-9A-Z]{4}-[0-9A-Z]{4}/);
      expect(text).toContain('Car: Renault Zoe from Paris Gare du Nord');
      expect(text).toContain('Note: ');
      expect(text).toContain('Table for two at 20:00');
      expect(text).toContain('Day by day');
      for (const s of plan.days.flatMap((d) => d.stops))
        expect(text).toContain(`${s.start}–${s.end} ${s.name}`);
    });
  });
});
