import { SUBJECT_GONE } from '../../platform/http/auth.js';
import type { ConstraintError } from '../../platform/http/errors.js';

/** Trip constraint violations as clients see them (the service adds the allowed moves as details). */
export const TRIPS_CONSTRAINTS = {
  trips_status_transition: {
    statusCode: 409,
    code: 'invalid_status_transition',
    message: 'The trip cannot move to this status from where it is',
  },
  trips_owner_id_fkey: SUBJECT_GONE,
  trip_items_created_by_fkey: SUBJECT_GONE,
} as const satisfies Record<string, ConstraintError>;
