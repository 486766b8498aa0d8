import type { Clock } from '../../platform/clock.js';
import { todayIn } from '../../platform/dates.js';
import type { Principal } from '../../platform/http/auth.js';
import { AppError, conflict } from '../../platform/http/errors.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import { TRIPS_CONSTRAINTS } from './constraints.js';
import type { ItemSources } from './items.js';
import type { TripsRepository } from './repository.js';
import type { BookingOutcome, StatusChange, StatusResult, Trip, TripItem, TripRole } from './schemas.js';
import type { TripRow, TripStatus } from './tables.js';

type Authorize = (
  tripId: string,
  who: Principal,
  need: 'read' | 'edit' | 'manage',
) => Promise<{ trip: TripRow; role: TripRole }>;

type BookingKind = BookingOutcome['kind'];
const BOOKING_KINDS: readonly string[] = ['car_booking', 'stay_booking', 'flight_booking'];
const isBooking = (i: TripItem): i is TripItem & { kind: BookingKind; refId: string } =>
  BOOKING_KINDS.includes(i.kind) && i.refId !== null;

/** A trip is booked while at least one of its bookings is confirmed. */
export const hasLiveBooking = (items: readonly TripItem[]) =>
  items.some((i) => isBooking(i) && i.status === 'confirmed');

/**
 * Status follows the facts: a trip is completed only once its last day is over where it happens,
 * booked only with a confirmed booking; the transition table (a database trigger) governs the rest.
 * Cancelling says what becomes of each booking, and cancels them when asked, each through the
 * service that owns it (so each is audited and its traveller emailed as any cancellation is).
 */
export function createTripStatus(deps: {
  repo: TripsRepository;
  sources: ItemSources;
  clock: Clock;
  changes: ReturnType<Metrics['counter']>;
  authorize: Authorize;
  itemsOf: (trip: TripRow) => Promise<TripItem[]>;
  toTrip: (r: TripRow, role: TripRole) => Trip;
}) {
  const { repo, sources, clock, authorize, itemsOf, toTrip } = deps;

  async function refuseTransition(from: TripStatus, to: TripStatus): Promise<never> {
    const allowed = await repo.allowedTransitions(from);
    const { statusCode, code } = TRIPS_CONSTRAINTS.trips_status_transition;
    throw new AppError(statusCode, code, `A ${from} trip cannot become ${to}`, { from, to, allowed });
  }

  function cancelBooking(kind: BookingKind, id: string, who: Principal) {
    if (kind === 'car_booking') return sources.rentals.cancel(id, who);
    if (kind === 'stay_booking') return sources.stays.cancel(id, who);
    return sources.flights.cancel(id, who);
  }

  async function bookingOutcomes(items: TripItem[], who: Principal, cancel: boolean) {
    const out: BookingOutcome[] = [];
    for (const item of items.filter(isBooking)) {
      const base = { itemId: item.id, kind: item.kind, bookingId: item.refId, reference: item.reference };
      if (item.status === 'cancelled') out.push({ ...base, outcome: 'already_cancelled', code: null });
      else if (!cancel) out.push({ ...base, outcome: 'kept', code: null });
      else {
        try {
          await cancelBooking(item.kind, item.refId, who);
          out.push({ ...base, outcome: 'cancelled', code: null });
        } catch (err) {
          if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
          out.push({ ...base, outcome: 'not_cancelled', code: err.code });
        }
      }
    }
    return out;
  }

  return {
    async setStatus(id: string, who: Principal, change: StatusChange): Promise<StatusResult> {
      const { trip, role } = await authorize(id, who, 'edit');
      const { status } = change;
      if (trip.status === status && status !== 'cancelled') return toTrip(trip, role);
      if (trip.status !== status && !(await repo.allowedTransitions(trip.status)).includes(status))
        await refuseTransition(trip.status, status);
      const items = await itemsOf(trip);
      if (status === 'completed' && trip.end_date >= todayIn(trip.time_zone, clock.now()))
        throw conflict('trip_not_ended', `The trip ends on ${trip.end_date}: it completes after that`, {
          endDate: trip.end_date,
        });
      if (status === 'booked' && !hasLiveBooking(items))
        throw conflict('trip_has_no_bookings', 'A trip is booked once it holds a confirmed booking');
      const bookings =
        status === 'cancelled' ? await bookingOutcomes(items, who, change.cancelBookings) : undefined;
      let row = trip;
      if (trip.status !== status) {
        row = (await repo.update(id, { status }))!;
        deps.changes.inc({ to: status, by: 'user' });
      }
      return { ...toTrip(row, role), ...(bookings && { bookings }) };
    },

    /** After an item goes: a booked trip with no confirmed booking left is back to planning. */
    async settle(trip: TripRow): Promise<void> {
      if (trip.status !== 'booked') return;
      if (hasLiveBooking(await itemsOf(trip))) return;
      await repo.update(trip.id, { status: 'planning' });
      deps.changes.inc({ to: 'planning', by: 'facts' });
    },
  };
}
