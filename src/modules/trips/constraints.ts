import type { ConstraintError } from '../../platform/http/errors.js';

/** Trip constraint violations as clients see them (the service adds the allowed moves as details). */
export const TRIPS_CONSTRAINTS = {
  trips_status_transition: {
    statusCode: 409,
    code: 'invalid_status_transition',
    message: 'The trip cannot move to this status from where it is',
  },
} as const satisfies Record<string, ConstraintError>;
