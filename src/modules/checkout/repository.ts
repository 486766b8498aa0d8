import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { CheckoutKindName } from './kind.js';
import type { PaymentStatus, PaymentsTable, RefundStatus } from './tables.js';

export type PaymentRow = Omit<PaymentsTable, 'id' | 'status' | 'created_at' | 'updated_at'> & {
  id: string;
  status: PaymentStatus;
  created_at: Date;
  updated_at: Date;
};

/**
 * Which payment states may follow which. A webhook that arrives late (a success after the refund, a
 * failure after the success) finds its row in a state it may not leave that way, and changes nothing.
 */
export const NEXT_FROM: Record<PaymentStatus, PaymentStatus[]> = {
  requires_payment: [],
  processing: ['requires_payment', 'failed'],
  failed: ['requires_payment', 'processing'],
  succeeded: ['requires_payment', 'processing', 'failed'],
  due_on_site: ['requires_payment'],
  refunded: ['succeeded'],
};

export function createCheckoutRepository(base: Db) {
  return {
    insertPayment(
      row: Pick<
        PaymentsTable,
        'kind' | 'booking_id' | 'user_id' | 'provider' | 'amount' | 'currency' | 'idempotency_key'
      >,
      db: Db = base,
    ): Promise<PaymentRow> {
      return db
        .insertInto('payments')
        .values(row)
        .returningAll()
        .executeTakeFirstOrThrow() as Promise<PaymentRow>;
    },

    async setProviderPayment(
      id: string,
      providerPaymentId: string | null,
      clientSecret: string | null,
      db: Db = base,
    ) {
      await db
        .updateTable('payments')
        .set({ provider_payment_id: providerPaymentId, client_secret: clientSecret, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },

    latestPayment(kind: CheckoutKindName, bookingId: string, db: Db = base): Promise<PaymentRow | undefined> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('kind', '=', kind)
        .where('booking_id', '=', bookingId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst() as Promise<PaymentRow | undefined>;
    },

    paymentByProviderId(providerPaymentId: string, db: Db = base): Promise<PaymentRow | undefined> {
      return db
        .selectFrom('payments')
        .selectAll()
        .where('provider_payment_id', '=', providerPaymentId)
        .executeTakeFirst() as Promise<PaymentRow | undefined>;
    },

    /** Moves a payment to `to` if its state allows it (see NEXT_FROM); true when it moved. */
    async transition(id: string, to: PaymentStatus, failureReason: string | null = null, db: Db = base) {
      const res = await db
        .updateTable('payments')
        .set({ status: to, failure_reason: failureReason, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', 'in', NEXT_FROM[to])
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** The payment's one refund, created on first call (a second cancel finds the first's). */
    async claimRefund(paymentId: string, amount: number, idempotencyKey: string, db: Db = base) {
      await db
        .insertInto('refunds')
        .values({ payment_id: paymentId, amount, idempotency_key: idempotencyKey })
        .onConflict((oc) => oc.column('payment_id').doNothing())
        .execute();
      return db
        .selectFrom('refunds')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .executeTakeFirstOrThrow();
    },

    refundFor(paymentId: string, db: Db = base) {
      return db.selectFrom('refunds').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
    },

    async settleRefund(id: string, status: RefundStatus, providerRefundId: string | null, db: Db = base) {
      await db
        .updateTable('refunds')
        .set({
          status,
          updated_at: sql`now()`,
          ...(providerRefundId ? { provider_refund_id: providerRefundId } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .execute();
    },

    async eventSeen(provider: string, eventId: string, db: Db = base): Promise<boolean> {
      const row = await db
        .selectFrom('payment_webhook_events')
        .select('event_id')
        .where('provider', '=', provider)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return !!row;
    },

    /** Records a processed event; false when another delivery recorded it first. */
    async recordEvent(provider: string, eventId: string, type: string, db: Db = base): Promise<boolean> {
      const res = await db
        .insertInto('payment_webhook_events')
        .values({ provider, event_id: eventId, type })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return !!res;
    },
  };
}

export type CheckoutRepository = ReturnType<typeof createCheckoutRepository>;
