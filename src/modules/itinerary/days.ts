import { addDays, datesBetween, minutesOfDay, parseClock, todayIn } from '../../platform/dates.js';
import type { TripItem } from '../trips/schemas.js';
import type { TripRow } from '../trips/tables.js';
import { PACES } from './planner.js';
import type { Busy, DayInput } from './scheduler.js';
import type { Point } from './travel.js';

/** A car handover (pickup, drop-off) and a stay's check-in take this long at the counter. */
const HANDOVER_MINUTES = 30;
/** Before a flight: getting to the airport and through it; after: getting out and into town. */
const FLIGHT_BEFORE_MINUTES = 120;
const FLIGHT_AFTER_MINUTES = 60;

interface Occupied {
  from: number;
  to: number;
  at: Point | null;
  what: string;
}

/** The time the trip's own live items take, as instants (ms), with where the traveller is. */
function occupied(items: readonly TripItem[]): Occupied[] {
  const out: Occupied[] = [];
  const min = 60_000;
  for (const i of items) {
    if (i.status === 'cancelled' || !i.startsAt) continue;
    const start = Date.parse(i.startsAt);
    const end = i.endsAt ? Date.parse(i.endsAt) : start;
    const at =
      i.location?.lat != null && i.location.lng != null ? { lat: i.location.lat, lng: i.location.lng } : null;
    if (i.kind === 'activity') out.push({ from: start, to: end, at, what: i.title });
    else if (i.kind === 'car_booking') {
      out.push({ from: start, to: start + HANDOVER_MINUTES * min, at, what: `Car pickup (${i.title})` });
      out.push({ from: end - HANDOVER_MINUTES * min, to: end, at, what: `Car drop-off (${i.title})` });
    } else if (i.kind === 'stay_booking')
      out.push({ from: start, to: start + HANDOVER_MINUTES * min, at, what: `Check-in (${i.title})` });
    else if (i.kind === 'flight_booking')
      out.push({
        from: start - FLIGHT_BEFORE_MINUTES * min,
        to: end + FLIGHT_AFTER_MINUTES * min,
        at: null,
        what: i.title,
      });
  }
  return out;
}

/** The part of each occupied time that falls on `date`, in local minutes. */
function busyOn(date: string, tz: string, spans: readonly Occupied[]): Busy[] {
  const localDate = (ms: number) => todayIn(tz, new Date(ms));
  return spans
    .filter((o) => localDate(o.from) <= date && localDate(o.to) >= date && o.to > o.from)
    .map((o) => ({
      start: localDate(o.from) < date ? 0 : minutesOfDay(new Date(o.from), tz),
      end: localDate(o.to) > date ? 24 * 60 : minutesOfDay(new Date(o.to), tz),
      at: o.at,
      what: o.what,
    }))
    .filter((b) => b.end > b.start)
    .sort((a, b) => a.start - b.start);
}

/**
 * The days to plan: the pace's window, shortened by an arriving flight on the first day and a
 * departing one on the last; each day starts and ends at the stay booked for that night, or at
 * the destination's centre, and carries the times the trip's own items take (no visit overlaps
 * an activity, a car pickup or drop-off, a flight or a check-in).
 */
export function dayInputs(
  trip: TripRow,
  items: TripItem[],
  pace: keyof typeof PACES,
  centre: { lat: number; lng: number },
): DayInput[] {
  const tz = trip.time_zone;
  const localDate = (iso: string) => todayIn(tz, new Date(iso));
  const live = items.filter((i) => i.status !== 'cancelled');
  const stays = live.filter((i) => i.kind === 'stay_booking' && i.location?.lat != null);
  const flights = live.filter((i) => i.kind === 'flight_booking');
  const spans = occupied(live);
  return datesBetween(trip.start_date, addDays(trip.end_date, 1)).map((date) => {
    let start = parseClock(PACES[pace].start);
    let end = parseClock(PACES[pace].end);
    for (const f of flights) {
      if (date === trip.start_date && f.endsAt && localDate(f.endsAt) === date)
        start = Math.max(start, minutesOfDay(new Date(f.endsAt), tz) + 60);
      if (date === trip.end_date && f.startsAt && localDate(f.startsAt) === date)
        end = Math.min(end, minutesOfDay(new Date(f.startsAt), tz) - 180);
    }
    const stay =
      stays.find((s) => localDate(s.startsAt!) <= date && date < localDate(s.endsAt!)) ??
      stays.find((s) => localDate(s.endsAt!) === date);
    const base = stay
      ? { name: stay.location!.name, lat: stay.location!.lat!, lng: stay.location!.lng! }
      : { name: `${trip.destination} centre`, lat: centre.lat, lng: centre.lng };
    return { date, start, end: Math.max(start, end), base, busy: busyOn(date, tz, spans) };
  });
}
