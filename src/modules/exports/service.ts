import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/http/auth.js';
import { notFound } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import type { IdentityService } from '../identity/service.js';
import type { ItineraryService } from '../itinerary/service.js';
import type { TripsService } from '../trips/service.js';
import { toTrip } from '../trips/service.js';
import type { TripRow } from '../trips/tables.js';
import { type AccountExportDeps, createAccountExport } from './account-export.js';
import { buildCalendar } from './calendar.js';
import { buildItineraryPdf } from './pdf.js';
import { createExportsRepository } from './repository.js';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface ExportsDeps extends Omit<AccountExportDeps, 'clock' | 'trips' | 'identity'> {
  db: Db;
  trips: TripsService;
  itinerary: ItineraryService;
  identity: IdentityService;
  clock: Clock;
}

export function createExportsService(deps: ExportsDeps) {
  const { db, trips, itinerary, identity, clock } = deps;
  const repo = createExportsRepository(db);

  async function contents(trip: TripRow, role: Parameters<typeof toTrip>[1]) {
    return {
      trip: toTrip(trip, role),
      items: await trips.itemsOf(trip),
      plan: await itinerary.latestOf(trip),
    };
  }

  return {
    /** Everything Voyage holds on the user, as JSON. */
    accountExport: createAccountExport({ ...deps, trips, identity, clock }),

    async calendar(tripId: string, who: Principal): Promise<{ name: string; ics: string }> {
      const { trip, role } = await trips.authorize(tripId, who, 'read');
      const c = await contents(trip, role);
      return { name: trip.name, ics: buildCalendar(c.trip, c.items, c.plan) };
    },

    async pdf(tripId: string, who: Principal): Promise<{ name: string; pdf: Buffer }> {
      const { trip, role } = await trips.authorize(tripId, who, 'read');
      const c = await contents(trip, role);
      return { name: trip.name, pdf: await buildItineraryPdf(c.trip, c.items, c.plan, clock.now()) };
    },

    /** A private feed URL for the caller; it replaces (revokes) the caller's previous one. */
    async createFeed(tripId: string, who: Principal): Promise<{ token: string; createdAt: string }> {
      await trips.authorize(tripId, who, 'read');
      const token = randomBytes(24).toString('base64url');
      const row = await db
        .transaction()
        .execute((tx) => repo.replaceFeed(tripId, who.userId, hash(token), clock.now(), tx));
      return { token, createdAt: row.created_at.toISOString() };
    },

    async revokeFeed(tripId: string, who: Principal): Promise<void> {
      await trips.authorize(tripId, who, 'read');
      if (!(await repo.revokeFeed(tripId, who.userId, clock.now())))
        throw notFound('feed_not_found', 'You have no calendar feed for this trip');
    },

    /**
     * The feed behind a token, as long as it is not revoked and its user may still read the trip
     * (a collaborator removed from the trip loses the feed too).
     */
    async feed(token: string): Promise<string> {
      const feed = await repo.liveFeed(hash(token));
      const user = feed ? await identity.getUser(feed.user_id).catch(() => undefined) : undefined;
      if (!feed || !user) throw notFound('feed_not_found', 'No such calendar feed');
      const access = await trips
        .authorize(feed.trip_id, { userId: user.id, role: user.role }, 'read')
        .catch(() => undefined);
      if (!access) throw notFound('feed_not_found', 'No such calendar feed');
      const c = await contents(access.trip, access.role);
      return buildCalendar(c.trip, c.items, c.plan);
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
