import type { ConstraintError } from '../../platform/http/errors.js';

/** Feature-flag constraint violations as clients see them. */
export const FLAGS_CONSTRAINTS = {
  feature_flags_global_check: {
    statusCode: 400,
    code: 'flag_not_targetable',
    message: 'Operational and kill-switch flags are on or off for everyone',
  },
} as const satisfies Record<string, ConstraintError>;
