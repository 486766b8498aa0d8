// Over 300 lines: checkout over HTTP with both providers, one shared app and contract server per provider.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  carHoldBody,
  deliver,
  hold,
  metricValue,
  pay,
  STRIPE_TEST_ENV,
  stayHoldBody,
} from '../../../test/helpers/checkout.js';
import { type StripeServer, startStripeServer } from '../../../test/helpers/stripe-server.js';
import {
  createTestApp,
  errorCode,
  type SignedIn,
  signInAdmin,
  signUp,
  type TestApp,
} from '../../../test/helpers/test-app.js';
import { manualClock } from '../../platform/clock.js';

describe('checkout with pay-at-pickup', () => {
  let t: TestApp;
  let alice: SignedIn;
  let bob: SignedIn;
  let admin: SignedIn;
  const clock = manualClock(new Date());
  beforeAll(async () => {
    // Tokens outlive the holds the tests let lapse.
    t = await createTestApp({ clock, env: { ACCESS_TOKEN_TTL: '1d' } });
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    admin = await signInAdmin(t);
  });
  afterAll(() => t.close());

  it('tells the web app how it takes payment', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/checkout/config' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      provider: 'pay-at-pickup',
      holdMinutes: 15,
      testMode: false,
      testPaymentMethods: [],
    });
  });

  it('holds a stay, shows it to its owner and admins only, and confirms it with the amount due on site', async () => {
    const held = await hold(t, alice, await stayHoldBody(t));
    expect(held.statusCode).toBe(201);
    const { booking, payment } = held.json();
    expect(booking).toMatchObject({ kind: 'stay', status: 'pending', userId: alice.userId });
    expect(booking.amount).toBeGreaterThan(0);
    expect(new Date(booking.holdExpiresAt).getTime() - clock.now().getTime()).toBe(15 * 60_000);
    expect(payment).toEqual({
      provider: 'pay-at-pickup',
      status: 'requires_payment',
      clientSecret: null,
      failureReason: null,
    });

    const url = `/checkout/stay/${booking.id}`;
    expect((await t.app.inject({ method: 'GET', url, headers: alice.auth })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: admin.auth })).statusCode).toBe(200);
    const other = await t.app.inject({ method: 'GET', url, headers: bob.auth });
    expect(other.statusCode).toBe(404);
    expect(errorCode(other)).toBe('checkout_not_found');
    expect((await pay(t, bob, 'stay', booking.id)).statusCode).toBe(404);

    const before = await metricValue(t, 'voyage_revenue_minor_total', {
      kind: 'stay',
      currency: booking.currency,
    });
    const paid = await pay(t, alice, 'stay', booking.id);
    expect(paid.statusCode).toBe(200);
    expect(paid.json().booking).toMatchObject({
      status: 'confirmed',
      amountCharged: 0,
      amountDueOnSite: booking.amount,
      paymentProvider: 'pay-at-pickup',
    });
    expect(paid.json().payment.status).toBe('due_on_site');
    // Paying again changes nothing and counts nothing twice.
    expect((await pay(t, alice, 'stay', booking.id)).json().booking.status).toBe('confirmed');
    const after = await metricValue(t, 'voyage_revenue_minor_total', {
      kind: 'stay',
      currency: booking.currency,
    });
    expect(after - before).toBe(booking.amount);

    const quote = await t.app.inject({ method: 'GET', url: `${url}/cancellation`, headers: alice.auth });
    expect(quote.json()).toMatchObject({ refundAmount: 0, fee: 0, currency: booking.currency });
    const cancelled = await t.app.inject({ method: 'POST', url: `${url}/cancel`, headers: alice.auth });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      booking: { status: 'cancelled' },
      refund: { amount: 0, status: 'none' },
    });
  });

  it('refuses to pay for a hold that has expired (409 hold_expired)', async () => {
    const { booking } = (await hold(t, alice, await carHoldBody(t))).json();
    clock.advance(16 * 60_000);
    const res = await pay(t, alice, 'car', booking.id);
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('hold_expired');
  });

  it('replays a hold with the same Idempotency-Key instead of holding twice', async () => {
    const body = await carHoldBody(t);
    const a = await hold(t, alice, body, { 'idempotency-key': 'hold-once-1' });
    const b = await hold(t, alice, body, { 'idempotency-key': 'hold-once-1' });
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().booking.id).toBe(a.json().booking.id);
  });

  it('answers the Stripe webhook with 400 invalid_signature: there is no Stripe here', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/payments/webhooks/stripe',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(400);
    expect(errorCode(res)).toBe('invalid_signature');
  });
});

describe('checkout with Stripe', () => {
  let t: TestApp;
  let stripe: StripeServer;
  let alice: SignedIn;
  const clock = manualClock(new Date());
  beforeAll(async () => {
    stripe = await startStripeServer({ ...STRIPE_TEST_ENV, autoDeliver: false });
    t = await createTestApp({
      clock,
      env: {
        ACCESS_TOKEN_TTL: '1d',
        STRIPE_SECRET_KEY: STRIPE_TEST_ENV.secretKey,
        STRIPE_WEBHOOK_SECRET: STRIPE_TEST_ENV.webhookSecret,
        STRIPE_API_BASE: stripe.url,
      },
    });
    alice = await signUp(t.app);
  });
  afterAll(async () => {
    await t.close();
    await stripe.close();
  });

  it('offers Stripe’s test cards in test mode', async () => {
    const res = (await t.app.inject({ method: 'GET', url: '/checkout/config' })).json();
    expect(res).toMatchObject({ provider: 'stripe', testMode: true });
    expect(res.testPaymentMethods.map((m: { id: string }) => m.id)).toEqual(
      expect.arrayContaining(['pm_card_visa', 'pm_card_chargeDeclined']),
    );
  });

  it('holds with a PaymentIntent, declines a card (402, the hold stays), then takes another', async () => {
    const held = await hold(t, alice, await carHoldBody(t));
    expect(held.statusCode, held.body).toBe(201);
    const { booking, payment } = held.json();
    expect(payment.status).toBe('requires_payment');
    expect(payment.clientSecret).toMatch(/^pi_.+_secret_/);
    const intent = [...stripe.intents.values()].at(-1)!;
    expect(intent).toMatchObject({ amount: booking.amount, currency: booking.currency.toLowerCase() });
    expect(intent.metadata).toEqual({ kind: 'car', bookingId: booking.id });

    const missing = await pay(t, alice, 'car', booking.id);
    expect(missing.statusCode).toBe(400);
    expect(errorCode(missing)).toBe('payment_method_required');

    const failuresBefore = await metricValue(t, 'voyage_payment_failures_total', {
      reason: 'generic_decline',
    });
    const declined = await pay(t, alice, 'car', booking.id, 'pm_card_chargeDeclined');
    expect(declined.statusCode).toBe(402);
    expect(errorCode(declined)).toBe('card_declined');
    expect(declined.json().error.details.declineCode).toBe('generic_decline');
    expect(await metricValue(t, 'voyage_payment_failures_total', { reason: 'generic_decline' })).toBe(
      failuresBefore + 1,
    );
    const after = (
      await t.app.inject({ method: 'GET', url: `/checkout/car/${booking.id}`, headers: alice.auth })
    ).json();
    expect(after.booking.status).toBe('pending');
    expect(after.payment).toMatchObject({ status: 'failed', failureReason: 'generic_decline' });

    const paid = await pay(t, alice, 'car', booking.id, 'pm_card_visa');
    expect(paid.statusCode).toBe(200);
    expect(paid.json().booking).toMatchObject({
      status: 'confirmed',
      amountCharged: booking.amount,
      paymentProvider: 'stripe',
    });
    expect(paid.json().payment.status).toBe('succeeded');
    for (const r of stripe.requests.filter((q) => q.method === 'POST'))
      expect(r.headers['idempotency-key']).toMatch(/^voyage-/);
  });

  it('applies webhooks once and in any order: a late failure and a late success never move it back', async () => {
    const { booking } = (await hold(t, alice, await stayHoldBody(t))).json();
    stripe.take();
    await pay(t, alice, 'stay', booking.id, 'pm_card_chargeDeclined');
    await pay(t, alice, 'stay', booking.id, 'pm_card_visa');
    const [failed, succeeded] = stripe.take();
    expect([failed?.type, succeeded?.type]).toEqual([
      'payment_intent.payment_failed',
      'payment_intent.succeeded',
    ]);
    // Success first, then its redelivery, then the failure of the earlier attempt.
    expect((await deliver(t, succeeded!)).json()).toEqual({ received: true, duplicate: false });
    expect((await deliver(t, succeeded!)).json()).toEqual({ received: true, duplicate: true });
    expect((await deliver(t, failed!)).statusCode).toBe(200);
    const url = `/checkout/stay/${booking.id}`;
    let now = (await t.app.inject({ method: 'GET', url, headers: alice.auth })).json();
    expect(now.booking.status).toBe('confirmed');
    expect(now.payment.status).toBe('succeeded');

    const quote = (
      await t.app.inject({ method: 'GET', url: `${url}/cancellation`, headers: alice.auth })
    ).json();
    expect(quote).toMatchObject({ refundAmount: booking.amount, fee: 0 });
    const cancelled = await t.app.inject({ method: 'POST', url: `${url}/cancel`, headers: alice.auth });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().refund).toEqual({ amount: booking.amount, status: 'succeeded' });
    expect(cancelled.json().booking).toMatchObject({ status: 'refunded', amountRefunded: booking.amount });
    const [refunded] = stripe.take();
    expect(refunded?.type).toBe('charge.refunded');
    expect((await deliver(t, refunded!)).statusCode).toBe(200);
    // The success again, late, after the refund: still refunded.
    expect((await deliver(t, { ...succeeded!, id: `${succeeded!.id}x` })).statusCode).toBe(200);
    now = (await t.app.inject({ method: 'GET', url, headers: alice.auth })).json();
    expect(now.booking.status).toBe('refunded');
    expect(now.payment.status).toBe('refunded');
    // Cancelling again refunds nothing more.
    const again = await t.app.inject({ method: 'POST', url: `${url}/cancel`, headers: alice.auth });
    expect(again.json().refund).toEqual({ amount: booking.amount, status: 'succeeded' });
    expect(stripe.requests.filter((r) => r.path === '/v1/refunds')).toHaveLength(1);
  });

  it('refuses an unsigned or wrongly signed webhook with 400 invalid_signature', async () => {
    const [event] = stripe.take();
    const sample = event ?? stripe.events[0]!;
    const wrong = await deliver(t, sample, 'whsec_not_ours');
    expect(wrong.statusCode).toBe(400);
    expect(errorCode(wrong)).toBe('invalid_signature');
    const none = await t.app.inject({
      method: 'POST',
      url: '/payments/webhooks/stripe',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(sample),
    });
    expect(errorCode(none)).toBe('invalid_signature');
  });

  it('charges nothing for an expired hold (409 hold_expired)', async () => {
    const { booking } = (await hold(t, alice, await carHoldBody(t))).json();
    clock.advance(16 * 60_000);
    const confirms = stripe.requests.filter((r) => r.path.endsWith('/confirm')).length;
    const res = await pay(t, alice, 'car', booking.id, 'pm_card_visa');
    expect(res.statusCode).toBe(409);
    expect(errorCode(res)).toBe('hold_expired');
    expect(stripe.requests.filter((r) => r.path.endsWith('/confirm'))).toHaveLength(confirms);
  });

  it('answers 503 payment_provider_unavailable when Stripe fails, and the hold can still be paid', async () => {
    const { booking } = (await hold(t, alice, await carHoldBody(t))).json();
    stripe.failNext(3);
    const res = await pay(t, alice, 'car', booking.id, 'pm_card_visa');
    expect(res.statusCode).toBe(503);
    expect(errorCode(res)).toBe('payment_provider_unavailable');
    const retry = await pay(t, alice, 'car', booking.id, 'pm_card_visa');
    expect(retry.statusCode).toBe(200);
    expect(retry.json().booking.status).toBe('confirmed');
  });
});
