import Stripe from 'stripe';
import type { CheckoutKindName } from '../kind.js';
import {
  type PaymentProvider,
  type ProviderEvent,
  type ProviderPayment,
  ProviderUnavailableError,
  WebhookSignatureError,
} from './provider.js';

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another endpoint than api.stripe.com (a local contract server). */
  api?: { protocol: 'http' | 'https'; host: string; port: number } | undefined;
  testMode: boolean;
  timeoutMs?: number;
}

/** Stripe's test cards that a test-mode checkout offers (https://docs.stripe.com/testing). */
export const STRIPE_TEST_PAYMENT_METHODS = [
  { id: 'pm_card_visa', label: 'Visa, succeeds' },
  { id: 'pm_card_mastercard', label: 'Mastercard, succeeds' },
  { id: 'pm_card_chargeDeclined', label: 'Declined card' },
  { id: 'pm_card_chargeDeclinedInsufficientFunds', label: 'Declined card, insufficient funds' },
];

function fromIntent(pi: Stripe.PaymentIntent): ProviderPayment {
  const status =
    pi.status === 'succeeded'
      ? 'succeeded'
      : pi.status === 'processing'
        ? 'processing'
        : pi.last_payment_error
          ? 'failed'
          : 'requires_payment';
  const error = pi.last_payment_error;
  return {
    paymentId: pi.id,
    status,
    clientSecret: pi.client_secret,
    failureReason: status === 'failed' ? (error?.decline_code ?? error?.code ?? 'card_declined') : null,
    failureMessage: status === 'failed' ? (error?.message ?? null) : null,
  };
}

/** Errors that are not about the traveller's card: Stripe is down, misconfigured, or rate-limiting. */
function unavailable(err: unknown): never {
  if (err instanceof Stripe.errors.StripeError)
    throw new ProviderUnavailableError(`Stripe: ${err.type} ${err.code ?? ''} ${err.message}`.trim());
  throw err;
}

/**
 * Stripe PaymentIntents, confirmed on the server with a payment method id; refunds; and webhooks
 * verified with the endpoint's signing secret over the raw body.
 */
export function createStripeProvider(opts: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(opts.secretKey, {
    ...(opts.api ?? {}),
    timeout: opts.timeoutMs ?? 10_000,
    maxNetworkRetries: 2,
    telemetry: false,
  });

  return {
    name: 'stripe',
    testMode: opts.testMode,
    testPaymentMethods: opts.testMode ? STRIPE_TEST_PAYMENT_METHODS : [],
    chargesNow: true,

    async create(request) {
      const metadata: { kind: CheckoutKindName; bookingId: string } = {
        kind: request.kind,
        bookingId: request.bookingId,
      };
      try {
        const pi = await stripe.paymentIntents.create(
          {
            amount: request.amount,
            currency: request.currency.toLowerCase(),
            description: request.description,
            metadata,
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return fromIntent(pi);
      } catch (err) {
        return unavailable(err);
      }
    },

    async confirm(paymentId, paymentMethod, idempotencyKey) {
      try {
        const pi = await stripe.paymentIntents.confirm(
          paymentId,
          { payment_method: paymentMethod },
          { idempotencyKey },
        );
        return fromIntent(pi);
      } catch (err) {
        // A declined card is a 402 card_error carrying the PaymentIntent as it now stands.
        if (err instanceof Stripe.errors.StripeCardError) {
          const raw = err.raw as { payment_intent?: Stripe.PaymentIntent };
          return {
            paymentId,
            status: 'failed',
            clientSecret: raw.payment_intent?.client_secret ?? null,
            failureReason: err.decline_code ?? err.code ?? 'card_declined',
            failureMessage: err.message,
          };
        }
        return unavailable(err);
      }
    },

    async retrieve(paymentId) {
      try {
        return fromIntent(await stripe.paymentIntents.retrieve(paymentId));
      } catch (err) {
        return unavailable(err);
      }
    },

    async refund(paymentId, amount, idempotencyKey) {
      try {
        const refund = await stripe.refunds.create({ payment_intent: paymentId, amount }, { idempotencyKey });
        const status =
          refund.status === 'succeeded' ? 'succeeded' : refund.status === 'failed' ? 'failed' : 'pending';
        return { refundId: refund.id, status };
      } catch (err) {
        return unavailable(err);
      }
    },

    parseWebhook(rawBody, signature): ProviderEvent {
      if (!signature) throw new WebhookSignatureError('Stripe-Signature header missing');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, opts.webhookSecret);
      } catch (err) {
        throw new WebhookSignatureError((err as Error).message);
      }
      const object = (event as { data?: { object?: { id?: unknown } } }).data?.object;
      if (typeof event.id !== 'string' || typeof object?.id !== 'string')
        throw new WebhookSignatureError('The body is not a Stripe event');
      switch (event.type) {
        case 'payment_intent.succeeded':
          return { id: event.id, type: 'payment.succeeded', paymentId: event.data.object.id };
        case 'payment_intent.payment_failed': {
          const error = event.data.object.last_payment_error;
          return {
            id: event.id,
            type: 'payment.failed',
            paymentId: event.data.object.id,
            failureReason: error?.decline_code ?? error?.code ?? 'card_declined',
          };
        }
        case 'charge.refunded': {
          const charge = event.data.object;
          const pi =
            typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
          if (!pi) return { id: event.id, type: 'ignored', providerType: event.type };
          return {
            id: event.id,
            type: 'payment.refunded',
            paymentId: pi,
            amountRefunded: charge.amount_refunded,
          };
        }
        default:
          return { id: event.id, type: 'ignored', providerType: event.type };
      }
    },
  };
}
