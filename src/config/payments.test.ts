import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './index.js';

function problems(env: Record<string, string>): string[] {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const STRIPE = { STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_abc' };

describe('payments config', () => {
  it('pays at pickup with a 15-minute hold by default', () => {
    const { config, secrets } = readConfig({});
    expect(config.payments).toEqual({
      provider: 'pay-at-pickup',
      holdMinutes: 15,
      stripeApi: undefined,
      testMode: false,
    });
    expect(secrets.stripeSecretKey).toBeUndefined();
  });

  it('takes Stripe when a secret key is given, in test mode for sk_test_ keys', () => {
    const { config, secrets } = readConfig({
      ...STRIPE,
      STRIPE_API_BASE: 'http://127.0.0.1:4242',
      HOLD_MINUTES: '30',
    });
    expect(config.payments).toEqual({
      provider: 'stripe',
      holdMinutes: 30,
      stripeApi: { protocol: 'http', host: '127.0.0.1', port: 4242 },
      testMode: true,
    });
    expect(secrets).toMatchObject({ stripeSecretKey: 'sk_test_abc123', stripeWebhookSecret: 'whsec_abc' });
    expect(readConfig({ ...STRIPE, STRIPE_SECRET_KEY: 'sk_live_abc' }).config.payments.testMode).toBe(false);
    // An explicit provider wins over the key.
    expect(readConfig({ ...STRIPE, PAYMENT_PROVIDER: 'pay-at-pickup' }).config.payments.provider).toBe(
      'pay-at-pickup',
    );
  });

  it('names what Stripe lacks, and refuses bad values', () => {
    expect(problems({ PAYMENT_PROVIDER: 'stripe' })).toEqual([
      'STRIPE_SECRET_KEY: required when the payment provider is stripe',
      'STRIPE_WEBHOOK_SECRET: required when the payment provider is stripe',
    ]);
    expect(problems({ STRIPE_SECRET_KEY: 'sk_test_abc' })).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when the payment provider is stripe',
    ]);
    expect(problems({ PAYMENT_PROVIDER: 'paypal' })[0]).toMatch(/^PAYMENT_PROVIDER:/);
    expect(problems({ STRIPE_SECRET_KEY: 'pk_test_abc' })[0]).toMatch(/^STRIPE_SECRET_KEY:/);
    expect(problems({ STRIPE_API_BASE: 'ftp://x' })[0]).toMatch(/^STRIPE_API_BASE:/);
    expect(problems({ HOLD_MINUTES: '0' })[0]).toMatch(/^HOLD_MINUTES:/);
    expect(problems({ HOLD_MINUTES: '61' })[0]).toMatch(/^HOLD_MINUTES:/);
  });
});
