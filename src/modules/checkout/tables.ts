import type { ColumnType, Generated } from 'kysely';

export type PaymentStatus =
  | 'requires_payment'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'due_on_site'
  | 'refunded';
export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentsTable {
  id: Generated<string>;
  kind: 'car' | 'stay' | 'flight';
  booking_id: string;
  user_id: string;
  provider: 'pay-at-pickup' | 'stripe';
  provider_payment_id: string | null;
  amount: number;
  currency: string;
  status: ColumnType<PaymentStatus, PaymentStatus | undefined, PaymentStatus>;
  failure_reason: string | null;
  client_secret: string | null;
  idempotency_key: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RefundsTable {
  id: Generated<string>;
  payment_id: string;
  provider_refund_id: string | null;
  amount: number;
  status: ColumnType<RefundStatus, RefundStatus | undefined, RefundStatus>;
  idempotency_key: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PaymentWebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  received_at: Generated<Date>;
}

export interface CheckoutTables {
  payments: PaymentsTable;
  refunds: RefundsTable;
  payment_webhook_events: PaymentWebhookEventsTable;
}
