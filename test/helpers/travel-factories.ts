import type { Services } from '../../src/modules/index.js';
import type { PropertyCreate, RoomTypeCreate } from '../../src/modules/stays/schemas.js';
import { addDays } from '../../src/platform/dates.js';

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
