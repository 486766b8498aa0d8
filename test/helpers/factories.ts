import type { CarCreate, LocationCreate } from '../../src/modules/cars/fleet/schemas.js';
import type { Services } from '../../src/server/services.js';

let n = 0;

export function buildLocation(services: Services, overrides: Partial<LocationCreate> = {}) {
  n += 1;
  return services.fleet.createLocation({
    name: `Test Depot ${n}`,
    city: 'San Francisco',
    country: 'US',
    lat: 37.7749,
    lng: -122.4194,
    timeZone: 'America/Los_Angeles',
    ...overrides,
  });
}

export function buildCar(services: Services, locationId: string, overrides: Partial<CarCreate> = {}) {
  return services.fleet.createCar({
    locationId,
    make: 'Toyota',
    model: 'Corolla',
    class: 'compact',
    seats: 5,
    transmission: 'automatic',
    dailyRate: 4500,
    currency: 'USD',
    status: 'active',
    ...overrides,
  });
}

/** An ISO timestamp `days` days (and `hours` hours) from `from`. */
export function daysFrom(from: Date, days: number, hours = 0): string {
  return new Date(from.getTime() + days * 86_400_000 + hours * 3_600_000).toISOString();
}
