import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type StripeServer,
  signatureHeader,
  startStripeServer,
} from '../../../test/helpers/stripe-server.js';
import { WebhookSignatureError } from './providers/provider.js';
import { createStripeProvider } from './providers/stripe.js';

/**
 * The contract server against the real stripe package (its requests, its parsing of answers and
 * errors, its webhook verification), and Voyage's Stripe provider against the contract server.
 */
const SECRET_KEY = 'sk_test_contract0123456789';
const WEBHOOK_SECRET = 'whsec_contract0123456789';

describe('Stripe contract server', () => {
  let server: StripeServer;
  let stripe: Stripe;
  const received: { body: string; signature: string }[] = [];
  let hook: ReturnType<typeof createServer>;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    server = await startStripeServer({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
    });
    stripe = new Stripe(SECRET_KEY, {
      host: '127.0.0.1',
      port: server.port,
      protocol: 'http',
      telemetry: false,
    });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((r) => hook.close(r));
  });

  it('creates, confirms and retrieves a PaymentIntent in Stripe’s shapes, form-encoded', async () => {
    const created = await stripe.paymentIntents.create(
      { amount: 4200, currency: 'eur', metadata: { kind: 'car', bookingId: 'b1' } },
      { idempotencyKey: 'create-1' },
    );
    expect(created).toMatchObject({
      object: 'payment_intent',
      amount: 4200,
      currency: 'eur',
      status: 'requires_payment_method',
    });
    expect(created.client_secret).toMatch(new RegExp(`^${created.id}_secret_`));
    expect(created.metadata).toEqual({ kind: 'car', bookingId: 'b1' });
    const sent = server.requests.at(-1)!;
    expect(sent.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(sent.headers['idempotency-key']).toBe('create-1');
    const confirmed = await stripe.paymentIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.amount_received).toBe(4200);
    expect((await stripe.paymentIntents.retrieve(created.id)).status).toBe('succeeded');
  });

  it('replays an Idempotency-Key and refuses it with other parameters', async () => {
    const a = await stripe.paymentIntents.create(
      { amount: 100, currency: 'eur' },
      { idempotencyKey: 'same' },
    );
    const b = await stripe.paymentIntents.create(
      { amount: 100, currency: 'eur' },
      { idempotencyKey: 'same' },
    );
    expect(b.id).toBe(a.id);
    await expect(
      stripe.paymentIntents.create({ amount: 101, currency: 'eur' }, { idempotencyKey: 'same' }),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('declines with a 402 card_error the package reads as StripeCardError', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'eur' });
    const err = await stripe.paymentIntents
      .confirm(pi.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err.statusCode).toBe(402);
    expect(err.code).toBe('card_declined');
    expect(err.decline_code).toBe('insufficient_funds');
    expect(err.raw.payment_intent.status).toBe('requires_payment_method');
    // The traveller may retry the same PaymentIntent with another card.
    expect((await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' })).status).toBe(
      'succeeded',
    );
  });

  it('refunds in part and then the rest, and no more', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'eur' });
    await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    const part = await stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    expect(part).toMatchObject({ object: 'refund', amount: 300, status: 'succeeded', payment_intent: pi.id });
    expect((await stripe.refunds.create({ payment_intent: pi.id })).amount).toBe(700);
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('refuses a wrong key with 401 and an unknown PaymentIntent with 404 resource_missing', async () => {
    const wrong = new Stripe('sk_test_wrong', { host: '127.0.0.1', port: server.port, protocol: 'http' });
    await expect(wrong.paymentIntents.retrieve('pi_x')).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const err = await stripe.paymentIntents.retrieve('pi_missing').catch((e) => e);
    expect(err.code).toBe('resource_missing');
    expect(err.statusCode).toBe(404);
  });

  it('signs webhook events so that the stripe package verifies them', async () => {
    await server.settled();
    expect(received.length).toBeGreaterThan(0);
    for (const r of received) {
      const event = stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET);
      expect(['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded']).toContain(
        event.type,
      );
    }
    const tampered = received[0]!.body.replace('"livemode": false', '"livemode": true');
    expect(() => stripe.webhooks.constructEvent(tampered, received[0]!.signature, WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    // The package's own test signer and the server's agree.
    const payload = '{"id":"evt_1","object":"event"}';
    const t = Math.floor(Date.now() / 1000);
    expect(signatureHeader(payload, WEBHOOK_SECRET, t)).toBe(
      stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: t }),
    );
  });

  it('drives Voyage’s Stripe provider: create, decline, succeed, refund, webhook', async () => {
    const provider = createStripeProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      api: { protocol: 'http', host: '127.0.0.1', port: server.port },
      testMode: true,
    });
    const p = await provider.create({
      amount: 2500,
      currency: 'EUR',
      kind: 'stay',
      bookingId: '00000000-0000-4000-8000-000000000001',
      description: 'Hotel',
      idempotencyKey: 'voyage-create-1',
    });
    expect(p.status).toBe('requires_payment');
    const intent = server.intents.get(p.paymentId!)!;
    expect(intent.currency).toBe('eur');
    expect(intent.metadata).toEqual({ kind: 'stay', bookingId: '00000000-0000-4000-8000-000000000001' });
    const declined = await provider.confirm(p.paymentId!, 'pm_card_chargeDeclined', 'voyage-confirm-1');
    expect(declined).toMatchObject({ status: 'failed', failureReason: 'generic_decline' });
    const paid = await provider.confirm(p.paymentId!, 'pm_card_visa', 'voyage-confirm-2');
    expect(paid.status).toBe('succeeded');
    expect(await provider.refund(p.paymentId!, 2500, 'voyage-refund-1')).toMatchObject({
      status: 'succeeded',
    });
    for (const r of server.requests.filter((q) => q.method === 'POST').slice(-4))
      expect(r.headers['idempotency-key']).toMatch(/^voyage-/);
    const body = JSON.stringify({
      id: 'evt_2',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1', object: 'payment_intent' } },
    });
    expect(provider.parseWebhook(Buffer.from(body), signatureHeader(body, WEBHOOK_SECRET))).toEqual({
      id: 'evt_2',
      type: 'payment.succeeded',
      paymentId: 'pi_1',
    });
    expect(() => provider.parseWebhook(Buffer.from(body), signatureHeader(body, 'whsec_other'))).toThrow(
      WebhookSignatureError,
    );
    expect(() => provider.parseWebhook(Buffer.from(body), undefined)).toThrow(WebhookSignatureError);
  });
});
