import type { ConstraintError } from '../../platform/http/errors.js';

/** identity's constraint violations as clients see them (the service and the error handler use these). */
export const IDENTITY_CONSTRAINTS = {
  users_email_key: {
    statusCode: 409,
    code: 'email_taken',
    message: 'An account with this email already exists',
  },
} as const satisfies Record<string, ConstraintError>;
