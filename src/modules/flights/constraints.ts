import { SUBJECT_GONE } from '../../platform/http/auth.js';
import type { ConstraintError } from '../../platform/http/errors.js';

/** Flight constraint violations as clients see them (the service and the error handler use these). */
export const FLIGHTS_CONSTRAINTS = {
  flight_bookings_offer_key: {
    statusCode: 409,
    code: 'offer_already_booked',
    message: 'This offer has already been booked',
  },
  flight_routes_flight_number_key: {
    statusCode: 409,
    code: 'flight_number_taken',
    message: 'A route with this flight number exists',
  },
  flight_bookings_user_id_fkey: SUBJECT_GONE,
} as const satisfies Record<string, ConstraintError>;
