import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { haversineKm } from '../modules/itinerary/travel.js';
import { addDays, todayIn } from '../platform/dates.js';
import type { AppContext } from '../server/context.js';
import type { Services } from '../server/services.js';
import { DEMO_CITIES, DEMO_USER } from './data.js';
import { demoPois } from './pois.js';
import {
  AIRPORT_NAMES,
  DEMO_HORIZON_DAYS,
  DEMO_SCHEDULE_DAYS,
  HOTEL_TEMPLATES,
  HUBS,
  MAX_NONSTOP_KM,
  ROOM_TEMPLATES,
  SHORT_HAUL_KM,
} from './travel.js';

/**
 * The travel catalogue of the demo world, deterministic and safe to re-run: points of interest,
 * the demo cities' airports and a daily schedule between them, three hotels per city with rooms
 * on sale for six months. Then, for the demo account, a trip that uses all of it.
 */

export interface TravelSeedSummary {
  pois: number;
  airports: number;
  routes: number;
  flights: number;
  properties: number;
  roomNights: number;
  demoTrip: string | null;
}

async function seedPois(ctx: AppContext): Promise<number> {
  const rows = demoPois().map((p) => ({
    city: p.city,
    country: p.country,
    name: p.name,
    category: p.category,
    lat: p.lat,
    lng: p.lng,
    visit_minutes: p.visitMinutes,
    price_level: p.priceLevel,
    opening_hours: JSON.stringify(p.openingHours),
    time_zone: p.timeZone,
  }));
  await ctx.db
    .insertInto('pois')
    .values(rows)
    .onConflict((oc) => oc.columns(['city', 'name']).doNothing())
    .execute();
  return rows.length;
}

/** Short-haul pairs twice a day, hubs to everywhere once a day; fares grow with distance. */
function demoRoutes() {
  const routes: {
    origin: string;
    destination: string;
    flight_number: string;
    departure_time: string;
    duration_minutes: number;
    aircraft: string;
    currency: string;
    cabins: string;
  }[] = [];
  let number = 100;
  for (const a of DEMO_CITIES) {
    for (const b of DEMO_CITIES) {
      if (a === b) continue;
      const km = haversineKm(a.airport, b.airport);
      const hub = HUBS.includes(a.airport.code) || HUBS.includes(b.airport.code);
      const times = km <= SHORT_HAUL_KM ? ['07:40', '18:15'] : hub && km <= MAX_NONSTOP_KM ? ['21:30'] : [];
      const longHaul = km > SHORT_HAUL_KM;
      const usCents = Math.round(4900 + km * 9);
      const fare = (share: number) => Math.max(1, Math.round(usCents * share * a.perUsCent));
      const cabins = longHaul
        ? [
            { cabin: 'economy', seats: 220, fare: fare(1) },
            { cabin: 'premium_economy', seats: 28, fare: fare(1.8) },
            { cabin: 'business', seats: 36, fare: fare(4) },
          ]
        : [
            { cabin: 'economy', seats: 150, fare: fare(1) },
            { cabin: 'business', seats: 16, fare: fare(3) },
          ];
      for (const time of times) {
        number += 1;
        routes.push({
          origin: a.airport.code,
          destination: b.airport.code,
          flight_number: `VY${number}`,
          departure_time: time,
          duration_minutes: Math.round(35 + (km / 820) * 60),
          aircraft: longHaul ? 'Boeing 787-9' : 'Airbus A320neo',
          currency: a.currency,
          cabins: JSON.stringify(cabins),
        });
      }
    }
  }
  return routes;
}

async function seedFlights(ctx: AppContext, services: Services) {
  for (const c of DEMO_CITIES) {
    await services.flights.createAirport({
      iata: c.airport.code,
      name: AIRPORT_NAMES[c.airport.code] ?? `${c.city} Airport`,
      city: c.city,
      country: c.country,
      lat: c.airport.lat,
      lng: c.airport.lng,
      timeZone: c.timeZone,
    });
  }
  const routes = demoRoutes();
  await ctx.db
    .insertInto('flight_routes')
    .values(routes)
    .onConflict((oc) => oc.column('flight_number').doNothing())
    .execute();
  const flights = await services.flights.extendSchedule(DEMO_SCHEDULE_DAYS);
  return { airports: DEMO_CITIES.length, routes: routes.length, flights };
}

/** The same name always gives the same id (a name-based UUID), so that re-seeding finds its rows. */
function stableUuid(name: string): string {
  const h = createHash('sha1').update(`voyage-demo:${name}`).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function seedStays(ctx: AppContext) {
  const properties = [];
  const roomTypes = [];
  for (const c of DEMO_CITIES) {
    for (const h of HOTEL_TEMPLATES) {
      const id = stableUuid(`${c.city} ${h.suffix}`);
      properties.push({
        id,
        name: `${c.city} ${h.suffix}`,
        city: c.city,
        country: c.country,
        address: `${c.city} city centre`,
        lat: Math.round((c.lat + h.north / 111.195) * 1e6) / 1e6,
        lng: Math.round((c.lng + h.east / (111.195 * Math.cos((c.lat * Math.PI) / 180))) * 1e6) / 1e6,
        stars: h.stars,
        amenities: [...h.amenities],
        time_zone: c.timeZone,
        currency: c.currency,
      });
      for (const t of ROOM_TEMPLATES) {
        roomTypes.push({
          id: stableUuid(`${c.city} ${h.suffix} ${t.name}`),
          property_id: id,
          name: t.name,
          max_guests: t.maxGuests,
          nightly_rate: Math.max(1, Math.round(h.rate * t.share * c.perUsCent)),
          rooms: t.rooms,
        });
      }
    }
  }
  await ctx.db
    .insertInto('properties')
    .values(properties)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await ctx.db
    .insertInto('room_types')
    .values(roomTypes.map(({ rooms: _, ...rt }) => rt))
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  // Fridays and Saturdays cost a fifth more.
  const today = todayIn('UTC', ctx.clock.now());
  const res = await sql`
    INSERT INTO room_inventory (room_type_id, night, capacity, rate)
    SELECT rt.id, d::date, v.rooms,
           round(rt.nightly_rate * CASE WHEN extract(isodow FROM d) IN (5, 6) THEN 1.2 ELSE 1 END)::int
    FROM room_types rt
    JOIN (VALUES ${sql.join(roomTypes.map((t) => sql`(${t.id}::uuid, ${t.rooms}::int)`))}) AS v(id, rooms) ON v.id = rt.id
    CROSS JOIN generate_series(${today}::date, ${addDays(today, DEMO_HORIZON_DAYS)}::date - 1, interval '1 day') d
    ON CONFLICT (room_type_id, night) DO NOTHING
  `.execute(ctx.db);
  return { properties: properties.length, roomNights: Number(res.numAffectedRows ?? 0) };
}

/** The catalogue only; `voyage seed` runs this too. */
export async function seedTravelCatalogue(ctx: AppContext, services: Services) {
  const pois = await seedPois(ctx);
  const flights = await seedFlights(ctx, services);
  const stays = await seedStays(ctx);
  return { pois, ...flights, ...stays };
}

/** A long weekend in Paris for the demo account: a flight, a hotel, and a plan. */
async function seedDemoTrip(ctx: AppContext, services: Services): Promise<string | null> {
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('email', '=', DEMO_USER.email)
    .executeTakeFirst();
  if (!user) return null;
  const who = { userId: user.id, role: user.role };
  if ((await services.trips.list(who)).length > 0) return null;
  const start = addDays(todayIn('Europe/Paris', ctx.clock.now()), 21);
  const end = addDays(start, 2);
  const trip = await services.trips.create(user.id, {
    name: 'Long weekend in Paris',
    destination: 'Paris',
    startDate: start,
    endDate: end,
    travellers: 1,
  });
  const hotel = await ctx.db
    .selectFrom('room_types as rt')
    .innerJoin('properties as p', 'p.id', 'rt.property_id')
    .select('rt.id')
    .where('p.name', '=', 'Paris Grand Hotel')
    .where('rt.name', '=', 'Standard double')
    .executeTakeFirst();
  if (hotel) {
    const stay = await services.stays.book(user.id, {
      roomTypeId: hotel.id,
      checkIn: start,
      checkOut: addDays(end, 1),
      guests: 1,
    });
    await services.trips.addItem(trip.id, who, { kind: 'stay_booking', bookingId: stay.id });
  }
  const { offers } = await services.flights.search({
    from: 'LHR',
    to: 'CDG',
    date: start,
    passengers: 1,
    cabin: 'economy',
  });
  const morning = offers.find((o) => o.supplier === 'own-schedule');
  if (morning) {
    const flight = await services.flights.book(user.id, {
      offerId: morning.id,
      passengers: [
        {
          givenName: 'Demo',
          familyName: 'Traveller',
          bornOn: '1990-01-01',
          title: 'mr',
          gender: 'm',
          email: DEMO_USER.email,
        },
      ],
    });
    await services.trips.addItem(trip.id, who, { kind: 'flight_booking', bookingId: flight.id });
  }
  const eiffel = (await services.pois.inCity({ city: 'Paris', limit: 100 })).find(
    (p) => p.name === 'Eiffel Tower',
  );
  await services.trips.addItem(trip.id, who, {
    kind: 'note',
    title: 'Before leaving',
    body: 'Passport, adaptor, museum pass.',
  });
  await services.itinerary.plan(trip.id, who, {
    interests: ['museum', 'landmark', 'viewpoint', 'neighbourhood', 'park', 'religious'],
    pace: 'moderate',
    budget: 4,
    mustSee: eiffel ? [eiffel.id] : [],
  });
  return trip.id;
}

/** First embedded start: the catalogue when it is missing, and the demo trip. */
export async function seedTravelDemoIfEmpty(
  ctx: AppContext,
  services: Services,
): Promise<TravelSeedSummary | undefined> {
  const any = await ctx.db.selectFrom('properties').select('id').limit(1).executeTakeFirst();
  const catalogue = any ? undefined : await seedTravelCatalogue(ctx, services);
  const demoTrip = await seedDemoTrip(ctx, services);
  if (!catalogue && !demoTrip) return undefined;
  return {
    pois: catalogue?.pois ?? 0,
    airports: catalogue?.airports ?? 0,
    routes: catalogue?.routes ?? 0,
    flights: catalogue?.flights ?? 0,
    properties: catalogue?.properties ?? 0,
    roomNights: catalogue?.roomNights ?? 0,
    demoTrip,
  };
}
