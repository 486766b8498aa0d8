import { DateTime } from 'luxon';

/** Calendar dates (YYYY-MM-DD) and wall-clock times in a named time zone. */

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(date: string): boolean {
  return ISO_DATE.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
}

/** Nights from one date to a later one (or days between them). */
export function daysBetween(from: string, to: string): number {
  return Math.round(
    DateTime.fromISO(to, { zone: 'UTC' }).diff(DateTime.fromISO(from, { zone: 'UTC' }), 'days').days,
  );
}

/** Every date from `from` up to but not including `to`. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The calendar date it is now in a time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}

/** The instant of a wall-clock time ("15:00" or "15:00:00") on a date in a time zone. */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  return DateTime.fromISO(`${date}T${time.length === 5 ? `${time}:00` : time}`, {
    zone: timeZone,
  }).toJSDate();
}

/** Minutes since local midnight of an instant in a time zone. */
export function minutesOfDay(instant: Date, timeZone: string): number {
  const t = DateTime.fromJSDate(instant, { zone: timeZone });
  return t.hour * 60 + t.minute;
}

/** "HH:MM" → minutes since midnight. */
export function parseClock(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** Day of week of a date, 0 = Monday … 6 = Sunday. */
export function weekday(date: string): number {
  return DateTime.fromISO(date, { zone: 'UTC' }).weekday - 1;
}
