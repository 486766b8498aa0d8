import type { Principal } from '../../platform/http/auth.js';

/**
 * What checkout needs from each kind of booking (car, stay, flight). Each booking module implements
 * it over its own table; checkout (holds, payment, confirmation, refunds) is written once against it.
 *
 * A hold is a `pending` booking that the database already counts: the car's exclusion constraint,
 * the room inventory CHECK and the seat CHECK treat a live hold like a booking. A hold past
 * `holdExpiresAt` never blocks anyone: the kind releases expired holds it would collide with in the
 * same transaction that takes the product, and a job releases the rest.
 */
export type CheckoutKindName = 'car' | 'stay' | 'flight';

export type CheckoutStatus = 'pending' | 'confirmed' | 'cancelled' | 'expired' | 'refunded';

/** Free cancellation until some hours before the start, then a fee as a share of what was paid. */
export interface CancellationPolicy {
  freeUntilHoursBefore: number;
  /** The fee after that, in basis points of the amount (10 000 = all of it). */
  feeBasisPoints: number;
}

export interface CheckoutBooking {
  kind: CheckoutKindName;
  id: string;
  userId: string;
  status: CheckoutStatus;
  /** The price, an integer in minor units of `currency`. */
  amount: number;
  currency: string;
  /** When a pending hold lapses; null once the booking is no longer pending. */
  holdExpiresAt: string | null;
  /** When the product is used (pickup, check-in, departure): the policy counts back from it. */
  startsAt: string;
  policy: CancellationPolicy;
  /** One line for a payment's description and the traveller's receipt. */
  title: string;
  /** What the provider charged, in minor units; 0 until paid, and for pay-at-pickup. */
  amountCharged: number;
  /** What is left to pay on site (pay-at-pickup). */
  amountDueOnSite: number;
  amountRefunded: number;
  paymentProvider: string | null;
  paymentId: string | null;
}

export interface Payment {
  provider: string;
  /** The provider's id for the payment; null for pay-at-pickup. */
  paymentId: string | null;
  amountCharged: number;
  amountDueOnSite: number;
}

export type ConfirmResult =
  | { ok: true; booking: CheckoutBooking }
  | { ok: false; reason: 'expired' | 'cancelled'; booking: CheckoutBooking };

export interface CancelResult {
  booking: CheckoutBooking;
  /** What the policy gives back of `amountCharged`, in minor units. */
  refundAmount: number;
  fee: number;
}

export interface CheckoutKind {
  kind: CheckoutKindName;
  /**
   * Holds the product for `holdMinutes` as a pending booking. `input` is the kind's own booking
   * body (validated here with the kind's schema). Fails like booking does: 409 with a stable code.
   */
  hold(userId: string, input: unknown, holdMinutes: number): Promise<CheckoutBooking>;
  find(id: string): Promise<CheckoutBooking | undefined>;
  /** Records the payment on a pending booking; idempotent, never confirms an expired hold. */
  confirm(id: string, payment: Payment): Promise<ConfirmResult>;
  /** Cancels a pending or confirmed booking that has not started, with the refund its policy gives. */
  cancel(id: string, who: Principal): Promise<CancelResult>;
  /** Marks a cancelled booking refunded by `amount`. */
  markRefunded(id: string, amount: number): Promise<CheckoutBooking>;
  /** Releases every hold that lapsed before `now`; returns how many. */
  expireHolds(now: Date): Promise<number>;
}
