/** Postgres error classification; SQLSTATE codes from the PostgreSQL manual, appendix A. */
export interface PgError extends Error {
  code: string;
  constraint?: string;
  detail?: string;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
  notNullViolation: '23502',
  invalidTextRepresentation: '22P02',
  numericOutOfRange: '22003',
  datetimeFieldOverflow: '22008',
  invalidDatetimeFormat: '22007',
  queryCanceled: '57014',
  lockNotAvailable: '55P03',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
} as const;

export function isPgError(err: unknown): err is PgError {
  return (
    err instanceof Error &&
    typeof (err as PgError).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((err as PgError).code)
  );
}

export function isConstraintViolation(err: unknown, constraint?: string): err is PgError {
  if (!isPgError(err) || !err.code.startsWith('23')) return false;
  return constraint === undefined || err.constraint === constraint;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'EAI_AGAIN',
]);

/** Errors that mean the database is unreachable rather than that the query was wrong. */
export function isConnectionError(err: unknown): boolean {
  if (isPgError(err))
    return (
      err.code.startsWith('08') ||
      err.code === SQLSTATE.adminShutdown ||
      err.code === SQLSTATE.crashShutdown ||
      err.code === SQLSTATE.cannotConnectNow ||
      err.code === SQLSTATE.tooManyConnections
    );
  if (!(err instanceof Error)) return false;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|not queryable|Cannot use a pool after calling end|connection is closed/i.test(
    err.message,
  );
}
