import type { Config, Secrets } from '../../../config/index.js';
import { createPayAtPickup } from './pay-at-pickup.js';
import type { PaymentProvider } from './provider.js';
import { createStripeProvider } from './stripe.js';

/** The provider the configuration chooses (config checked that Stripe has its keys). */
export function createPaymentProvider(config: Config, secrets: Secrets): PaymentProvider {
  const { payments } = config;
  if (payments.provider === 'stripe' && secrets.stripeSecretKey && secrets.stripeWebhookSecret)
    return createStripeProvider({
      secretKey: secrets.stripeSecretKey,
      webhookSecret: secrets.stripeWebhookSecret,
      api: payments.stripeApi,
      testMode: payments.testMode,
    });
  return createPayAtPickup();
}
