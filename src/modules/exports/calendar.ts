import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, { ICalEventStatus } from 'ical-generator';
import { DateTime } from 'luxon';
import { addDays } from '../../platform/dates.js';
import { formatDateTime } from '../../platform/format.js';
import type { Plan } from '../itinerary/schemas.js';
import type { Trip, TripItem } from '../trips/schemas.js';

const DOMAIN = 'voyage';

/**
 * A UID names the thing, not the export: the same booking, activity or planned visit keeps its
 * UID in every export, so that importing the calendar again updates events instead of adding
 * copies. A change bumps SEQUENCE (a cancellation is a change).
 */
function uidOf(item: TripItem): string {
  return item.refId && item.kind !== 'activity'
    ? `${item.kind.replace('_', '-')}-${item.refId}@${DOMAIN}`
    : `trip-item-${item.id}@${DOMAIN}`;
}

/** An instant shown in the zone it happens in; the calendar gets that zone's VTIMEZONE. */
const zoned = (iso: string, timeZone: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(timeZone);

export function buildCalendar(trip: Trip, items: TripItem[], plan: Plan | undefined): string {
  const cal = ical({
    name: `Voyage: ${trip.name}`,
    description: `${trip.destination}, ${trip.startDate} to ${trip.endDate}`,
    prodId: { company: 'Voyage', product: 'Trips', language: 'EN' },
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  const stamp = DateTime.fromISO(trip.updatedAt, { zone: 'utc' });

  cal.createEvent({
    id: `trip-${trip.id}@${DOMAIN}`,
    allDay: true,
    start: DateTime.fromISO(trip.startDate, { zone: 'utc' }),
    end: DateTime.fromISO(addDays(trip.endDate, 1), { zone: 'utc' }),
    summary: `${trip.name} (${trip.destination})`,
    status: trip.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    sequence: trip.status === 'cancelled' ? 1 : 0,
    stamp,
  });

  for (const item of items) {
    if (!item.startsAt) continue;
    const cancelled = item.status === 'cancelled';
    const crossesZones = !!item.endTimeZone && item.endTimeZone !== item.timeZone;
    const details = [
      item.reference ? `Reference: ${item.reference}` : undefined,
      crossesZones && item.endsAt
        ? `Departs ${formatDateTime(item.startsAt, item.timeZone)} (${item.timeZone}), arrives ${formatDateTime(item.endsAt, item.endTimeZone!)} (${item.endTimeZone})`
        : undefined,
      item.status ? `Status: ${item.status}` : undefined,
      item.body ?? undefined,
    ].filter(Boolean);
    cal.createEvent({
      id: uidOf(item),
      // Both ends are the right instants, written in the start's zone (one TZID per event); an item
      // that ends in another zone (a flight) says its arrival in the arrival zone in the description.
      start: zoned(item.startsAt, item.timeZone),
      end: zoned(item.endsAt ?? item.startsAt, item.timeZone),
      timezone: item.timeZone,
      summary: item.title,
      ...(item.location && { location: item.location.name }),
      ...(details.length && { description: details.join('\n') }),
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      sequence: cancelled ? 1 : 0,
      stamp: DateTime.fromISO(item.createdAt, { zone: 'utc' }),
    });
  }

  for (const day of plan?.days ?? []) {
    for (const stop of day.stops) {
      cal.createEvent({
        // The same place on the same day is the same visit, whatever time a new plan gives it.
        id: `plan-${trip.id}-${day.date}-${stop.poiId}@${DOMAIN}`,
        start: zoned(stop.startAt, trip.timeZone),
        end: zoned(stop.endAt, trip.timeZone),
        timezone: trip.timeZone,
        summary: stop.name,
        location: stop.name,
        description: `${stop.category}; ${stop.travelMinutes} min travel before`,
        stamp: DateTime.fromISO(plan!.createdAt, { zone: 'utc' }),
      });
    }
  }
  return cal.toString();
}
