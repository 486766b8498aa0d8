import type { z } from 'zod';
import { badRequest, conflict } from '../../platform/http/errors.js';
import type { Metrics } from '../../platform/observability/metrics.js';
import type { CheckoutKindName } from './kind.js';

/** Holds lapse after at most this long (a checkout that takes longer starts again). */
export const MAX_HOLD_MINUTES = 60;

/** Released holds, whichever released them: a booking that collided with one, or the job. */
export const holdsExpiredCounter = (metrics: Metrics) => {
  const counter = metrics.counter('voyage_holds_expired_total', 'Lapsed holds released, by kind', ['kind']);
  return (kind: CheckoutKindName, n: number) => {
    if (n > 0) counter.inc({ kind }, n);
  };
};

/** When a hold taken now lapses. */
export function holdUntil(now: Date, holdMinutes: number): Date {
  if (!Number.isFinite(holdMinutes) || holdMinutes <= 0 || holdMinutes > MAX_HOLD_MINUTES)
    throw badRequest('invalid_hold', `A hold lasts more than 0 and at most ${MAX_HOLD_MINUTES} minutes`);
  return new Date(now.getTime() + holdMinutes * 60_000);
}

/** A kind's booking body, checked with the kind's own schema: 400 validation_failed otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw badRequest(
      'validation_failed',
      'The booking is not valid',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

/** The answer of the older cancel routes for what only checkout may cancel. */
export const cancelThroughCheckout = () =>
  conflict(
    'cancel_through_checkout',
    'This booking is being paid for or was paid: cancel it through checkout, which refunds it',
  );

export const bookingNotCancelled = () =>
  conflict('booking_not_cancelled', 'Only a cancelled booking can be marked refunded');

export const refundTooLarge = () => badRequest('refund_too_large', 'A refund cannot exceed what was charged');
