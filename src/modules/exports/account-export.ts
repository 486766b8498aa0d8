import type { RentalsService } from '../cars/rentals/service.js';
import type { FlightsService } from '../flights/service.js';
import type { IdentityService } from '../identity/service.js';
import type { NotificationsService } from '../notifications/service.js';
import type { StaysService } from '../stays/service.js';
import type { TripsService } from '../trips/service.js';

export interface AccountExportDeps {
  identity: IdentityService;
  rentals: RentalsService;
  stays: StaysService;
  flights: FlightsService;
  trips: TripsService;
  notifications: NotificationsService;
  clock: { now(): Date };
}

type Page<T> = { bookings: T[]; nextCursor: string | null };

/** Every page of a newest-first list. */
async function all<T>(list: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    out.push(...page.bookings);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Everything Voyage holds on a user, as one JSON document: the account (without secrets), its
 * sessions and audit entries, car, stay and flight bookings, the trips they own or share with their
 * items, and the emails sent to them.
 */
export function createAccountExport(deps: AccountExportDeps) {
  return async (userId: string) => {
    const who = { userId, role: 'customer' };
    const trips = await deps.trips.list(who);
    return {
      exportedAt: deps.clock.now().toISOString(),
      account: await deps.identity.accountData(userId),
      bookings: {
        cars: await all((cursor) => deps.rentals.listOwn(userId, { limit: 100, cursor })),
        stays: await all((cursor) => deps.stays.listOwn(userId, { limit: 100, cursor })),
        flights: await all((cursor) => deps.flights.listOwn(userId, { limit: 100, cursor })),
      },
      trips: await Promise.all(
        trips.map(async (trip) => ({ ...trip, items: await deps.trips.items(trip.id, who) })),
      ),
      notifications: (await deps.notifications.listOwn(userId, 1000)).notifications,
    };
  };
}
