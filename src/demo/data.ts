import type { CarClass } from '../modules/cars/fleet/tables.js';

/**
 * Demo cities with real coordinates, time zones and airports. Rates are set in US cents and
 * converted at rough rates into each currency's minor unit.
 */
export interface DemoCity {
  city: string;
  country: string;
  lat: number;
  lng: number;
  timeZone: string;
  currency: string;
  /** Minor units of the local currency per US cent, roughly. */
  perUsCent: number;
  airport: { code: string; lat: number; lng: number };
}

export const DEMO_CITIES: DemoCity[] = [
  {
    city: 'San Francisco',
    country: 'US',
    lat: 37.7749,
    lng: -122.4194,
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    perUsCent: 1,
    airport: { code: 'SFO', lat: 37.6213, lng: -122.379 },
  },
  {
    city: 'New York',
    country: 'US',
    lat: 40.7128,
    lng: -74.006,
    timeZone: 'America/New_York',
    currency: 'USD',
    perUsCent: 1,
    airport: { code: 'JFK', lat: 40.6413, lng: -73.7781 },
  },
  {
    city: 'Los Angeles',
    country: 'US',
    lat: 34.0522,
    lng: -118.2437,
    timeZone: 'America/Los_Angeles',
    currency: 'USD',
    perUsCent: 1,
    airport: { code: 'LAX', lat: 33.9416, lng: -118.4085 },
  },
  {
    city: 'Chicago',
    country: 'US',
    lat: 41.8781,
    lng: -87.6298,
    timeZone: 'America/Chicago',
    currency: 'USD',
    perUsCent: 1,
    airport: { code: 'ORD', lat: 41.9742, lng: -87.9073 },
  },
  {
    city: 'Toronto',
    country: 'CA',
    lat: 43.6532,
    lng: -79.3832,
    timeZone: 'America/Toronto',
    currency: 'CAD',
    perUsCent: 1.36,
    airport: { code: 'YYZ', lat: 43.6777, lng: -79.6248 },
  },
  {
    city: 'Mexico City',
    country: 'MX',
    lat: 19.4326,
    lng: -99.1332,
    timeZone: 'America/Mexico_City',
    currency: 'MXN',
    perUsCent: 17,
    airport: { code: 'MEX', lat: 19.4361, lng: -99.0719 },
  },
  {
    city: 'São Paulo',
    country: 'BR',
    lat: -23.5505,
    lng: -46.6333,
    timeZone: 'America/Sao_Paulo',
    currency: 'BRL',
    perUsCent: 5,
    airport: { code: 'GRU', lat: -23.4356, lng: -46.4731 },
  },
  {
    city: 'London',
    country: 'GB',
    lat: 51.5074,
    lng: -0.1278,
    timeZone: 'Europe/London',
    currency: 'GBP',
    perUsCent: 0.79,
    airport: { code: 'LHR', lat: 51.47, lng: -0.4543 },
  },
  {
    city: 'Paris',
    country: 'FR',
    lat: 48.8566,
    lng: 2.3522,
    timeZone: 'Europe/Paris',
    currency: 'EUR',
    perUsCent: 0.92,
    airport: { code: 'CDG', lat: 49.0097, lng: 2.5479 },
  },
  {
    city: 'Berlin',
    country: 'DE',
    lat: 52.52,
    lng: 13.405,
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    perUsCent: 0.92,
    airport: { code: 'BER', lat: 52.3667, lng: 13.5033 },
  },
  {
    city: 'Madrid',
    country: 'ES',
    lat: 40.4168,
    lng: -3.7038,
    timeZone: 'Europe/Madrid',
    currency: 'EUR',
    perUsCent: 0.92,
    airport: { code: 'MAD', lat: 40.4983, lng: -3.5676 },
  },
  {
    city: 'Rome',
    country: 'IT',
    lat: 41.9028,
    lng: 12.4964,
    timeZone: 'Europe/Rome',
    currency: 'EUR',
    perUsCent: 0.92,
    airport: { code: 'FCO', lat: 41.7999, lng: 12.2462 },
  },
  {
    city: 'Amsterdam',
    country: 'NL',
    lat: 52.3676,
    lng: 4.9041,
    timeZone: 'Europe/Amsterdam',
    currency: 'EUR',
    perUsCent: 0.92,
    airport: { code: 'AMS', lat: 52.3105, lng: 4.7683 },
  },
  {
    city: 'Istanbul',
    country: 'TR',
    lat: 41.0082,
    lng: 28.9784,
    timeZone: 'Europe/Istanbul',
    currency: 'TRY',
    perUsCent: 32,
    airport: { code: 'IST', lat: 41.2753, lng: 28.7519 },
  },
  {
    city: 'Dubai',
    country: 'AE',
    lat: 25.2048,
    lng: 55.2708,
    timeZone: 'Asia/Dubai',
    currency: 'AED',
    perUsCent: 3.67,
    airport: { code: 'DXB', lat: 25.2532, lng: 55.3657 },
  },
  {
    city: 'Mumbai',
    country: 'IN',
    lat: 19.076,
    lng: 72.8777,
    timeZone: 'Asia/Kolkata',
    currency: 'INR',
    perUsCent: 83,
    airport: { code: 'BOM', lat: 19.0896, lng: 72.8656 },
  },
  {
    city: 'Singapore',
    country: 'SG',
    lat: 1.3521,
    lng: 103.8198,
    timeZone: 'Asia/Singapore',
    currency: 'SGD',
    perUsCent: 1.34,
    airport: { code: 'SIN', lat: 1.3644, lng: 103.9915 },
  },
  {
    city: 'Tokyo',
    country: 'JP',
    lat: 35.6762,
    lng: 139.6503,
    timeZone: 'Asia/Tokyo',
    currency: 'JPY',
    perUsCent: 1.5,
    airport: { code: 'HND', lat: 35.5494, lng: 139.7798 },
  },
  {
    city: 'Sydney',
    country: 'AU',
    lat: -33.8688,
    lng: 151.2093,
    timeZone: 'Australia/Sydney',
    currency: 'AUD',
    perUsCent: 1.5,
    airport: { code: 'SYD', lat: -33.9399, lng: 151.1753 },
  },
  {
    city: 'Cape Town',
    country: 'ZA',
    lat: -33.9249,
    lng: 18.4241,
    timeZone: 'Africa/Johannesburg',
    currency: 'ZAR',
    perUsCent: 18.5,
    airport: { code: 'CPT', lat: -33.9715, lng: 18.6021 },
  },
];

export const DEMO_MODELS: Record<CarClass, readonly (readonly [string, string])[]> = {
  economy: [
    ['Toyota', 'Yaris'],
    ['Kia', 'Rio'],
    ['Fiat', '500'],
    ['Renault', 'Clio'],
  ],
  compact: [
    ['Toyota', 'Corolla'],
    ['Volkswagen', 'Golf'],
    ['Honda', 'Civic'],
    ['Ford', 'Focus'],
  ],
  midsize: [
    ['Toyota', 'Camry'],
    ['Hyundai', 'Sonata'],
    ['Skoda', 'Octavia'],
    ['Mazda', '6'],
  ],
  fullsize: [
    ['Chevrolet', 'Impala'],
    ['Nissan', 'Maxima'],
    ['Volkswagen', 'Passat'],
  ],
  suv: [
    ['Toyota', 'RAV4'],
    ['Honda', 'CR-V'],
    ['Kia', 'Sportage'],
    ['Jeep', 'Grand Cherokee'],
  ],
  premium: [
    ['BMW', '3 Series'],
    ['Audi', 'A4'],
    ['Mercedes-Benz', 'C-Class'],
    ['Tesla', 'Model 3'],
  ],
  luxury: [
    ['Mercedes-Benz', 'S-Class'],
    ['BMW', '7 Series'],
    ['Porsche', 'Panamera'],
  ],
  van: [
    ['Ford', 'Transit'],
    ['Mercedes-Benz', 'Vito'],
    ['Volkswagen', 'Multivan'],
  ],
};

/** Daily rate per class in US cents, and how many seats the class has. */
export const CLASS_PROFILE = {
  economy: { rate: 3500, seats: 4, weight: 20 },
  compact: { rate: 4200, seats: 5, weight: 22 },
  midsize: { rate: 5200, seats: 5, weight: 18 },
  fullsize: { rate: 6000, seats: 5, weight: 8 },
  suv: { rate: 7500, seats: 5, weight: 16 },
  premium: { rate: 9500, seats: 5, weight: 8 },
  luxury: { rate: 16000, seats: 4, weight: 3 },
  van: { rate: 8500, seats: 9, weight: 5 },
} as const;

export const DEMO_USER = {
  email: 'demo@voyage.example',
  password: 'voyage-demo-password',
  name: 'Demo Traveller',
};

/** The demo's admin: admin operations need MFA, which it sets up at its first sign-in. */
export const DEMO_ADMIN = {
  email: 'admin@voyage.example',
  password: 'voyage-admin-password',
  name: 'Demo Admin',
};
