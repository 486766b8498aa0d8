/**
 * Errors with stable machine codes. Clients switch on `code`; `message` is for humans and may change.
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; traceId?: string; details?: unknown };
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, details);
export const unauthorized = (code = 'unauthorized', message = 'Authentication required') =>
  new AppError(401, code, message, undefined, { 'www-authenticate': 'Bearer' });
export const forbidden = (code = 'forbidden', message = 'You are not allowed to do this') =>
  new AppError(403, code, message);
export const notFound = (code: string, message: string) => new AppError(404, code, message);
export const conflict = (code: string, message: string, details?: unknown) =>
  new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) =>
  new AppError(422, code, message, details);
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) =>
  new AppError(429, code, message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
export const serviceUnavailable = (code: string, message: string) => new AppError(503, code, message);

/** How a violated database constraint reads to a client; modules register theirs. */
export interface ConstraintError {
  statusCode: number;
  code: string;
  message: string;
}

/** The error a module declared for one of its constraints, thrown where the service catches it. */
export const constraintError = (e: ConstraintError, details?: unknown) =>
  new AppError(e.statusCode, e.code, e.message, details);
