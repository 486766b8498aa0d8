import { addDays, zonedInstant } from '../../platform/dates.js';
import { unprocessable } from '../../platform/http/errors.js';
import { haversineKm, type Point } from '../itinerary/travel.js';
import type { TripItem } from './schemas.js';
import type { TripRow } from './tables.js';

/**
 * What a trip promises about its items: they happen on its days and near its destination.
 * Voyage refuses an item that breaks either (422), and a date change that would leave items
 * outside the trip (409), rather than accepting and warning: a trip is a plan people act on.
 */

/** An item farther than this from the destination's centre (every end of it, for a flight) is refused. */
export const FAR_KM = 200;

type TripDays = Pick<TripRow, 'start_date' | 'end_date' | 'time_zone'>;

/**
 * Whether an item fits the trip's days: it overlaps them, and it starts and ends no further out
 * than the day either side (an overnight flight out, a check-out the morning after the last night).
 * An item without a time always fits.
 */
export function fitsDays(days: TripDays, item: Pick<TripItem, 'startsAt' | 'endsAt'>): boolean {
  if (!item.startsAt) return true;
  const tz = days.time_zone;
  const start = Date.parse(item.startsAt);
  const end = item.endsAt ? Date.parse(item.endsAt) : start;
  const first = zonedInstant(days.start_date, '00:00', tz).getTime();
  const after = zonedInstant(addDays(days.end_date, 1), '00:00', tz).getTime();
  const reachFrom = zonedInstant(addDays(days.start_date, -1), '00:00', tz).getTime();
  const reachTo = zonedInstant(addDays(days.end_date, 2), '00:00', tz).getTime();
  const overlaps = start < after && (end > first || (end === start && start >= first));
  return overlaps && start >= reachFrom && end <= reachTo;
}

/** Bookings and activities that would not fit the trip's days. */
export function itemsOutside(days: TripDays, items: readonly TripItem[]): TripItem[] {
  return items.filter((i) => i.kind !== 'note' && i.status !== 'cancelled' && !fitsDays(days, i));
}

/** Bookings and activities only: a note may remind of something before or after the trip. */
export function checkDays(trip: TripRow, item: TripItem): void {
  if (item.kind === 'note' || fitsDays(trip, item)) return;
  throw unprocessable(
    'item_outside_trip',
    `${item.title} is not on the trip's days (${trip.start_date} to ${trip.end_date}, ${trip.time_zone})`,
    { startDate: trip.start_date, endDate: trip.end_date, startsAt: item.startsAt, endsAt: item.endsAt },
  );
}

/**
 * Refuses an item none of whose places (`points`: the item's place, or a flight's two airports) is
 * within FAR_KM of the destination. A destination outside the catalogue has no centre: no check.
 */
export function checkNear(trip: TripRow, item: TripItem, points: readonly Point[]): void {
  if (trip.destination_lat === null || trip.destination_lng === null || points.length === 0) return;
  const centre = { lat: trip.destination_lat, lng: trip.destination_lng };
  const nearest = Math.min(...points.map((p) => haversineKm(centre, p)));
  if (nearest <= FAR_KM) return;
  throw unprocessable(
    'item_far_from_destination',
    `${item.title} is ${Math.round(nearest)} km from ${trip.destination} (at most ${FAR_KM} km)`,
    { destination: trip.destination, distanceKm: Math.round(nearest), limitKm: FAR_KM },
  );
}
