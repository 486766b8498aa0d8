import { SUBJECT_GONE } from '../../platform/http/auth.js';
import type { ConstraintError } from '../../platform/http/errors.js';

/** Stay constraint violations as clients see them (the error handler uses these). */
export const STAYS_CONSTRAINTS = {
  stay_bookings_user_id_fkey: SUBJECT_GONE,
} as const satisfies Record<string, ConstraintError>;
