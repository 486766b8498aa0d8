import { daysBetween } from '../../platform/dates.js';
import { badRequest } from '../../platform/http/errors.js';

export const MAX_NIGHTS = 30;

/** A stay's dates in order and not too long; returns the nights. */
export function checkStayDates(checkIn: string, checkOut: string) {
  if (checkIn >= checkOut) throw badRequest('invalid_dates', 'checkIn must be before checkOut');
  const nights = daysBetween(checkIn, checkOut);
  if (nights > MAX_NIGHTS) throw badRequest('stay_too_long', `A stay lasts at most ${MAX_NIGHTS} nights`);
  return nights;
}
