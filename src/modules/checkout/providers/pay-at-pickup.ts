import { type PaymentProvider, WebhookSignatureError } from './provider.js';

/**
 * Pay on site: nothing is charged now. A booking confirmed this way owes its whole amount at the
 * counter, so there is nothing to refund and no webhook to receive.
 */
export function createPayAtPickup(): PaymentProvider {
  const nothing = {
    paymentId: null,
    clientSecret: null,
    failureReason: null,
    failureMessage: null,
  };
  return {
    name: 'pay-at-pickup',
    testMode: false,
    testPaymentMethods: [],
    chargesNow: false,
    create: async () => ({ ...nothing, status: 'requires_payment' }),
    confirm: async () => ({ ...nothing, status: 'succeeded' }),
    retrieve: async () => ({ ...nothing, status: 'requires_payment' }),
    refund: async () => ({ refundId: null, status: 'succeeded' }),
    parseWebhook: () => {
      throw new WebhookSignatureError('pay-at-pickup receives no webhooks');
    },
  };
}
