import type { Passenger } from '../../src/modules/flights/schemas.js';
import type { PoiCreate } from '../../src/modules/pois/schemas.js';
import type { PropertyCreate, RoomTypeCreate } from '../../src/modules/stays/schemas.js';
import { addDays } from '../../src/platform/dates.js';
import type { Services } from '../../src/server/services.js';

let n = 0;

export function buildProperty(services: Services, overrides: Partial<PropertyCreate> = {}) {
  n += 1;
  return services.stays.createProperty({
    name: `Hotel Test ${n}`,
    city: 'Paris',
    country: 'FR',
    address: `${n} Rue de Rivoli`,
    lat: 48.8606,
    lng: 2.3376,
    stars: 4,
    amenities: ['wifi'],
    checkInTime: '15:00',
    checkOutTime: '11:00',
    timeZone: 'Europe/Paris',
    currency: 'EUR',
    ...overrides,
  });
}

/** A room type with `rooms` rooms on sale for `days` nights from `from`. */
export async function buildRoomType(
  services: Services,
  propertyId: string,
  opts: Partial<RoomTypeCreate> & { rooms?: number; from?: string; days?: number } = {},
) {
  const { rooms = 5, from = todayUtc(), days = 120, ...rest } = opts;
  const rt = await services.stays.createRoomType(propertyId, {
    name: 'Double room',
    maxGuests: 2,
    nightlyRate: 12000,
    ...rest,
  });
  await services.stays.setInventory(rt.id, { from, to: addDays(from, days), rooms });
  return rt;
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** A calendar date `days` days from today (UTC). */
export function dateIn(days: number): string {
  return addDays(todayUtc(), days);
}

export const TEST_AIRPORTS = [
  {
    iata: 'LHR',
    name: 'Heathrow',
    city: 'London',
    country: 'GB',
    lat: 51.47,
    lng: -0.4543,
    timeZone: 'Europe/London',
  },
  {
    iata: 'CDG',
    name: 'Paris Charles de Gaulle',
    city: 'Paris',
    country: 'FR',
    lat: 49.0097,
    lng: 2.5479,
    timeZone: 'Europe/Paris',
  },
  {
    iata: 'JFK',
    name: 'John F. Kennedy International',
    city: 'New York',
    country: 'US',
    lat: 40.6413,
    lng: -73.7781,
    timeZone: 'America/New_York',
  },
];

export async function buildAirports(services: Services) {
  for (const a of TEST_AIRPORTS) await services.flights.createAirport(a);
}

let flightNo = 100;

/** A daily route on the own schedule; the airports must exist. */
export function buildRoute(
  services: Services,
  opts: {
    origin?: string;
    destination?: string;
    departureTime?: string;
    seats?: number;
    fare?: number;
    days?: number;
  } = {},
) {
  flightNo += 1;
  return services.flights.createRoute({
    origin: opts.origin ?? 'LHR',
    destination: opts.destination ?? 'CDG',
    flightNumber: `VY${flightNo}`,
    departureTime: opts.departureTime ?? '09:30',
    durationMinutes: 80,
    aircraft: 'Airbus A320',
    currency: 'EUR',
    cabins: [
      { cabin: 'economy', seats: opts.seats ?? 150, fare: opts.fare ?? 9900 },
      { cabin: 'business', seats: 12, fare: 45000 },
    ],
    scheduleDays: opts.days ?? 30,
  });
}

export const PASSENGER: Passenger = {
  givenName: 'Amelia',
  familyName: 'Earhart',
  bornOn: '1987-07-24',
  title: 'ms',
  gender: 'f',
  email: 'amelia@example.com',
  phoneNumber: '+442080160509',
};

/** Open 09:00–18:00 every day unless told otherwise. */
export const EVERY_DAY_9_TO_6: [string, string][][] = Array.from({ length: 7 }, () => [['09:00', '18:00']]);

let poiNo = 0;

export function buildPoi(services: Services, overrides: Partial<PoiCreate> = {}) {
  poiNo += 1;
  return services.pois.create({
    city: 'Paris',
    country: 'FR',
    name: `Sight ${poiNo}`,
    category: 'museum',
    lat: 48.8606,
    lng: 2.3376,
    visitMinutes: 90,
    priceLevel: 2,
    openingHours: EVERY_DAY_9_TO_6,
    timeZone: 'Europe/Paris',
    description: '',
    ...overrides,
  });
}
