import { SUBJECT_GONE } from '../../../platform/http/auth.js';
import type { ConstraintError } from '../../../platform/http/errors.js';

/** Rental constraint violations as clients see them (the service and the error handler use these). */
export const RENTALS_CONSTRAINTS = {
  bookings_no_overlap: {
    statusCode: 409,
    code: 'booking_conflict',
    message: 'The car is already booked for part of this window',
  },
  bookings_user_id_fkey: SUBJECT_GONE,
  idempotency_keys_user_id_fkey: SUBJECT_GONE,
} as const satisfies Record<string, ConstraintError>;
