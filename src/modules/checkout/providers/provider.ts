import type { CheckoutKindName } from '../kind.js';

/**
 * A payment provider as checkout uses it: one payment per attempt, confirmed on the server, refunded
 * in part or in full, and the provider's own notifications (webhooks) turned into a few events.
 * Every write carries an idempotency key, so a retried call never charges or refunds twice.
 */
export type ProviderName = 'stripe' | 'pay-at-pickup';

export type ProviderPaymentStatus = 'requires_payment' | 'processing' | 'succeeded' | 'failed';

export interface ProviderPayment {
  /** The provider's id; null when nothing is charged (pay-at-pickup). */
  paymentId: string | null;
  status: ProviderPaymentStatus;
  clientSecret: string | null;
  /** Why the payment failed, e.g. `insufficient_funds` or `card_declined`. */
  failureReason: string | null;
  failureMessage: string | null;
}

export interface PaymentRequest {
  amount: number;
  currency: string;
  kind: CheckoutKindName;
  bookingId: string;
  description: string;
  idempotencyKey: string;
}

export interface ProviderRefund {
  refundId: string | null;
  status: 'pending' | 'succeeded' | 'failed';
}

export type ProviderEvent =
  | { id: string; type: 'payment.succeeded'; paymentId: string }
  | { id: string; type: 'payment.failed'; paymentId: string; failureReason: string }
  | { id: string; type: 'payment.refunded'; paymentId: string; amountRefunded: number }
  | { id: string; type: 'ignored'; providerType: string };

export interface TestPaymentMethod {
  id: string;
  label: string;
}

export interface PaymentProvider {
  name: ProviderName;
  /** No real money moves; the test payment methods may be offered. */
  testMode: boolean;
  testPaymentMethods: TestPaymentMethod[];
  /** Whether paying takes a payment method (a card) or just confirms (pay on site). */
  chargesNow: boolean;
  create(request: PaymentRequest): Promise<ProviderPayment>;
  confirm(paymentId: string, paymentMethod: string, idempotencyKey: string): Promise<ProviderPayment>;
  retrieve(paymentId: string): Promise<ProviderPayment>;
  refund(paymentId: string, amount: number, idempotencyKey: string): Promise<ProviderRefund>;
  /** Verifies a webhook's signature over its raw body; throws `WebhookSignatureError` when it fails. */
  parseWebhook(rawBody: Buffer, signature: string | undefined): ProviderEvent;
}

export class WebhookSignatureError extends Error {
  override name = 'WebhookSignatureError';
}

/** The provider could not be reached or answered with an error that is not the traveller's card. */
export class ProviderUnavailableError extends Error {
  override name = 'ProviderUnavailableError';
}
