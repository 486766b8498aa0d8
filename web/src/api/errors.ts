import { t } from '../i18n';

/** An API failure as the app handles it: the status, Voyage's stable error code and its details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Reads Voyage's error shape {error:{code,message,details}}; anything else gets a code by status. */
export function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (e && typeof e.code === 'string') {
    return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, e.details);
  }
  const code =
    status === 401
      ? 'unauthorized'
      : status === 404
        ? 'not_found'
        : status >= 500
          ? 'internal_error'
          : 'fallback';
  return new ApiError(status, code, `HTTP ${status}`);
}

/** The sentence for an error: one table (t.errors) from code to words, never the raw body. */
export function errorSentence(err: unknown): string {
  if (err instanceof ApiError) return t.errors[err.code] ?? t.errors.fallback!;
  return t.errors.fallback!;
}

export const isNetworkError = (err: unknown) =>
  err instanceof ApiError && (err.code === 'network' || err.status >= 500);
