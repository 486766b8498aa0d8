import { check, expectStatus, type SmokeClient, type SmokeStepDef } from './checks.js';

/**
 * Smoke steps for stays, flights and trips, after the core ones: book a room and a flight near
 * the smoke point, put them in a trip, plan it, export its calendar, then cancel and clean up.
 * Dates are spread out so that repeated runs do not compete for the same rooms.
 */

const day = (daysAhead: number) => new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
const spread = (from: number, to: number) => from + Math.floor(Math.random() * (to - from));
const distance = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) =>
  Math.hypot(a.lat - b.lat, (a.lng - b.lng) * Math.cos((a.lat * Math.PI) / 180));

async function bookFirstFree(c: SmokeClient, roomTypes: { id: string }[]) {
  for (const rt of roomTypes) {
    const res = await c.call('POST', '/stay-bookings', {
      roomTypeId: rt.id,
      checkIn: c.state.checkIn,
      checkOut: c.state.checkOut,
      guests: 1,
    });
    if (res.status === 409) continue;
    expectStatus(res, 201, 'POST /stay-bookings');
    return res.json.id as string;
  }
  return undefined;
}

export const TRAVEL_STEPS: SmokeStepDef[] = [
  {
    name: 'stays',
    async run(c) {
      // Inside the flight schedule (60 days), so that the flight can go on the check-in day: a trip
      // holds only items on its days.
      const start = spread(20, 57);
      c.state.checkIn = day(start);
      c.state.checkOut = day(start + 2);
      const qs = new URLSearchParams({
        lat: String(c.state.lat),
        lng: String(c.state.lng),
        radiusKm: '30',
        checkIn: c.state.checkIn,
        checkOut: c.state.checkOut,
        guests: '1',
      });
      const res = await c.call('GET', `/stays/search?${qs}`);
      expectStatus(res, 200, 'GET /stays/search');
      const properties = (res.json?.properties ?? []) as { roomTypes: { id: string }[] }[];
      check(properties.length > 0, `GET /stays/search: no stays near ${c.state.lat},${c.state.lng}`);
      c.state.stayId = await bookFirstFree(
        c,
        properties.flatMap((p) => p.roomTypes),
      );
      check(c.state.stayId, 'POST /stay-bookings: every room type was sold out');
    },
  },
  {
    name: 'flights',
    async run(c) {
      const airports = await c.call('GET', '/airports');
      expectStatus(airports, 200, 'GET /airports');
      const list = (airports.json?.airports ?? []) as { iata: string; lat: number; lng: number }[];
      check(list.length >= 2, 'GET /airports: fewer than two airports');
      const here = { lat: c.state.lat as number, lng: c.state.lng as number };
      const [origin, ...others] = [...list].sort((a, b) => distance(a, here) - distance(b, here));
      const date = c.state.checkIn as string;
      for (const destination of others.slice(0, 5)) {
        const qs = new URLSearchParams({ from: origin!.iata, to: destination.iata, date, passengers: '1' });
        const res = await c.call('GET', `/flights/search?${qs}`);
        expectStatus(res, 200, 'GET /flights/search');
        for (const offer of (res.json?.offers ?? []) as { id: string }[]) {
          const booked = await c.call('POST', '/flight-bookings', {
            offerId: offer.id,
            passengers: [
              {
                givenName: 'Smoke',
                familyName: 'Test',
                bornOn: '1990-01-01',
                title: 'mr',
                gender: 'm',
                email: c.state.email,
                phoneNumber: '+15555550100',
              },
            ],
          });
          if (booked.status === 409) continue;
          expectStatus(booked, 201, 'POST /flight-bookings');
          c.state.flightId = booked.json.id;
          return;
        }
      }
      check(false, `GET /flights/search: no bookable flight from ${origin!.iata}`);
    },
  },
  {
    name: 'trip',
    async run(c) {
      const cities = await c.call('GET', '/pois/cities');
      expectStatus(cities, 200, 'GET /pois/cities');
      const here = { lat: c.state.lat as number, lng: c.state.lng as number };
      const [city] = ((cities.json?.cities ?? []) as { city: string; lat: number; lng: number }[]).sort(
        (a, b) => distance(a, here) - distance(b, here),
      );
      check(city, 'GET /pois/cities: no city in the catalogue');
      const trip = await c.call('POST', '/trips', {
        name: 'Smoke trip',
        destination: city.city,
        startDate: c.state.checkIn,
        endDate: c.state.checkOut,
      });
      expectStatus(trip, 201, 'POST /trips');
      c.state.tripId = trip.json.id;
      for (const [kind, bookingId] of [
        ['stay_booking', c.state.stayId],
        ['flight_booking', c.state.flightId],
      ]) {
        const item = await c.call('POST', `/trips/${c.state.tripId}/items`, { kind, bookingId });
        expectStatus(item, 201, `POST /trips/:id/items (${kind})`);
      }
      const read = await c.call('GET', `/trips/${c.state.tripId}`);
      expectStatus(read, 200, 'GET /trips/:id');
      check(read.json?.status === 'booked', 'GET /trips/:id: a trip with bookings is not "booked"');
    },
  },
  {
    name: 'trip-plan',
    async run(c) {
      const res = await c.call('POST', `/trips/${c.state.tripId}/plan`, { pace: 'moderate' });
      expectStatus(res, 201, 'POST /trips/:id/plan');
      const stops = ((res.json?.days ?? []) as { stops: unknown[] }[]).reduce(
        (n, d) => n + d.stops.length,
        0,
      );
      check(stops > 0, 'POST /trips/:id/plan: the plan has no stops');
    },
  },
  {
    name: 'trip-calendar',
    async run(c) {
      const res = await c.call('GET', `/trips/${c.state.tripId}/calendar.ics`);
      expectStatus(res, 200, 'GET /trips/:id/calendar.ics');
      const text = String(res.json);
      check(text.startsWith('BEGIN:VCALENDAR'), 'GET /trips/:id/calendar.ics: not an iCalendar file');
      check(
        text.includes(`stay-booking-${c.state.stayId}@voyage`),
        'GET /trips/:id/calendar.ics: the stay is missing',
      );
    },
  },
  {
    name: 'travel-cleanup',
    async run(c) {
      const stay = await c.call('POST', `/stay-bookings/${c.state.stayId}/cancel`);
      expectStatus(stay, 200, 'POST /stay-bookings/:id/cancel');
      check(stay.json?.status === 'cancelled', 'POST /stay-bookings/:id/cancel: stay is not cancelled');
      const flight = await c.call('POST', `/flight-bookings/${c.state.flightId}/cancel`);
      expectStatus(flight, 200, 'POST /flight-bookings/:id/cancel');
      check(flight.json?.status === 'cancelled', 'POST /flight-bookings/:id/cancel: flight is not cancelled');
      expectStatus(await c.call('DELETE', `/trips/${c.state.tripId}`), 204, 'DELETE /trips/:id');
    },
  },
];
