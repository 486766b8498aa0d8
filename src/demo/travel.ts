/** Demo data for stays and flights, next to the demo cities in demo-data.ts. */

/** The demo cities' airports by IATA code, with their real names. */
export const AIRPORT_NAMES: Record<string, string> = {
  SFO: 'San Francisco International Airport',
  JFK: 'John F. Kennedy International Airport',
  LAX: 'Los Angeles International Airport',
  ORD: 'O’Hare International Airport',
  YYZ: 'Toronto Pearson International Airport',
  MEX: 'Mexico City International Airport',
  GRU: 'São Paulo/Guarulhos International Airport',
  LHR: 'London Heathrow Airport',
  CDG: 'Paris Charles de Gaulle Airport',
  BER: 'Berlin Brandenburg Airport',
  MAD: 'Adolfo Suárez Madrid–Barajas Airport',
  FCO: 'Rome Fiumicino Airport',
  AMS: 'Amsterdam Airport Schiphol',
  IST: 'Istanbul Airport',
  DXB: 'Dubai International Airport',
  BOM: 'Chhatrapati Shivaji Maharaj International Airport',
  SIN: 'Singapore Changi Airport',
  HND: 'Tokyo Haneda Airport',
  SYD: 'Sydney Kingsford Smith Airport',
  CPT: 'Cape Town International Airport',
};

/** Hubs get a daily long-haul flight to every other demo city. */
export const HUBS = ['LHR', 'JFK', 'DXB', 'SIN'];
/** Other pairs closer than this get two flights a day. */
export const SHORT_HAUL_KM = 2600;
/** No airliner flies further non-stop. */
export const MAX_NONSTOP_KM = 15_500;

/** Three hotels per demo city, offset from the centre (km north, km east). */
export const HOTEL_TEMPLATES = [
  {
    suffix: 'Grand Hotel',
    stars: 5,
    north: 0.4,
    east: -0.3,
    amenities: ['wifi', 'spa', 'pool', 'restaurant', 'gym'],
    rate: 32000,
  },
  { suffix: 'Central Inn', stars: 3, north: -0.6, east: 0.5, amenities: ['wifi', 'breakfast'], rate: 14000 },
  {
    suffix: 'Garden Suites',
    stars: 4,
    north: 1.2,
    east: 1.1,
    amenities: ['wifi', 'kitchen', 'garden'],
    rate: 19000,
  },
] as const;

/** Room types of every demo hotel: rate as a share of the hotel's base rate, rooms on sale. */
export const ROOM_TEMPLATES = [
  { name: 'Standard double', maxGuests: 2, share: 1, rooms: 12 },
  { name: 'Superior king', maxGuests: 2, share: 1.35, rooms: 6 },
  { name: 'Family suite', maxGuests: 4, share: 1.9, rooms: 3 },
] as const;

/** Days of stay inventory and of flights put on sale by the demo data. */
export const DEMO_HORIZON_DAYS = 180;
export const DEMO_SCHEDULE_DAYS = 60;
