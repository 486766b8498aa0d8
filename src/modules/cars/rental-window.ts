import { badRequest } from '../../platform/http/errors.js';

/**
 * The rental window rule, shared by search (cars free for a window) and rentals (booking one):
 * pickup before drop-off, pickup in the future, at most MAX_RENTAL_DAYS charged days.
 */
export const MAX_RENTAL_DAYS = 90;
const DAY_MS = 86_400_000;

/** Rentals are charged per started 24-hour period. */
export function rentalDays(pickup: Date, dropoff: Date): number {
  return Math.max(1, Math.ceil((dropoff.getTime() - pickup.getTime()) / DAY_MS));
}

/** Throws the window's first broken rule as a 400 with its stable code; returns the charged days. */
export function checkRentalWindow(pickup: Date, dropoff: Date, now: Date): number {
  if (pickup >= dropoff) throw badRequest('invalid_window', 'pickup must be before drop-off');
  // Search keeps availability for the future only (cars.busy forgets bookings that ended).
  if (pickup <= now) throw badRequest('pickup_in_past', 'pickup must be in the future');
  const days = rentalDays(pickup, dropoff);
  if (days > MAX_RENTAL_DAYS)
    throw badRequest('rental_too_long', `A rental lasts at most ${MAX_RENTAL_DAYS} days`);
  return days;
}
