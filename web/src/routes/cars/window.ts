import { now, parseAbsolute, type ZonedDateTime } from '@internationalized/date';

/** Default rental window: tomorrow 10:00 to three days later, in the place's zone. */
export function defaultWindow(timeZone: string): { pickup: ZonedDateTime; dropoff: ZonedDateTime } {
  const pickup = now(timeZone).add({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
  return { pickup, dropoff: pickup.add({ days: 3 }) };
}

export const toIso = (z: ZonedDateTime) => z.toAbsoluteString();
export const fromIso = (iso: string, timeZone: string) => parseAbsolute(iso, timeZone);
