import { z } from 'zod';
import type { CancellationPolicy } from './kind.js';

/** The policy as every product and search response shows it, before anything is booked. */
export const CancellationPolicySchema = z.object({
  /** Cancelling up to this many hours before the start gives back everything paid. */
  freeUntilHoursBefore: z.number().int(),
  /** After that the fee, in basis points of what was paid (10 000 = all of it). */
  feeBasisPoints: z.number().int(),
});

/** A policy as an operator sets it on a product: up to a year ahead, a fee of 0–100 %. */
export const CancellationPolicyInput = z.object({
  freeUntilHoursBefore: z.number().int().min(0).max(8760),
  feeBasisPoints: z.number().int().min(0).max(10_000),
});
export type CancellationPolicyInput = z.infer<typeof CancellationPolicyInput>;

/** A policy as the product's columns hold it; nothing when none was given. */
export const policyColumns = (p: CancellationPolicyInput | undefined) =>
  p ? { free_cancellation_hours: p.freeUntilHoursBefore, cancellation_fee_bp: p.feeBasisPoints } : {};

/** The policy from a product's columns (cars, room_types, flight_routes). */
export const toPolicy = (r: {
  free_cancellation_hours: number;
  cancellation_fee_bp: number;
}): CancellationPolicy => ({
  freeUntilHoursBefore: r.free_cancellation_hours,
  feeBasisPoints: r.cancellation_fee_bp,
});

export interface CancellationTerms {
  refundAmount: number;
  fee: number;
  /** True while the free cancellation period runs. */
  free: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * What cancelling now gives back of `amountCharged` (minor units): all of it until
 * `freeUntilHoursBefore` hours before the start, then all but the fee, which is
 * amount × basis points / 10 000 rounded to the nearest unit (half up). The deadline itself is
 * still free.
 */
export function cancellationTerms(
  policy: CancellationPolicy,
  amountCharged: number,
  startsAt: Date,
  now: Date,
): CancellationTerms {
  const deadline = startsAt.getTime() - policy.freeUntilHoursBefore * HOUR_MS;
  if (now.getTime() <= deadline) return { refundAmount: amountCharged, fee: 0, free: true };
  const fee = Math.min(amountCharged, Math.round((amountCharged * policy.feeBasisPoints) / 10_000));
  return { refundAmount: amountCharged - fee, fee, free: false };
}
