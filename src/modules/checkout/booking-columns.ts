import type { ColumnType } from 'kysely';
import type { CheckoutBooking, CheckoutKindName, CheckoutStatus, Payment } from './kind.js';
import { toPolicy } from './policy.js';

/** The hold, payment and policy columns every booking table has (migration 20261207140000_holds). */
export interface HoldColumns extends PolicyColumns {
  status: ColumnType<CheckoutStatus, CheckoutStatus | undefined, CheckoutStatus>;
  hold_expires_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  payment_provider: ColumnType<string | null, string | null | undefined, string | null>;
  payment_id: ColumnType<string | null, string | null | undefined, string | null>;
  amount_charged: ColumnType<number, number | undefined, number>;
  amount_due_on_site: ColumnType<number, number | undefined, number>;
  amount_refunded: ColumnType<number, number | undefined, number>;
}

/** The product's policy columns (cars, room_types, flight_routes). */
export interface PolicyColumns {
  free_cancellation_hours: ColumnType<number, number | undefined, number>;
  cancellation_fee_bp: ColumnType<number, number | undefined, number>;
}

export interface HoldRow {
  id: string;
  user_id: string;
  status: CheckoutStatus;
  hold_expires_at: Date | null;
  payment_provider: string | null;
  payment_id: string | null;
  amount_charged: number;
  amount_due_on_site: number;
  amount_refunded: number;
  total_amount: number;
  currency: string;
  free_cancellation_hours: number;
  cancellation_fee_bp: number;
}

/** A booking row as checkout sees it; the kind adds what only it knows. */
export function toCheckoutBooking(
  kind: CheckoutKindName,
  r: HoldRow,
  extra: { startsAt: Date | string; title: string },
): CheckoutBooking {
  return {
    kind,
    id: r.id,
    userId: r.user_id,
    status: r.status,
    amount: r.total_amount,
    currency: r.currency.trim(),
    holdExpiresAt: r.status === 'pending' && r.hold_expires_at ? r.hold_expires_at.toISOString() : null,
    startsAt: typeof extra.startsAt === 'string' ? extra.startsAt : extra.startsAt.toISOString(),
    policy: toPolicy(r),
    title: extra.title,
    amountCharged: r.amount_charged,
    amountDueOnSite: r.amount_due_on_site,
    amountRefunded: r.amount_refunded,
    paymentProvider: r.payment_provider,
    paymentId: r.payment_id,
  };
}

/** The statuses a booking response shows. */
export const BOOKING_STATUSES = ['pending', 'confirmed', 'cancelled', 'expired', 'refunded'] as const;

/** The columns a pending booking takes when its payment is recorded. */
export const confirmedColumns = (payment: Payment) => ({
  status: 'confirmed' as const,
  hold_expires_at: null,
  payment_provider: payment.provider,
  payment_id: payment.paymentId,
  amount_charged: payment.amountCharged,
  amount_due_on_site: payment.amountDueOnSite,
});
