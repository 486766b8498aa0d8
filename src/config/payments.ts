import type { PaymentProviderName, parseEnv } from './env.js';
import { ConfigError } from './errors.js';

export interface PaymentsConfig {
  provider: PaymentProviderName;
  /** How long a hold keeps the product before it lapses. */
  holdMinutes: number;
  /** Stripe's API endpoint; Stripe's own unless STRIPE_API_BASE names another (a local contract server). */
  stripeApi: { protocol: 'http' | 'https'; host: string; port: number } | undefined;
  /** A test-mode key (sk_test_…): no real money moves, and test cards may be offered. */
  testMode: boolean;
}

export interface PaymentsSecrets {
  stripeSecretKey?: string | undefined;
  stripeWebhookSecret?: string | undefined;
}

/**
 * Which provider takes payments: PAYMENT_PROVIDER when set, otherwise Stripe when a secret key is
 * given, otherwise pay-at-pickup. Stripe needs both its secret key and its webhook signing secret.
 */
export function paymentsConfig(e: ReturnType<typeof parseEnv>): {
  payments: PaymentsConfig;
  secrets: PaymentsSecrets;
} {
  const provider: PaymentProviderName =
    e.PAYMENT_PROVIDER ?? (e.STRIPE_SECRET_KEY ? 'stripe' : 'pay-at-pickup');
  if (provider === 'stripe') {
    const problems = [
      ...(e.STRIPE_SECRET_KEY ? [] : ['STRIPE_SECRET_KEY: required when the payment provider is stripe']),
      ...(e.STRIPE_WEBHOOK_SECRET
        ? []
        : ['STRIPE_WEBHOOK_SECRET: required when the payment provider is stripe']),
    ];
    if (problems.length) throw new ConfigError(problems);
  }
  let stripeApi: PaymentsConfig['stripeApi'];
  if (e.STRIPE_API_BASE) {
    const url = new URL(e.STRIPE_API_BASE);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    stripeApi = { protocol, host: url.hostname, port: Number(url.port) || (protocol === 'http' ? 80 : 443) };
  }
  return {
    payments: {
      provider,
      holdMinutes: e.HOLD_MINUTES,
      stripeApi,
      testMode: provider === 'stripe' && !!e.STRIPE_SECRET_KEY?.includes('_test_'),
    },
    secrets: {
      stripeSecretKey: e.STRIPE_SECRET_KEY || undefined,
      stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET || undefined,
    },
  };
}
