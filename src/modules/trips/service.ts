import type { Clock } from '../../platform/clock.js';
import { daysBetween } from '../../platform/dates.js';
import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { badRequest, conflict, forbidden, notFound } from '../../platform/http/errors.js';
import type { Idempotency, Outcome } from '../../platform/http/idempotency.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { Db } from '../database.js';
import type { IdentityService } from '../identity/service.js';
import type { NotificationsService } from '../notifications/service.js';
import { createCollaborators } from './collaborators.js';
import { type ItemSources, resolveItem } from './items.js';
import { checkDays, checkNear, itemsOutside } from './promises.js';
import { createTripsRepository, type TripRow, toTrip } from './repository.js';
import type { ItemCreate, Trip, TripCreate, TripItem, TripRole, TripUpdate } from './schemas.js';
import { createTripStatus } from './status.js';

export { toTrip };

export const COMPLETE_JOB = 'trips.complete-ended';

declare module '../../platform/jobs.js' {
  interface JobCatalogue {
    'trips.complete-ended': Record<string, never>;
  }
}

/** read: see the trip and export it; edit: change it and its items; manage: share or delete it. */
export type TripNeed = 'read' | 'edit' | 'manage';

const MAY: Record<TripRole, TripNeed[]> = {
  owner: ['read', 'edit', 'manage'],
  admin: ['read', 'edit', 'manage'],
  editor: ['read', 'edit'],
  viewer: ['read'],
};

export interface TripsDeps extends ItemSources {
  db: Db;
  identity: IdentityService;
  notifications: NotificationsService;
  clock: Clock;
  metrics: Metrics;
  idempotency: Idempotency;
}

export function createTripsService(deps: TripsDeps) {
  const { db, identity, notifications, clock, pois } = deps;
  const repo = createTripsRepository(db);
  const changes = deps.metrics.counter('voyage_trip_status_changes_total', 'Trip status changes', [
    'to',
    'by',
  ]);

  /**
   * The address invitations bind to: the account's email once verified. Until then none ('' matches
   * no invitation), so an invitation to an address goes only to whoever proves they receive its mail.
   */
  async function emailOf(userId: string) {
    return (await identity.verifiedEmailOf(userId)) ?? '';
  }

  /** The caller's role on a trip; strangers get 404, so that trip ids do not leak. */
  async function authorize(
    tripId: string,
    who: Principal,
    need: TripNeed,
  ): Promise<{ trip: TripRow; role: TripRole }> {
    const trip = await repo.find(tripId);
    if (!trip) throw notFound('trip_not_found', 'Trip not found');
    let role: TripRole | undefined;
    if (trip.owner_id === who.userId) role = 'owner';
    else if (who.role === 'admin') role = 'admin';
    else role = await repo.collaboratorRole(tripId, await emailOf(who.userId));
    if (!role) throw notFound('trip_not_found', 'Trip not found');
    if (!MAY[role].includes(need)) throw forbidden('trip_forbidden', `A trip ${role} cannot do this`);
    return { trip, role };
  }

  function checkDates(start: string, end: string) {
    if (start > end) throw badRequest('invalid_dates', 'startDate must not be after endDate');
    if (daysBetween(start, end) > 60) throw badRequest('trip_too_long', 'A trip lasts at most 61 days');
  }

  /** Checks the caller may use the booking (it must be theirs); returns the column to set. */
  async function bookingColumn(input: ItemCreate, who: Principal) {
    switch (input.kind) {
      case 'car_booking':
        await deps.rentals.get(input.bookingId, who);
        return { car_booking_id: input.bookingId };
      case 'stay_booking':
        await deps.stays.get(input.bookingId, who);
        return { stay_booking_id: input.bookingId };
      case 'flight_booking':
        await deps.flights.get(input.bookingId, who);
        return { flight_booking_id: input.bookingId };
      default:
        return undefined;
    }
  }

  /** Resolved items of a trip already authorised, in time order. */
  async function itemsOf(trip: TripRow): Promise<TripItem[]> {
    const rows = await repo.items(trip.id);
    const items = await Promise.all(rows.map((r) => resolveItem(r, trip, deps)));
    return items.sort((a, b) => (a.startsAt ?? '9999').localeCompare(b.startsAt ?? '9999'));
  }

  /** Where an item happens, for the distance check: its place, or a flight's two airports. */
  async function placesOf(item: TripItem) {
    if (item.kind === 'flight_booking') {
      const b = await deps.flights.find(item.refId!);
      const ends = new Set([b?.origin, b?.destination]);
      return (await deps.flights.listAirports()).filter((a) => ends.has(a.iata));
    }
    const at = item.location;
    return at && at.lat !== null && at.lng !== null ? [{ lat: at.lat, lng: at.lng }] : [];
  }

  const status = createTripStatus({
    repo,
    sources: deps,
    clock,
    changes,
    authorize,
    itemsOf,
    toTrip,
  });

  return {
    authorize,
    setStatus: status.setStatus,

    /** Creates once per Idempotency-Key: a repeat with the same body gets the first trip. */
    createOnce(ownerId: string, input: TripCreate, key?: string): Promise<Outcome<Trip>> {
      return deps.idempotency.run<Trip>(
        { userId: ownerId, key, operation: 'trips.create', request: input },
        async () => ({ statusCode: 201, body: await this.create(ownerId, input) }),
      );
    },

    async create(ownerId: string, input: TripCreate): Promise<Trip> {
      checkDates(input.startDate, input.endDate);
      const city = await pois.city(input.destination);
      const timeZone = input.timeZone ?? city?.timeZone;
      if (!timeZone)
        throw badRequest(
          'time_zone_required',
          `${input.destination} is not in the catalogue: give its timeZone`,
        );
      const row = await repo.insert({
        owner_id: ownerId,
        name: input.name,
        destination: city?.city ?? input.destination,
        destination_lat: city?.lat ?? null,
        destination_lng: city?.lng ?? null,
        time_zone: timeZone,
        start_date: input.startDate,
        end_date: input.endDate,
        travellers: input.travellers,
      });
      return toTrip(row, 'owner');
    },

    async list(who: Principal): Promise<Trip[]> {
      const rows = await repo.listFor(who.userId, await emailOf(who.userId));
      return rows.map((r) =>
        toTrip(r, r.owner_id === who.userId ? 'owner' : (r.collaborator_role ?? 'viewer')),
      );
    },

    /**
     * A booked trip whose bookings were all cancelled on their own (not through the trip) reads
     * as planning again: opening it settles its status.
     */
    async get(id: string, who: Principal): Promise<Trip> {
      const { trip, role } = await authorize(id, who, 'read');
      if (trip.status !== 'booked') return toTrip(trip, role);
      await status.settle(trip);
      return toTrip((await repo.find(id)) ?? trip, role);
    },

    /** New dates must still hold the trip's bookings and activities (409 items_outside_trip). */
    async update(id: string, who: Principal, patch: TripUpdate): Promise<Trip> {
      const { trip, role } = await authorize(id, who, 'edit');
      const days = {
        start_date: patch.startDate ?? trip.start_date,
        end_date: patch.endDate ?? trip.end_date,
        time_zone: trip.time_zone,
      };
      checkDates(days.start_date, days.end_date);
      if (days.start_date !== trip.start_date || days.end_date !== trip.end_date) {
        const outside = itemsOutside(days, await itemsOf(trip));
        if (outside.length)
          throw conflict(
            'items_outside_trip',
            `${outside.length} of the trip's items would fall outside ${days.start_date} to ${days.end_date}`,
            {
              items: outside.map((i) => ({
                id: i.id,
                kind: i.kind,
                title: i.title,
                reference: i.reference,
                startsAt: i.startsAt,
                endsAt: i.endsAt,
              })),
            },
          );
      }
      const row = await repo.update(id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.startDate !== undefined && { start_date: patch.startDate }),
        ...(patch.endDate !== undefined && { end_date: patch.endDate }),
        ...(patch.travellers !== undefined && { travellers: patch.travellers }),
      });
      if (!row) throw notFound('trip_not_found', 'Trip not found');
      return toTrip(row, role);
    },

    async remove(id: string, who: Principal): Promise<void> {
      await authorize(id, who, 'manage');
      await repo.remove(id);
    },

    /** Trips whose end date has passed where they happen become completed. */
    async completeEnded(): Promise<number> {
      const n = await repo.completeEnded(clock.now());
      if (n) changes.inc({ to: 'completed', by: 'schedule' }, n);
      return n;
    },

    async items(id: string, who: Principal): Promise<TripItem[]> {
      const { trip } = await authorize(id, who, 'read');
      return this.itemsOf(trip);
    },

    /** Resolved items of a trip already authorised (exports, the planner). */
    itemsOf,

    /**
     * An item must be on the trip's days and near its destination (422 item_outside_trip,
     * item_far_from_destination), checked on the item as it will read.
     */
    async addItem(id: string, who: Principal, input: ItemCreate): Promise<TripItem> {
      const { trip } = await authorize(id, who, 'edit');
      const booking = await bookingColumn(input, who);
      if (input.kind === 'activity') {
        await pois.get(input.poiId);
        if (input.endsAt && input.endsAt <= input.startsAt)
          throw badRequest('invalid_window', 'endsAt must be after startsAt');
      }
      const values = {
        trip_id: id,
        kind: input.kind,
        car_booking_id: null,
        stay_booking_id: null,
        flight_booking_id: null,
        poi_id: input.kind === 'activity' ? input.poiId : null,
        title: input.kind === 'activity' || input.kind === 'note' ? (input.title ?? null) : null,
        body: input.kind === 'note' ? input.body : null,
        starts_at: input.kind === 'activity' || input.kind === 'note' ? (input.startsAt ?? null) : null,
        ends_at: input.kind === 'activity' ? (input.endsAt ?? null) : null,
        created_by: who.userId,
        ...booking,
      };
      // Checked as it will read, before the transaction (which holds the connection other reads need).
      const draft = await resolveItem({ ...values, id, created_at: clock.now() }, trip, deps);
      checkDays(trip, draft);
      checkNear(trip, draft, await placesOf(draft));
      try {
        const row = await db.transaction().execute(async (tx) => {
          const inserted = await repo.insertItem(values, tx);
          if (booking && draft.status === 'confirmed') await repo.markBooked(id, tx);
          return inserted;
        });
        return resolveItem(row, trip, deps);
      } catch (err) {
        if (
          isConstraintViolation(err, 'trip_items_car_key') ||
          isConstraintViolation(err, 'trip_items_stay_key') ||
          isConstraintViolation(err, 'trip_items_flight_key')
        )
          throw conflict('item_exists', 'This booking is already part of the trip');
        throw err;
      }
    },

    async removeItem(id: string, who: Principal, itemId: string): Promise<void> {
      const { trip } = await authorize(id, who, 'edit');
      if (!(await repo.removeItem(id, itemId))) throw notFound('item_not_found', 'Item not found');
      await status.settle(trip);
    },

    ...createCollaborators({ db, repo, identity, notifications, authorize }),
  };
}

export type TripsService = ReturnType<typeof createTripsService>;
